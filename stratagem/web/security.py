"""Security pieces of the web app: CSRF (double-submit cookie), body-size limit, headers, host check.

* Every response sets a random ``stratagem_csrf`` cookie when the request has none (SameSite=Strict).
  State-changing requests must echo it in the ``X-CSRF-Token`` header or a ``csrf_token`` form field;
  a page of another site can neither read the cookie nor set the header, so it cannot forge them.
* Request bodies above a limit are refused with 413 before they are read.
* Responses carry a Content-Security-Policy that allows scripts from the app itself only, so even
  markup that escaped escaping could not run, and headers against framing and MIME sniffing.
* The Host header must be a plain ``name[:port]`` (anything else, such as ``a:1@b``, is refused)
  naming the address the app is bound to (a guard against DNS rebinding).
* State-changing requests from another origin are refused: ``Origin`` (``null`` included) or,
  without it, ``Referer`` must name this host, and ``Sec-Fetch-Site`` must not say cross-site.
* With an access token (required for binds beyond loopback) every request must carry it: the
  ``Authorization: Bearer`` header, or the cookie set by opening any page once with ``?token=``.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Awaitable, Callable, Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_COOKIE = "stratagem_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ACCESS_COOKIE = "stratagem_access"
_HOST = re.compile(r"^(?:\[(?P<v6>[0-9A-Fa-f:.]{2,45})\]|(?P<name>[A-Za-z0-9](?:[A-Za-z0-9.\-]{0,251}[A-Za-z0-9])?))"
                   r"(?::(?P<port>[0-9]{1,5}))?$")


def parse_host(value: str) -> tuple[str, int | None] | None:
    """(name, port) of a Host header value, or None unless it is exactly ``name``, ``name:port``,
    ``[v6]`` or ``[v6]:port`` (no user info, paths or spaces)."""
    m = _HOST.match(value)
    if m is None:
        return None
    port = int(m.group("port")) if m.group("port") else None
    if port is not None and port > 65535:
        return None
    name = f"[{m.group('v6').lower()}]" if m.group("v6") else m.group("name").lower()
    return name, port


def same_origin(url: str, host: str) -> bool:
    """True when ``url`` (an Origin or Referer value) names the host the request was sent to."""
    if url == "null":
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and parts.netloc.lower() == host.lower()

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'self'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # same-origin, not no-referrer: under no-referrer browsers send "Origin: null" on the app's own form
    # posts, which the Origin check must refuse; other sites still get no Referer at all
    (b"referrer-policy", b"same-origin"),
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
    host = request.headers.get("host", "")
    origin = request.headers.get("origin")
    referer = request.headers.get("referer")
    if origin is not None:
        if not same_origin(origin, host):
            raise HTTPException(status_code=403, detail="cross-origin request refused")
    elif referer and not same_origin(referer, host):
        raise HTTPException(status_code=403, detail="cross-origin request refused (Referer)")
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        raise HTTPException(status_code=403, detail="cross-site request refused")


class SecurityMiddleware:
    """Pure ASGI middleware: host check, body limit, CSRF cookie and security headers."""

    def __init__(self, app: ASGIApp, *, max_body: int, allowed_hosts: Iterable[str] | None,
                 access_token: str | None = None) -> None:
        self.app = app
        self.max_body = max_body
        self.allowed_hosts = None if allowed_hosts is None else {_host_name(h) for h in allowed_hosts}
        self.access_token = access_token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        parsed = parse_host(headers.get("host", ""))
        if parsed is None or (self.allowed_hosts is not None and parsed[0] not in self.allowed_hosts):
            await _plain(send, 400, b"invalid Host header")
            return
        if self.access_token is not None and not await self._authorised(scope, headers, send):
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


    async def _authorised(self, scope: Scope, headers: dict[str, str], send: Send) -> bool:
        """True when the request carries the access token; otherwise answers (401, or a redirect
        that sets the cookie when the token came in the query string) and returns False."""
        assert self.access_token is not None
        expected = self.access_token.encode()

        def matches(value: str | None) -> bool:
            return bool(value) and hmac.compare_digest(str(value).encode(), expected)

        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer ") and matches(auth[7:].strip()):
            return True
        if matches(_cookie(headers.get("cookie", ""), ACCESS_COOKIE)):
            return True
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        given = next((v for k, v in query if k == "token"), None)
        if scope["method"] == "GET" and matches(given):
            rest = urlencode([(k, v) for k, v in query if k != "token"])
            location = scope.get("path", "/") + (f"?{rest}" if rest else "")
            await send({"type": "http.response.start", "status": 303, "headers": [
                (b"location", location.encode("latin-1", "replace")), (b"content-length", b"0"),
                (b"set-cookie", f"{ACCESS_COOKIE}={self.access_token}; Path=/; HttpOnly; SameSite=Strict".encode()),
                *HEADERS]})
            await send({"type": "http.response.body", "body": b""})
            return False
        await _plain(send, 401, b"this server needs its access token: open any page once with ?token=TOKEN, "
                                b"or send Authorization: Bearer TOKEN")
        return False


def _host_name(host: str) -> str:
    """The name an allowed-hosts entry stands for (``::1`` and ``[::1]`` alike, any port dropped)."""
    parsed = parse_host(host) or parse_host(f"[{host}]")
    return parsed[0] if parsed else host.lower()


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
