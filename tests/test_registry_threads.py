"""The engine catalogue builds each spec once, also when threads (the web app's) look it up together."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from stratagem.engines import registry


def test_concurrent_first_lookups_build_one_spec(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[object] = []
    real_load = registry.Declaration.load

    def slow_load(self: registry.Declaration) -> Any:
        time.sleep(0.2)  # both threads are inside the first lookup at once
        spec = real_load(self)
        built.append(spec)
        return spec

    monkeypatch.setattr(registry.Declaration, "load", slow_load)
    catalogue = registry.Catalogue()
    catalogue.add(registry.Declaration("compromise", "a test entry", "stratagem.engines.closed_form",
                                       forecast="compromise"))
    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(catalogue["compromise"])) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1
    assert len(got) == 4 and all(spec is built[0] for spec in got)
