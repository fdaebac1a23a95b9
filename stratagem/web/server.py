"""Running the web app with uvicorn."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from pathlib import Path

from stratagem.model.errors import StratagemError
from stratagem.store import DEFAULT_WORKSPACE


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


WILDCARDS = frozenset({"0.0.0.0", "::", "[::]", ""})
TOKEN = re.compile(r"^[A-Za-z0-9_\-]{16,256}$")


def allowed_hosts(host: str, extra: Sequence[str] = ()) -> list[str] | None:
    """Host header values to accept: the loopback names when bound locally, else the bound address
    and the names given; None (any host: the access token guards the app) for a wildcard bind
    without names."""
    if is_loopback(host):
        return ["127.0.0.1", "localhost", "[::1]", "::1", host, *extra]
    if host in WILDCARDS:
        return list(extra) or None
    return [host, *extra]


def check_bind(host: str, *, allow_remote: bool, token: str | None) -> None:
    """Refuse a bind beyond loopback unless asked for explicitly and protected by a token."""
    if token is not None and not TOKEN.match(token):
        raise StratagemError("--token: 16 to 256 letters, digits, '-' or '_' (for example the output of "
                             "python -c 'import secrets; print(secrets.token_urlsafe(24))')")
    if is_loopback(host):
        return
    if not allow_remote:
        raise StratagemError(f"--host {host}: not a loopback address, so other machines could reach your "
                             "workspace; pass --allow-remote with --token (or STRATAGEM_TOKEN) to do it anyway")
    if token is None:
        raise StratagemError(f"--host {host} --allow-remote: needs --token (or STRATAGEM_TOKEN): the app has no "
                             "user accounts, and the token is what keeps others out")


def serve(*, host: str = "127.0.0.1", port: int = 8000, workspace: str | Path = DEFAULT_WORKSPACE,
          documents: list[str] | None = None, allow_remote: bool = False, token: str | None = None,
          extra_hosts: Sequence[str] = ()) -> None:
    check_bind(host, allow_remote=allow_remote, token=token)
    import uvicorn

    from stratagem.web.app import create_app

    app = create_app(workspace, documents=documents, allowed_hosts=allowed_hosts(host, extra_hosts),
                     access_token=token)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
