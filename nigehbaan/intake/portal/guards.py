"""What wraps every portal response: size limit, security headers, and nothing remembered.

Pure ASGI (not `BaseHTTPMiddleware`) so that the body limit can answer before the app reads a
byte of an oversized body, and so that nothing here ever sees or keeps the client's address:
the `client` entry of the ASGI scope is removed before the app runs, so no code below (ours or
a library's) can log or store it by accident.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
TooLarge = Callable[[Scope], tuple[int, bytes]]

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'none'; font-src 'none'; object-src 'none'; media-src 'none'; "
       "worker-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
HEADERS: dict[str, str] = {
    "content-security-policy": CSP,
    "cache-control": "no-store",
    "pragma": "no-cache",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
DROPPED = frozenset({b"set-cookie", b"server"})


class PortalGuard:
    def __init__(self, app: ASGIApp, max_body: int, too_large: TooLarge) -> None:
        self.app, self.max_body, self.too_large = app, max_body, too_large

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope["client"] = None
        scope["headers"] = [(k, v) for k, v in scope["headers"]
                            if k not in (b"x-forwarded-for", b"x-real-ip", b"forwarded")]

        async def send_guarded(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in DROPPED]
                present = {k.lower() for k, _ in headers}
                headers += [(k.encode(), v.encode()) for k, v in HEADERS.items()
                            if k.encode() not in present]
                message["headers"] = headers
            await send(message)

        body = await self._read_body(scope, receive)
        if body is None:
            status, page = self.too_large(scope)
            await send_guarded({"type": "http.response.start", "status": status, "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(page)).encode()), (b"connection", b"close")]})
            await send_guarded({"type": "http.response.body", "body": page})
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send_guarded)

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes | None:
        """The whole body, or None when it is larger than allowed (declared or actual)."""
        for name, value in scope["headers"]:
            if name == b"content-length" and (not value.isdigit()
                                               or int(value) > self.max_body):
                return None
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)
