"""Reading YAML strictly: bounded nesting and size, no duplicate keys, every error with its line.

PyYAML's ``safe_load`` lets the last of two equal keys win silently, recurses without
bound on deeply nested input, expands aliases without limit and raises a bare
``ValueError`` (no line) on an impossible date such as ``2024-13-01``. Scenario files
are read here instead: the event stream is checked for depth first (iteratively, so
nothing recurses on hostile input), then the document is composed and built node by
node, keeping each value's line for the error messages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from stratagem.model.errors import ScenarioError

#: deepest nesting of mappings and lists accepted (a scenario needs 5)
MAX_YAML_DEPTH = 40
#: most values built from one file, counting each use of an alias (guards against alias bombs)
MAX_YAML_NODES = 2_000_000

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"


def _line(node_or_event: Any) -> int | None:
    mark = getattr(node_or_event, "start_mark", None)
    return mark.line + 1 if mark is not None else None


def _where(parts: list[str | int]) -> str | None:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out or None


def _check_depth(text: str, path: str | Path) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise ScenarioError(f"YAML nested more than {MAX_YAML_DEPTH} levels deep", path=path,
                                    line=_line(event))
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


class _Builder:
    """Python values from a composed node tree, refusing what a scenario file never needs."""

    def __init__(self, path: str | Path) -> None:
        self.path = path
        self.budget = MAX_YAML_NODES
        self.scalars = SafeConstructor()

    def fail(self, message: str, node: yaml.Node, parts: list[str | int]) -> ScenarioError:
        return ScenarioError(message, path=self.path, line=_line(node), field=_where(parts))

    def build(self, node: yaml.Node, parts: list[str | int], ancestors: frozenset[int]) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise self.fail(f"YAML expands to more than {MAX_YAML_NODES:,} values (aliases?)", node, parts)
        if id(node) in ancestors:
            raise self.fail("a YAML alias refers to a value that contains it", node, parts)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, parts)
        inner = ancestors | {id(node)}
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                raise self.fail(f"unsupported YAML tag {node.tag}", node, parts)
            return [self.build(child, [*parts, k], inner) for k, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP:
                raise self.fail(f"unsupported YAML tag {node.tag}", node, parts)
            return self.mapping(node, parts, inner)
        raise self.fail("unsupported YAML node", node, parts)  # pragma: no cover - PyYAML has no other kinds

    def scalar(self, node: yaml.ScalarNode, parts: list[str | int]) -> Any:
        try:
            return self.scalars.construct_object(node)
        except yaml.constructor.ConstructorError as exc:
            raise self.fail(str(exc.problem or "cannot read this value"), node, parts) from None
        except (ValueError, OverflowError, TypeError) as exc:
            what = "date" if node.tag.endswith(":timestamp") else "value"
            raise self.fail(f"'{node.value}' is not a valid {what} ({exc})", node, parts) from None

    def mapping(self, node: yaml.MappingNode, parts: list[str | int], ancestors: frozenset[int]) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        lines: dict[Any, int | None] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                raise self.fail("YAML merge keys (<<) are not supported; write the keys out", key_node, parts)
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail("a key must be a plain name, not a list or mapping", key_node, parts)
            key = self.scalar(key_node, parts)
            try:
                hash(key)
            except TypeError:  # pragma: no cover - scalars are hashable
                raise self.fail("a key must be a plain name", key_node, parts) from None
            if key in out:
                raise self.fail(f"duplicate key '{key}' (first at line {lines[key]})", key_node, [*parts, str(key)])
            lines[key] = _line(key_node)
            out[key] = self.build(value_node, [*parts, str(key)], ancestors)
        return out


def load_yaml_strict(text: str, *, path: str | Path = "<yaml>") -> tuple[Any, yaml.Node | None]:
    """The single YAML document in ``text`` as Python values, and its node tree (for line numbers).

    Raises :class:`ScenarioError` with the file and line for malformed YAML, nesting
    deeper than :data:`MAX_YAML_DEPTH`, more than :data:`MAX_YAML_NODES` values,
    duplicate keys (both lines named), unsupported tags and impossible dates.
    """
    try:
        _check_depth(text, path)
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ScenarioError(f"malformed YAML: {exc.problem or exc.context}", path=path, line=line) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"malformed YAML: {' '.join(str(exc).split())}", path=path) from None
    if root is None:
        return None, None
    return _Builder(path).build(root, [], frozenset()), root
