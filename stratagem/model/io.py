"""Loaders and writers: native YAML, single-issue CSV and KTAB CSV.

Every loader returns a validated :class:`Scenario` or raises :class:`ScenarioError`
naming the file, the line and the field. Files are read and written through
:mod:`stratagem.model.files` (regular files only, bounded reads; writes to a
temporary file renamed when complete, so a failure never leaves a half-written file).
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from stratagem.model.errors import ScenarioError
from stratagem.model.files import atomic_writer as atomic_writer  # re-exported: writers import it from here
from stratagem.model.files import read_text as read_text
from stratagem.model.files import require_regular_file
from stratagem.model.schema import MAX_CAPABILITY, MAX_SCALE, Actor, Issue, Scenario, Stance, checked

if TYPE_CHECKING:  # PyYAML is imported by the YAML readers and writers, not by a CSV load
    import yaml

SINGLE_ISSUE_HEADER = ("name", "capability", "position", "salience")


# -- reading -----------------------------------------------------------------
def load_scenario(path: str | Path) -> Scenario:
    """Load a scenario from .yaml/.yml (native) or .csv (single-issue or KTAB)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        return load_yaml(p)
    if suffix == ".csv":
        text = read_text(p)
        first = text.lstrip().splitlines()[0] if text.strip() else ""
        cells = [c.strip().lower() for c in first.split(",")]
        if tuple(cells[:4]) == SINGLE_ISSUE_HEADER:
            return parse_single_issue_csv(text, path=p)
        if cells and cells[0] == "name":
            raise ScenarioError(
                f"header must be {','.join(SINGLE_ISSUE_HEADER)}", path=p, line=1
            )
        return parse_ktab_csv(text, path=p)
    require_regular_file(p)
    raise ScenarioError("unknown file type; expected .yaml, .yml or .csv", path=p)


def load_yaml(path: str | Path) -> Scenario:
    text = read_text(path)
    return parse_yaml(text, path=path)


def parse_yaml(text: str, *, path: str | Path = "<yaml>") -> Scenario:
    """Parse and validate a native scenario, mapping schema errors to YAML lines.

    The YAML is read by :func:`stratagem.model.strict_yaml.load_yaml_strict`: duplicate
    keys, deep nesting, alias bombs and impossible dates are errors with their line.
    """
    from stratagem.model.strict_yaml import load_yaml_strict

    data, root = load_yaml_strict(text, path=path)
    if not isinstance(data, dict):
        raise ScenarioError("a scenario file must be a YAML mapping", path=path, line=1)
    return validate_data(data, path=path, root=root)


_PATH_IN_MESSAGE = re.compile(r"^([a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)*): (.*)$", re.S)
_FIRST_AT = re.compile(r"\(first: ([a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)*)\)")


def validate_data(
    data: dict[str, Any], *, path: str | Path, root: yaml.Node | None = None
) -> Scenario:
    """Validate a plain mapping into a Scenario, raising the most useful error as one line.

    An unknown key is reported before anything else (with a "did you mean" from the
    fields allowed there: a misspelt key also makes the right one "missing"), then the
    first error pydantic found; each names its line.
    """
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        located = [_locate(err, root) for err in errors]
        first = min(range(len(errors)), key=lambda n: (errors[n]["type"] != "extra_forbidden", n))
        err = errors[first]
        loc, message, line = located[first]
        consequences = 0
        if err["type"] == "extra_forbidden" and loc:
            hint, suggestion = _did_you_mean(loc)
            message = f"unknown key '{loc[-1]}'" + hint
            # the misspelt key's right spelling is then "missing": the same mistake, not one more
            consequences = sum(1 for e in errors if e["type"] == "missing" and list(e["loc"]) == [*loc[:-1], suggestion])
        if root is not None:
            message = _FIRST_AT.sub(lambda m: f"(first at line {line_of(root, _parse_loc(m.group(1)))})", message)
        more = len(errors) - 1 - consequences
        if more:
            message += f" (and {more} more error{'s' if more > 1 else ''})"
        raise ScenarioError(message, path=path, line=line, field=_format_loc(loc) or None) from None


def _locate(err: Any, root: yaml.Node | None) -> tuple[list[str | int], str, int | None]:
    """The error's location (with any path the message starts with), its message and its line."""
    loc: list[str | int] = list(err["loc"])
    message = str(err["msg"]).removeprefix("Value error, ")
    match = _PATH_IN_MESSAGE.match(message)
    if match:
        loc = [*loc, *_parse_loc(match.group(1))]
        message = match.group(2)
    return loc, message, line_of(root, loc) if root is not None else None


