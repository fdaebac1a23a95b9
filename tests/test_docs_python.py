"""The Python examples in README.md and docs/*.md run: every ```python block at the start of a line.

The blocks of one page share one namespace, top to bottom, as a reader would type them; a block
with ``>>>`` is a doctest whose outputs must match (``...`` stands for anything), any other block
must run without error. So a renamed function, a changed default or a new result fails here.
"""

from __future__ import annotations

import doctest
import re
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.M | re.S)


def python_blocks(page: Path) -> list[str]:
    return BLOCK.findall(page.read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", [p for p in PAGES if python_blocks(p)], ids=lambda p: p.name)
def test_python_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks with >>> are doctests; a plain block (a module listing) must at least run."""
    blocks = python_blocks(page)
    if any("to_frame" in b for b in blocks):
        pytest.importorskip("pandas")
    monkeypatch.chdir(tmp_path)
    module = types.ModuleType(f"docs_{page.stem.replace('-', '_')}")  # a real module, so dataclasses work
    monkeypatch.setitem(sys.modules, module.__name__, module)
    namespace = module.__dict__
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for n, block in enumerate(blocks):
        if ">>>" in block:
            test = doctest.DocTestParser().get_doctest(block, namespace, f"{page.name} block {n + 1}", str(page), 0)
            runner.run(test, clear_globs=False)
            namespace.update(test.globs)  # a DocTest runs in a copy of the namespace
        else:
            exec(compile(block, f"{page.name} block {n + 1}", "exec"), namespace)
    result = runner.summarize(verbose=False)
    assert result.failed == 0


def test_package_docstrings_say_what_each_layer_holds() -> None:
    """Every package says what it holds in its own docstring, not by pointing at a file users do not have."""
    import ast

    for init in sorted((ROOT / "stratagem").glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert len(doc) > 80 and "DESIGN.md" not in doc, init.parent.name
