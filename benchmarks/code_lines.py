"""Code lines of stratagem/engines and stratagem/analysis (not a test): the figure issue 16 tracks.

A code line is a line holding a token that is not a comment, a line break or a docstring, so blank
lines, comments and docstrings do not count and a statement over three lines counts three times.

    .venv/bin/python benchmarks/code_lines.py            # the total
    .venv/bin/python benchmarks/code_lines.py --files    # and each file's count
"""

from __future__ import annotations

import argparse
import ast
import io
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("engines", "analysis")
_SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}


def _docstring_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                lines.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return lines


def code_lines(path: Path) -> int:
    """How many lines of ``path`` hold code."""
    source = path.read_text(encoding="utf-8")
    docstrings = _docstring_lines(ast.parse(source))
    lines: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in _SKIPPED:
            lines.update(n for n in range(token.start[0], token.end[0] + 1) if n not in docstrings)
    return len(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", action="store_true", help="print each file's count too")
    args = parser.parse_args()
    counts = {p: code_lines(p) for layer in LAYERS for p in sorted((ROOT / "stratagem" / layer).rglob("*.py"))}
    if args.files:
        for path, n in sorted(counts.items(), key=lambda item: item[1]):
            print(f"{n:6d}  {path.relative_to(ROOT)}")
    print(f"{sum(counts.values())} code lines in stratagem/{{{','.join(LAYERS)}}}")


if __name__ == "__main__":
    main()
