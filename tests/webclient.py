"""The in-process web client shared by the web app's tests: a fresh workspace and the CSRF cookie set."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from stratagem.web.app import create_app


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(tmp_path / "ws.db", allowed_hosts=["testserver", "127.0.0.1"])
    with TestClient(app) as c:
        c.get("/")  # sets the CSRF cookie
        yield c


def token(c: TestClient) -> str:
    value = c.cookies.get("stratagem_csrf")
    assert value
    return str(value)
