"""Portal load: submissions per second with p50/p99 latency, beside the same server's health
endpoint, on SQLite and PostgreSQL; then a crash test (kill -9 during load, restart, and every
receipt a reporter was shown must still open its report).

Usage: python benchmarks/portal_load_bench.py [--db sqlite,postgresql] [--seconds 20]
       [--clients 8] [--crash-seconds 8] [--argon2 production|fast]

The portal runs as its own process (`nigehbaan portal`, production settings: Argon2id at
time cost 3 and 64 MiB unless `--argon2 fast`); this script is the second process, sending
HTTP over loopback from `--clients` threads. One submission = GET the form (for its token) +
POST the report; latency is the POST alone (what the reporter waits for after tapping Send),
throughput counts whole submissions. Everything sent is synthetic text.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx

from nigehbaan.core.db import make_engine, scratch_schema
from nigehbaan.core.schema import migrate

POSTGRES = os.environ.get("NIGEHBAAN_TEST_POSTGRES_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SERVE = """
import sys, uvicorn
from nigehbaan.cli.portal import SERVER_OPTIONS
from nigehbaan.core.settings import Settings
from nigehbaan.intake.config import PortalConfig
from nigehbaan.intake.portal import create_portal_app
uvicorn.run(create_portal_app(Settings(), PortalConfig()), host="127.0.0.1",
            port=int(sys.argv[1]), **SERVER_OPTIONS)
"""
"""What `nigehbaan portal` runs, minus its database-version check (the benchmark migrates)."""
RECEIPT = re.compile(r'id="receipt"[^>]*>([0-9 ]{19})<')
TOKEN = re.compile(r'name="token" value="([^"]+)"')


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    receipts: list[str] = field(default_factory=list)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def database(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/portal.db"
        return
    with scratch_schema(POSTGRES, "nh_bench") as url:
        yield url


class Portal:
    """The portal in a child process (as `nigehbaan portal` serves it), killable and restartable."""

    def __init__(self, url: str, home: Path, fast: bool) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, NIGEHBAAN_HOME=str(home), NIGEHBAAN_DATABASE_URL=url,
                        NIGEHBAAN_PORTAL_UNIT="Bench Unit",
                        NIGEHBAAN_PORTAL_SUBMISSIONS_PER_MINUTE="10000000",
                        NIGEHBAAN_PORTAL_RECEIPT_ATTEMPTS_PER_MINUTE="10000000")
        if fast:
            self.env.update(NIGEHBAAN_PASSWORD_TIME_COST="1", NIGEHBAAN_PASSWORD_MEMORY_KIB="1024")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [sys.executable, "-c", SERVE, str(self.port)]
        self.process = subprocess.Popen(command, env=self.env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + "/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("the portal did not start")

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def submit(client: httpx.Client, number: int) -> tuple[float, str]:
    form = client.get("/en/report")
    token = TOKEN.search(form.text)
    if form.status_code != 200 or token is None:
        raise RuntimeError(f"form: {form.status_code}")
    data = {"token": token.group(1), "step": "report",
            "description": f"Synthetic benchmark report {number}: a stranger added me to a group",
            "platform": "Synthetic chat app", "people": "+92 300 1234567\n@synthetic_handle",
            "spreading_now": "no", "reporter_role": "other"}
    started = time.perf_counter()
    response = client.post("/en/report", data=data)
    elapsed = time.perf_counter() - started
    found = RECEIPT.search(response.text)
    if response.status_code != 200 or found is None:
        raise RuntimeError(f"submit: {response.status_code}")
    return elapsed, found.group(1)


def health(client: httpx.Client, number: int) -> tuple[float, str]:
    started = time.perf_counter()
    response = client.get("/health")
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"health: {response.status_code}")
    return elapsed, ""


def load(base: str, action: Callable[[httpx.Client, int], tuple[float, str]], seconds: float,
         clients: int, stop: threading.Event | None = None) -> tuple[Tally, float]:
    tally = Tally()
    stop = stop or threading.Event()
    counter = iter(range(10**9))

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            while not stop.is_set():
                try:
                    elapsed, receipt = action(client, next(counter))
                except (httpx.HTTPError, RuntimeError):
                    with tally.lock:
                        tally.errors += 1
                    time.sleep(0.05)
                    continue
                with tally.lock:
                    tally.latencies.append(elapsed)
                    if receipt:
                        tally.receipts.append(receipt)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    if seconds > 0:
        timer = threading.Timer(seconds, stop.set)
        timer.start()
    for thread in threads:
        thread.join()
    return tally, time.perf_counter() - started


def describe(name: str, tally: Tally, wall: float) -> str:
    lat = sorted(tally.latencies)
    if not lat:
        return f"{name}: nothing completed ({tally.errors} errors)"
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
    return (f"{name:<28} {len(lat) / wall:8.1f}/s   p50 {statistics.median(lat) * 1000:7.1f} ms"
            f"   p99 {p99 * 1000:7.1f} ms   n={len(lat)} errors={tally.errors}")


def opens(base: str, receipt: str) -> bool:
    response = httpx.post(base + "/en/return", data={"action": "open", "receipt": receipt},
                          timeout=60)
    return response.status_code == 200 and 'id="status-words"' in response.text


def crash_test(portal: Portal, clients: int, seconds: float) -> str:
    stop = threading.Event()
    result: dict[str, tuple[Tally, float]] = {}
    runner = threading.Thread(target=lambda: result.update(
        run=load(portal.base, submit, 0, clients, stop)))
    runner.start()
    time.sleep(seconds)  # load is running: kill the portal in the middle of it
    portal.kill()
    time.sleep(0.5)  # clients now meet connection errors
    stop.set()
    runner.join()
    tally, _ = result["run"]
    engine = make_engine(portal.env["NIGEHBAAN_DATABASE_URL"])
    migrate(engine)  # a no-op, unless a migration was added to the tree meanwhile
    engine.dispose()
    portal.start()
    missing = [r for r in tally.receipts if not opens(portal.base, r)]
    return (f"crash test: kill -9 after {seconds:.0f}s of load; {len(tally.receipts)} receipts "
            f"shown, {len(tally.receipts) - len(missing)} open their report after restart, "
            f"{len(missing)} missing; {tally.errors} requests failed while it was down")


def bench(kind: str, args: argparse.Namespace) -> None:
    with database(kind) as url, tempfile.TemporaryDirectory() as home:
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        portal = Portal(url, Path(home), args.argon2 == "fast")
        portal.start()
        try:
            print(f"--- {kind} ({args.clients} clients, {args.seconds:.0f}s each, "
                  f"Argon2id {args.argon2}, {os.cpu_count()} CPUs)")
            print(describe("health", *load(portal.base, health, args.seconds, args.clients)))
            print(describe("report submissions", *load(portal.base, submit, args.seconds,
                                                        args.clients)))
            print(crash_test(portal, args.clients, args.crash_seconds))
        finally:
            portal.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--crash-seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--argon2", choices=["production", "fast"], default="production")
    args = parser.parse_args()
    for kind in args.db.split(","):
        bench(kind, args)


if __name__ == "__main__":
    main()
