"""A live server (uvicorn in a thread on a free port) and Debian's Chromium driven by Playwright.

Browser tests skip with a message only when no Chromium executable exists; `make test` installs
it with apt first. Screenshots go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]

QUOTE = "Iraq will not be a launching pad for attacks on any of its neighbours."
ARTICLE = (
    "Baghdad talks open under pressure\n\n"
    f"BAGHDAD, June 11, 2020. Iraqi Prime Minister Mustafa al-Kadhimi said on Thursday: \"{QUOTE}\" "
    "The United States and Iraq began the Strategic Dialogue on the future of the U.S. troop presence in Iraq.\n\n"
    "Kata'ib Hezbollah warned that the militias would keep up their rocket attacks until all American forces "
    "leave Iraq.\n"
)
HOSTILE = (
    b"<html><head><title>Hostile <script>alert('title')</script></title>"
    b"<script>alert('head')</script></head><body><article>"
    b"<h1 onmouseover=\"alert('h1')\">Talks in Baghdad</h1>"
    b"<p>BAGHDAD, June 11, 2020. Officials from the United States and Iraq met on Thursday to discuss the "
    b"future of U.S. troops in Iraq. <img src=x onerror=\"alert('img')\"> "
    b"<a href=\"javascript:alert('link')\">Read the statement</a>.</p>"
    b"<script>alert('body')</script><iframe src=\"javascript:alert('frame')\"></iframe>"
    b"<p>The prime minister's office said the Strategic Dialogue would continue next month, and analysts "
    b"expected the question of the militias to dominate it. &lt;b&gt;escaped&lt;/b&gt;</p></article></body></html>"
)


def chromium_path() -> str | None:
    for candidate in (os.environ.get("STRATAGEM_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser",
                      shutil.which("chromium"), shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    workspace: Path
    document: str  # id of the stored article with a quote
    hostile: str  # id of the stored hostile HTML document


def _start(app: Any) -> tuple[Any, threading.Thread, str]:
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web server did not start")
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    from stratagem.evidence.ingest import ingest_bytes
    from stratagem.model.builtin import load_builtin
    from stratagem.store.workspace import Workspace
    from stratagem.web.app import create_app
    from stratagem.web.server import allowed_hosts

    folder = tmp_path_factory.mktemp("web")
    ws_path = folder / "ws.db"
    article = folder / "baghdad-talks.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    with Workspace(ws_path) as ws:
        scenario = load_builtin("us-iraq-2020")
        doc_id = ws.ingest_file(article, scenario=scenario).document_id
        hostile = ingest_bytes(HOSTILE, path="hostile.html", media_type="text/html", document_id="hostile")
        hostile_id = ws.add_document(hostile).document_id
    app = create_app(ws_path, allowed_hosts=allowed_hosts("127.0.0.1"))
    server, thread, url = _start(app)
    try:
        yield LiveServer(url=url, workspace=ws_path, document=doc_id, hostile=hostile_id)
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium found (make test installs Debian's chromium with apt; or set STRATAGEM_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(30000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.errors = errors  # type: ignore[attr-defined]
    try:
        yield pg
    finally:
        context.close()
