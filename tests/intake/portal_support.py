"""Helpers for portal tests: a portal app per test, and a reporter's steps as plain functions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi.testclient import TestClient
from httpx2 import Response

RECEIPT = re.compile(r'id="receipt"[^>]*>([0-9 ]{19})<')
UNIT = "Unit A"


def field(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no field {name} in page"
    return found.group(1)


def report(client: TestClient, lang: str = "en", **answers: str) -> Response:
    page = client.get(f"/{lang}/report")
    data = {"token": field(page.text, "token"), "step": "report"}
    data.update(answers)
    return client.post(f"/{lang}/report", data=data)


def receipt_of(response: Response) -> str:
    found = RECEIPT.search(response.text)
    assert found, response.text[:500]
    return found.group(1)


@dataclass
class Visit:
    """A returning reporter's open status page."""

    client: TestClient
    lang: str
    page: Response

    def send(self, body: str, action: str = "message") -> Response:
        data = {"access": field(self.page.text, "access"), "token": field(self.page.text, "token"),
                "action": action, "body": body}
        return self._post(data)

    def add_hashes(self, hashes: str) -> Response:
        """Send what the status page's hash section puts in its hidden field."""
        return self._post({"access": field(self.page.text, "access"),
                           "token": field(self.page.text, "token"), "action": "hashes",
                           "hashes": hashes})

    def _post(self, data: dict[str, str]) -> Response:
        response = self.client.post(f"/{self.lang}/return", data=data)
        if response.status_code == 200:
            self.page = response
        return response


def come_back(client: TestClient, receipt: str, lang: str = "en") -> Visit:
    page = client.post(f"/{lang}/return", data={"action": "open", "receipt": receipt})
    assert page.status_code == 200, page.text[:500]
    return Visit(client, lang, page)
