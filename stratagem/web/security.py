"""Security pieces of the web app: CSRF (double-submit cookie), body-size limit, headers, host check.

* Every response sets a random ``stratagem_csrf`` cookie when the request has none (SameSite=Strict).
  State-changing requests must echo it in the ``X-CSRF-Token`` header or a ``csrf_token`` form field;
  a page of another site can neither read the cookie nor set the header, so it cannot forge them.
* Request bodies above a limit are refused with 413 before they are read.
* Responses carry a Content-Security-Policy that allows scripts from the app itself only, so even
  markup that escaped escaping could not run, and headers against framing and MIME sniffing.
* The Host header must name the address the app is bound to (a guard against DNS rebinding).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, Iterable

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_COOKIE = "stratagem_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'self'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


def csrf_token(request: Request) -> str:
    """The token of this browser: its cookie, or the fresh one the middleware will set."""
    token = getattr(request.state, "csrf", None)
    return str(token) if token else ""


async def require_csrf(request: Request) -> None:
    """Dependency of every state-changing route: the header or form field must equal the cookie."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not cookie or not sent or not hmac.compare_digest(cookie.encode(), sent.encode()):
        raise HTTPException(status_code=403, detail="missing or wrong CSRF token: reload the page and try again")
    origin = request.headers.get("origin")
    if origin and origin != "null":
        host = request.headers.get("host", "")
        if origin.split("://", 1)[-1] != host:
            raise HTTPException(status_code=403, detail="cross-origin request refused")


class SecurityMiddleware:
    """Pure ASGI middleware: host check, body limit, CSRF cookie and security headers."""

    def __init__(self, app: ASGIApp, *, max_body: int, allowed_hosts: Iterable[str] | None) -> None:
        self.app = app
        self.max_body = max_body
        self.allowed_hosts = None if allowed_hosts is None else {h.lower() for h in allowed_hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if self.allowed_hosts is not None:
            host = headers.get("host", "")
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if name.lower() not in self.allowed_hosts and host.lower() not in self.allowed_hosts:
                await _plain(send, 400, b"invalid Host header")
                return
        length = headers.get("content-length")
        if length is not None:
            if not length.isdigit() or int(length) > self.max_body:
                await _plain(send, 413, f"request body larger than {self.max_body} bytes".encode())
                return
        elif scope["method"] in UNSAFE_METHODS and "chunked" in headers.get("transfer-encoding", ""):
            await _plain(send, 411, b"Content-Length required")
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise HTTPException(status_code=413, detail="request body too large")
            return message

        cookie = _cookie(headers.get("cookie", ""), CSRF_COOKIE)
        token = cookie if cookie and len(cookie) <= 128 else secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf"] = token

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = list(HEADERS)
                if cookie != token:
                    extra.append((b"set-cookie", f"{CSRF_COOKIE}={token}; Path=/; SameSite=Strict".encode()))
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, limited_receive, send_with_headers)


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


async def _plain(send: Callable[[Message], Awaitable[None]], status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()), *HEADERS]})
    await send({"type": "http.response.body", "body": body})
