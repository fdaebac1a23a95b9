"""Appending entries to a scenario YAML's top-level lists without touching the rest of the text.

An analyst's file has comments (a skeleton from ``stratagem new`` explains every
field); rewriting it from data would drop them. :func:`append_entries` splices new
items into ``stances:``, ``evidence:`` or ``documents:`` as text: after the last item
of a block list, in place of an empty ``[]``, or as a new key at the end. The caller
checks that the spliced text loads to the scenario it expects (:func:`spliced_or_none`)
and rewrites the whole file when it does not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from stratagem.model.errors import ScenarioError
from stratagem.model.io import parse_yaml
from stratagem.model.schema import Scenario


class _Flow(list[Any]):
    """A list written inline (``[a, b]``): ranges and lists of ids read better that way."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))
_RANGES = ("position_range", "salience_range", "capability_range")


def _readable(item: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in item.items():
        if key in _RANGES and isinstance(value, Mapping) and set(value) == {"low", "high"}:
            value = _Flow([value["low"], value["high"]])
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = _Flow(value)
        out[key] = value
    return out


def _items_text(items: Sequence[Mapping[str, Any]], indent: int) -> str:
    dumped = yaml.dump([_readable(i) for i in items], Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                       width=100, default_flow_style=False)
    pad = " " * indent
    return "".join(pad + line if line.strip() else line for line in dumped.splitlines(keepends=True))


def _append_one(text: str, key: str, items: Sequence[Mapping[str, Any]]) -> str | None:
    """``text`` with ``items`` appended to the top-level list ``key``; None when its shape is unusual."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode):
        return None
    for k, value in root.value:
        if getattr(k, "value", None) != key:
            continue
        if isinstance(value, yaml.SequenceNode) and value.flow_style and not value.value:
            # `key: []` -> a block list under the key
            start, end = value.start_mark.index, value.end_mark.index
            line_end = text.find("\n", end)
            line_end = len(text) if line_end < 0 else line_end
            comment = text[end:line_end]  # a comment after the `[]` stays on the key's line
            return (text[:start].rstrip(" ") + (" " + comment.strip() if comment.strip() else "") + "\n"
                    + _items_text(items, 2) + text[line_end + 1:])
        if isinstance(value, yaml.SequenceNode) and not value.flow_style and value.value:
            column = value.start_mark.column  # where the dashes are
            last = value.value[-1]
            lines = text[last.start_mark.index : last.end_mark.index].splitlines(keepends=True)
            while len(lines) > 1 and (not lines[-1].strip() or lines[-1].lstrip().startswith("#")):
                lines.pop()  # blank lines and comments after the last item stay after the new ones
            at = last.start_mark.index + sum(len(line) for line in lines)
            newline = text.find("\n", at - 1 if at and text[at - 1] == "\n" else at)
            at = len(text) if newline < 0 else newline + 1
            head = text[:at] if text[:at].endswith("\n") else text[:at] + "\n"
            return head + _items_text(items, column) + text[at:]
        return None
    body = text if text.endswith("\n") else text + "\n"
    return body + f"{key}:\n" + _items_text(items, 2)


def append_entries(text: str, additions: Mapping[str, Sequence[Mapping[str, Any]]]) -> str | None:
    """The YAML ``text`` with each list of ``additions`` appended to its top-level key, or None."""
    for key, items in additions.items():
        if not items:
            continue
        try:
            spliced = _append_one(text, key, items)
        except yaml.YAMLError:
            return None
        if spliced is None:
            return None
        text = spliced
    return text


def spliced_or_none(text: str, additions: Mapping[str, Sequence[Mapping[str, Any]]], expected: Scenario,
                    *, path: str = "<yaml>") -> str | None:
    """The spliced text when it loads to exactly ``expected``; None when a full rewrite is needed."""
    spliced = append_entries(text, additions)
    if spliced is None:
        return None
    try:
        loaded = parse_yaml(spliced, path=path)
    except ScenarioError:
        return None
    return spliced if loaded == expected else None
