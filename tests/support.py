"""Test helpers that are plain functions rather than fixtures."""

from __future__ import annotations

import os
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import pyotp
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response

from nigehbaan.core.actors import Actor
from nigehbaan.core.credentials import TOTP_STEP_SECONDS

POSTGRES_URL = os.environ.get(
    "NIGEHBAAN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def backend() -> str:
    """Which real database this run uses: `.ci/run` runs the whole suite once with each."""
    name = os.environ.get("NIGEHBAAN_TEST_DB", "sqlite")
    if name not in ("sqlite", "postgresql"):
        raise RuntimeError(f"NIGEHBAAN_TEST_DB must be sqlite or postgresql, not {name!r}")
    return name


@dataclass
class Account:
    username: str
    password: str
    role: str
    unit: str
    totp_secret: str | None
    actor: Actor
    token: str

    def code(self, at: datetime, steps_ahead: int = 0) -> str:
        """A one-time code; `steps_ahead` gives a fresh one when a test logs in twice."""
        assert self.totp_secret is not None
        step = int(at.timestamp()) // TOTP_STEP_SECONDS + steps_ahead
        return pyotp.TOTP(self.totp_secret).at(step * TOTP_STEP_SECONDS)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def login(client: TestClient, account: Account, code: str = "") -> str:
    """Signs `account` in to the console; the page's CSRF token, for the forms it posts."""
    response = client.post("/login", data={"username": account.username,
                                           "password": account.password, "totp": code},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    page = client.get(response.headers["location"])
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text[:300]
    return found.group(1)


def open_case(client: TestClient, account: Account, title: str = "Seized phone",
              channel: str = "walk_in") -> str:
    """A case (a walk-in unless said) opened through the API by `account`; its reference."""
    made = client.post("/api/v1/cases", json={"title": title, "channel": channel},
                       headers=account.headers)
    assert made.status_code == 201, made.text
    reference: str = made.json()["reference"]
    return reference


def upload_chat(client: TestClient, account: Account, reference: str, filename: str,
                body: bytes, **params: str) -> Response:
    """A chat export posted to the case through the API, as `filename`; the answer."""
    return client.post(f"/api/v1/cases/{reference}/chats", headers=account.headers,
                       params={"filename": filename, **params}, content=body)


def upload_chat_form(client: TestClient, csrf: str, reference: str, filename: str,
                     body: bytes) -> Response:
    """A chat export sent through the console's upload form by the logged-in client; the
    answer, its redirect not followed."""
    return client.post(f"/cases/{reference}/chats", data={"csrf": csrf},
                       files={"export": (filename, body)}, follow_redirects=False)


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Run `app` on a real socket in a thread. The socket listens before the server starts,
    so a client may connect at once: the kernel queues it until uvicorn accepts."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