def _did_you_mean(loc: Sequence[str | int]) -> tuple[str, str | None]:
    """`` (did you mean 'x'?)`` for an unknown key at ``loc`` (and 'x'), from the fields allowed where it is."""
    fields = _fields_at(loc[:-1])
    close = difflib.get_close_matches(str(loc[-1]), fields, n=1, cutoff=0.6)
    if close:
        return f" (did you mean '{close[0]}'?)", close[0]
    return (f" (allowed: {', '.join(fields)})" if fields else ""), None


def _fields_at(loc: Sequence[str | int]) -> list[str]:
    """The field names of the schema model that ``loc`` (a path into a scenario) points into."""
    model: Any = Scenario
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if hasattr(model, "model_fields") else None
        if field is None:
            return []
        model = _model_in(field.annotation)
        if model is None:
            return []
    return list(model.model_fields) if hasattr(model, "model_fields") else []


def _model_in(annotation: Any) -> Any:
    """The pydantic model inside ``tuple[M, ...]``, ``M | None`` or ``M``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _parse_loc(text: str) -> list[str | int]:
    loc: list[str | int] = []
    for part in text.split("."):
        m = re.match(r"^([a-z_]+)(?:\[(\d+)\])?$", part)
        if not m:
            break
        loc.append(m.group(1))
        if m.group(2) is not None:
            loc.append(int(m.group(2)))
    return loc


def _format_loc(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def line_of(node: yaml.Node | None, loc: Sequence[str | int]) -> int | None:
    """The 1-based line of the deepest YAML node that ``loc`` reaches."""
    if node is None:
        return None
    import yaml

    best = node.start_mark.line + 1
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            for key, value in node.value:
                if getattr(key, "value", None) == part:
                    best = key.start_mark.line + 1
                    child = value
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node = child
        best = node.start_mark.line + 1
    return best


def _number(cell: str, *, path: str | Path, line: int, column: str) -> float:
    text = cell.strip()
    try:
        value = float(text)
    except ValueError:
        raise ScenarioError(f"'{text}' is not a number", path=path, line=line, field=column) from None
    if not math.isfinite(value):
        raise ScenarioError(f"{text} is not a finite number", path=path, line=line, field=column)
    return value


def _csv_rows(text: str, *, path: str | Path) -> list[list[str]]:
    """The rows of a CSV text; a malformed one (a NUL, an over-long field) is an error with its line."""
    reader = csv.reader(io.StringIO(text))
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
    except csv.Error as exc:
        raise ScenarioError(f"malformed CSV: {exc}", path=path, line=reader.line_num or None) from None
    return rows


def slug(name: str) -> str:
    """A stable identifier from a display name (used for CSV actors and issues)."""
    text = re.sub(r"[^A-Za-z0-9]+", "-", name.strip()).strip("-").lower()
    return text[:80] or "x"


def _unique_ids(names: Sequence[str]) -> list[str]:
    """Distinct slugs of ``names``: a repeat gets -2, -3, ..., the slug cut so the id stays within 80 characters."""
    ids: list[str] = []
    used: set[str] = set()
    for name in names:
        base = slug(name)
        candidate, k = base, 2
        while candidate in used:
            candidate, k = f"{base[:79 - len(str(k))]}-{k}", k + 1
        used.add(candidate)
        ids.append(candidate)
    return ids


def parse_single_issue_csv(text: str, *, path: str | Path) -> Scenario:
    """Read ``name,capability,position,salience`` rows into a one-issue scenario.

    Salience in [0, 1] throughout the file is a probability (as in data/bdm/) and
    is stored as 0-100; values above 1 are read as a 0-100 scale already.
    """
    rows = _csv_rows(text, path=path)
    header = [c.strip().lower() for c in rows[0]] if rows else []
    if tuple(header) != SINGLE_ISSUE_HEADER:
        raise ScenarioError(f"header must be {','.join(SINGLE_ISSUE_HEADER)}", path=path, line=1)
    names: list[str] = []
    values: list[tuple[float, float, float]] = []
    lines: list[int] = []
    for n, row in enumerate(rows[1:], start=2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != 4:
            raise ScenarioError(f"expected 4 columns, found {len(row)}", path=path, line=n)
        name = row[0].strip()
        if not name:
            raise ScenarioError("empty actor name", path=path, line=n, field="name")
        if name in names:
            raise ScenarioError(f"duplicate actor name '{name}'", path=path, line=n, field="name")
        cap, pos, sal = (
            _number(row[k], path=path, line=n, column=SINGLE_ISSUE_HEADER[k]) for k in (1, 2, 3)
        )
        if cap < 0:
            raise ScenarioError(f"negative capability {cap:g}", path=path, line=n, field="capability")
        if sal < 0 or sal > 100:
            raise ScenarioError(f"salience {sal:g} outside 0-1 or 0-100", path=path, line=n, field="salience")
        if abs(pos) > MAX_SCALE:
            raise ScenarioError(f"{pos:g} is beyond the largest accepted scale, -{MAX_SCALE:g} to "
                                f"{MAX_SCALE:g}", path=path, line=n, field="position")
        if cap > MAX_CAPABILITY:
            raise ScenarioError(f"{cap:g} is above the largest accepted, {MAX_CAPABILITY:g}", path=path,
                                line=n, field="capability")
        names.append(name)
        values.append((cap, pos, sal))
        lines.append(n)
    if not names:
        raise ScenarioError("no actors: the file has a header but no rows", path=path)
    if sum(v[0] for v in values) <= 0:
        raise ScenarioError("every actor has zero capability", path=path, field="capability")
    probability_scale = max(v[2] for v in values) <= 1.0
    positions = [v[1] for v in values]
    lo, hi = min(positions), max(positions)
    if lo >= 0 and hi <= 100:
        lo, hi = 0.0, 100.0
    elif lo == hi:  # one position only: a scale of width 2 around it, within the accepted range
        lo, hi = max(lo - 1, -MAX_SCALE), min(hi + 1, MAX_SCALE)
    issue_id = slug(Path(path).stem)
    stem = Path(path).stem.strip() or issue_id  # stripped as the schema strips names
    ids = _unique_ids(names)
    actors = tuple(
        checked(Actor, id=i, name=name, capability=v[0]) for i, name, v in zip(ids, names, values, strict=True)
    )
    stances = tuple(
        checked(Stance, actor=i, issue=issue_id, position=v[1], salience=v[2] * 100 if probability_scale else v[2])
        for i, v in zip(ids, values, strict=True)
    )
    issue = checked(Issue, id=issue_id, name=stem, scale_min=lo, scale_max=hi)
    try:
        return checked(Scenario, id=issue_id, name=stem, actors=actors, issues=(issue,), stances=stances)
    except ValueError as exc:  # e.g. every salience 0
        raise ScenarioError(_message(str(exc)), path=path) from None


def parse_ktab_csv(text: str, *, path: str | Path) -> Scenario:
    """Read KTAB's CSV: a title line, a header, then one actor per line.

    Line 1: scenario name, description, number of actors, number of dimensions.
    Line 2: ``Actor,Description,Power,<pos 1>,<sal 1>,...``; trailing commas are ignored.
    """
    rows = [[c.strip() for c in row] for row in _csv_rows(text, path=path)]
    rows = [_trim(row) for row in rows]
    if len(rows) < 2:
        raise ScenarioError("KTAB CSV needs a title line and a header line", path=path, line=1)
    title = rows[0]
    if len(title) < 4:
        raise ScenarioError(
            "first line must be: name, description, number of actors, number of dimensions",
            path=path,
            line=1,
        )
    try:
        n_actors, n_dims = int(float(title[2])), int(float(title[3]))
    except (ValueError, OverflowError):  # OverflowError: inf
        raise ScenarioError(
            "number of actors and of dimensions must be integers", path=path, line=1
        ) from None
    if n_actors < 1 or n_dims < 1:
        raise ScenarioError("needs at least one actor and one dimension", path=path, line=1)
    header = rows[1]
    if len(header) != 3 + 2 * n_dims:
        raise ScenarioError(
            f"header has {len(header)} columns; {n_dims} dimensions need {3 + 2 * n_dims}",
            path=path,
            line=2,
        )
    dim_names = [_dimension_name(header[3 + 2 * k], k) for k in range(n_dims)]
    issue_ids = _unique_ids(dim_names)
    body = [(n, row) for n, row in enumerate(rows[2:], start=3) if any(row)]
    if len(body) != n_actors:
        raise ScenarioError(
            f"line 1 announces {n_actors} actors but {len(body)} follow", path=path, line=1
        )
    names: list[str] = []
    descriptions: list[str] = []
    caps: list[float] = []
    pos: list[list[float]] = []
    sal: list[list[float]] = []
    for n, row in body:
        if len(row) != len(header):
            raise ScenarioError(f"expected {len(header)} columns, found {len(row)}", path=path, line=n)
        name = row[0]
        if not name:
            raise ScenarioError("empty actor name", path=path, line=n, field=header[0])
        if name in names:
            raise ScenarioError(f"duplicate actor name '{name}'", path=path, line=n, field=header[0])
        cap = _number(row[2], path=path, line=n, column=header[2])
        if cap < 0:
            raise ScenarioError(f"negative capability {cap:g}", path=path, line=n, field=header[2])
        if cap > MAX_CAPABILITY:
            raise ScenarioError(f"{cap:g} is above the largest accepted, {MAX_CAPABILITY:g}", path=path,
                                line=n, field=header[2])
        p_row, s_row = [], []
        for k in range(n_dims):
            p = _number(row[3 + 2 * k], path=path, line=n, column=header[3 + 2 * k])
            s = _number(row[4 + 2 * k], path=path, line=n, column=header[4 + 2 * k])
            if not 0 <= p <= 100:
                raise ScenarioError(f"position {p:g} outside 0-100", path=path, line=n, field=header[3 + 2 * k])
            if not 0 <= s <= 100:
                raise ScenarioError(f"salience {s:g} outside 0-100", path=path, line=n, field=header[4 + 2 * k])
            p_row.append(p)
            s_row.append(s)
        if sum(s_row) > 100 + 1e-9:
            raise ScenarioError(
                f"saliences add up to {sum(s_row):g}, more than 100", path=path, line=n
            )
        names.append(name)
        descriptions.append(row[1])
        caps.append(cap)
        pos.append(p_row)
        sal.append(s_row)
    if sum(caps) <= 0:
        raise ScenarioError("every actor has zero capability", path=path, field=header[2])
    ids = _unique_ids(names)
    actors = tuple(
        checked(Actor, id=i, name=name, capability=c, aliases=(d,) if d and d != name else ())
        for i, name, c, d in zip(ids, names, caps, descriptions, strict=True)
    )
    issues = tuple(
        checked(Issue, id=iid, name=dn) for iid, dn in zip(issue_ids, dim_names, strict=True)
    )
    stances = tuple(
        checked(Stance, actor=ids[a], issue=issue_ids[k], position=pos[a][k], salience=sal[a][k])
        for a in range(len(ids))
        for k in range(n_dims)
    )
    scenario_id = slug(title[0]) or slug(Path(path).stem)
    try:
        return checked(
            Scenario,
            id=scenario_id,
            name=title[0] or Path(path).stem.strip() or scenario_id,
            description=title[1],
            actors=actors,
            issues=issues,
            stances=stances,
        )
    except ValueError as exc:  # e.g. a dimension where every salience is 0
        raise ScenarioError(_message(str(exc)), path=path) from None


def _message(message: str) -> str:
    """A model check's error as words, without our path prefix."""
    match = _PATH_IN_MESSAGE.match(message)
    return match.group(2) if match else message


