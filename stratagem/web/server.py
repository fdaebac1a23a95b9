"""Running the web app with uvicorn."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from stratagem.store import DEFAULT_WORKSPACE


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str) -> list[str] | None:
    """Host header values to accept: the loopback names when bound locally, anything otherwise."""
    if is_loopback(host):
        return ["127.0.0.1", "localhost", "[::1]", "::1", host]
    return None


def serve(*, host: str = "127.0.0.1", port: int = 8000, workspace: str | Path = DEFAULT_WORKSPACE,
          documents: list[str] | None = None) -> None:
    import uvicorn

    from stratagem.web.app import create_app

    app = create_app(workspace, documents=documents, allowed_hosts=allowed_hosts(host))
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