def _trim(row: list[str]) -> list[str]:
    while row and row[-1] == "":
        row = row[:-1]
    return row


def _dimension_name(header: str, k: int) -> str:
    name = re.sub(r"\s*(position|pstn)\s*$", "", header, flags=re.I).strip()
    return name or header or f"dim{k}"


# -- writing -----------------------------------------------------------------
def scenario_to_data(scenario: Scenario) -> dict[str, Any]:
    """Plain data for YAML, leaving out defaults so files stay short."""
    data: dict[str, Any] = scenario.model_dump(mode="json", exclude_defaults=True)
    return data


def dump_yaml(scenario: Scenario) -> str:
    """The scenario as YAML text, as :func:`write_yaml` writes it (same scenario, same bytes)."""
    import yaml

    return str(yaml.safe_dump(scenario_to_data(scenario), sort_keys=False, allow_unicode=True, width=100))


def write_yaml(scenario: Scenario, path: str | Path) -> None:
    text = dump_yaml(scenario)
    with atomic_writer(path) as out:
        out.write(text)


def write_single_issue_csv(scenario: Scenario, path: str | Path, issue: str | None = None) -> None:
    """Write one issue as ``name,capability,position,salience`` (salience 0-1)."""
    issue_id = issue or scenario.issues[0].id
    stances = {s.actor: s for s in scenario.stances if s.issue == issue_id}
    with atomic_writer(path) as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(SINGLE_ISSUE_HEADER)
        for actor in scenario.actors:
            if actor.id in stances:
                st = stances[actor.id]
                writer.writerow([actor.name, f"{actor.capability:g}", f"{st.position:g}", f"{st.salience / 100:g}"])


def write_ktab_csv(scenario: Scenario, path: str | Path) -> None:
    """Write KTAB's CSV format; actors without a stance get position 50 and salience 0."""
    stances = {(s.actor, s.issue): s for s in scenario.stances}
    with atomic_writer(path) as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([scenario.name, scenario.description, len(scenario.actors), len(scenario.issues)])
        header = ["Actor", "Description", "Power"]
        for issue in scenario.issues:
            header += [f"{issue.name} Position", f"{issue.name} Salience"]
        writer.writerow(header)
        for actor in scenario.actors:
            row: list[str] = [actor.name, actor.aliases[0] if actor.aliases else "", f"{actor.capability:g}"]
            for issue in scenario.issues:
                st = stances.get((actor.id, issue.id))
                row += [f"{st.position:g}", f"{st.salience:g}"] if st else ["50", "0"]
            writer.writerow(row)
