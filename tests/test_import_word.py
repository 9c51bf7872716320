"""Importing Word drafts made the way office staff make them in Word / WPS (tests/word_drafts.py): automatic
and multilevel lists, heading styles with and without numbers, department fragments, awkward notice tails,
text boxes, a table of contents, notes, comments, tables and pictures, drafts that went through LibreOffice,
tracked changes, content controls and hidden text.

Two kinds of tests:

* the drafts themselves (pass without the importer): every part is schema-valid WordprocessingML in schema
  order; the positions the expectations name are the paragraphs they say; LibreOffice — an independent
  reader — shows exactly the numbers the expectation implies at the line starts, and all of its text;
* the import (`gongwen.source.docx_import.import_docx`): the expected content, field by field; what was
  skipped, noted, left unplaced; the numbers the imported structure gives are the ones LibreOffice shows;
  no paragraph LibreOffice shows is lost in silence.

LibreOffice is run once per session for all drafts (plus once for each draft that LibreOffice itself made).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

import word_drafts as wd
from word_drafts import ABSENT, DRAFTS, LIBREOFFICE_MADE, Where, labels

NAMES = list(DRAFTS)
HAND_MADE = [n for n in NAMES if n not in LIBREOFFICE_MADE]
ALL_LEVELS = frozenset({1, 2, 3, 4})
W = wd.W


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


# -- comparing ------------------------------------------------------------------------------------------


def assert_subset(got, want, path: str = "") -> None:
    """Every key written in `want` is in `got` with the same value (dicts recursively, lists element-wise
    with equal length); ABSENT: the key must not be there; Where(pred): pred(got) must hold."""
    if isinstance(want, Where):
        assert want.pred(got), f"{path or '/'}: {got!r} is not {want.says}"
    elif isinstance(want, dict):
        assert isinstance(got, dict), f"{path or '/'}: expected a mapping, got {got!r}"
        for key, value in want.items():
            where = f"{path}/{key}"
            if value is ABSENT:
                assert key not in got, f"{where}: should not be there, got {got[key]!r}"
                continue
            assert key in got, f"{where}: missing (has {sorted(got)})"
            assert_subset(got[key], value, where)
    elif isinstance(want, list):
        assert isinstance(got, list), f"{path or '/'}: expected a list of {len(want)}, got {got!r}"
        assert len(got) == len(want), (
            f"{path or '/'}: {len(got)} elements, expected {len(want)}:\n  got  {got!r}\n  want {want!r}"
        )
        for k, (g, w_) in enumerate(zip(got, want)):
            assert_subset(g, w_, f"{path}[{k}]")
    else:
        assert got == want, f"{path or '/'}: got {got!r}, expected {want!r}"


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


ZH_DIGIT = {c: k for k, c in enumerate("〇一二三四五六七八九")} | {"零": 0}


def _zh_number(s: str) -> int:
    if "十" not in s:
        return int("".join(str(ZH_DIGIT[c]) for c in s))
    tens, _, ones = s.partition("十")
    return (ZH_DIGIT[tens] if tens else 1) * 10 + (ZH_DIGIT[ones] if ones else 0)


ZH_DATE = re.compile(r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")


def arabic_dates(text: str) -> str:
    """二〇二五年一月十日 → 2025年1月10日 (how a date is typed does not matter to “nothing lost”)."""
    return ZH_DATE.sub(
        lambda m: f"{_zh_number(m.group(1))}年{_zh_number(m.group(2))}月{_zh_number(m.group(3))}日", text
    )


def strings(node):
    """Every text of imported (or expected) content; numbers and dates as a reader sees them printed."""
    if isinstance(node, dict):
        if set(node) == {"机关代字", "年份", "序号"}:
            yield wd.doc_number(node)
        for key, value in node.items():
            if key != "条目编号":  # how items are numbered, not text of the document
                yield from strings(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from strings(value)
    elif isinstance(node, dt.date):
        yield wd.date_text(node)
    elif isinstance(node, bool) or node is None or isinstance(node, (Where, type(ABSENT))):
        return
    elif isinstance(node, int):
        yield str(node)
    elif isinstance(node, str):
        yield node


def shaped(result) -> dict:
    """An import result in the shape of an expectation."""
    return {"notice": result.notice, "attachments": [a for _, a in result.attachments], "fragment": result.fragment}


def content_text(result) -> str:
    """All imported content as one squashed string (footnotes ^[…] in place, \\^[ read as ^[)."""
    return squash("\n".join(strings(shaped(result)))).replace("\\^[", "^[")


SEP = re.compile(r"[\s\u3000，。；：、！？“”‘’《》（）〔〕()\[\]{}<>,.;:!?…—·/\\^]+")
ANCHOR = re.compile(r"(?<=[^\x00-\x7f])(?:\d{1,2}|[ivx]{1,4})(?=[^\x00-\x7f])")  # a note mark LibreOffice prints
FRAMING = ("公开属性", "附件", "抄送", "主送", "印发", "共印")  # words a notice prints that content does not hold


def pieces(line: str, anchors: bool = True) -> list[str]:
    """The runs of text between punctuation in a line (≥ 2 characters), without its list number, the note
    marks LibreOffice prints in the text, and the framing words of a notice (附件：, 抄送：, …印发)."""
    line = arabic_dates(line).strip(" \t\u3000\ufeff")
    line = LINE_NUMBER.sub("", line, count=1)
    if anchors:
        line = ANCHOR.sub(" ", line)
    out = []
    for piece in SEP.split(line):
        for word in FRAMING:
            if piece.startswith(word):
                piece = piece[len(word) :]
            if piece.endswith(word):
                piece = piece[: -len(word)]
        if len(piece) >= 2:
            out.append(piece)
    return out


# -- what LibreOffice shows ---------------------------------------------------------------------------------

CN_NUM = "〇零一二三四五六七八九十百"
LINE_NUMBER = re.compile(rf"^(?:([{CN_NUM}]+)、|（([{CN_NUM}]+)）|(\d{{1,3}})\s*[.．、](?!\d)|（(\d{{1,3}})）)\s*")
TOC_ENTRY = re.compile(r"\t\d+\s*$")  # a table-of-contents line: heading, tab, page number


def lo_numbers(text: str) -> list[str]:
    """The numbers at the line starts of LibreOffice's text export, written as this program prints them
    (一、 （一） 1. （1）); table-of-contents lines (ending in a tab and a page number) are not counted."""
    out = []
    for line in text.splitlines():
        if TOC_ENTRY.search(line):
            continue
        m = LINE_NUMBER.match(line.strip(" \t\u3000\ufeff"))
        if not m:
            continue
        if m.group(1):
            out.append(f"{m.group(1)}、")
        elif m.group(2):
            out.append(f"（{m.group(2)}）")
        elif m.group(3):
            out.append(f"{int(m.group(3))}.")
        else:
            out.append(f"（{int(m.group(4))}）")
    return out


def expected_lo_numbers(exp: dict) -> list[str]:
    return exp["lo_numbers"] if "lo_numbers" in exp else labels(exp, exp.get("lo_levels", ALL_LEVELS))


# -- fixtures ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def lo_profile(tmp_path_factory) -> Path:
    profile = tmp_path_factory.mktemp("lo-profile")
    wd.LO_PROFILE = profile
    return profile


@pytest.fixture(scope="session")
def drafts(tmp_path_factory, lo_profile) -> dict[str, tuple[Path, dict]]:
    """Every draft built once: name → (path, expectation). Drafts LibreOffice makes need soffice."""
    folder = tmp_path_factory.mktemp("word-drafts")
    out = {}
    for name, make in DRAFTS.items():
        if name in LIBREOFFICE_MADE and not soffice():
            continue
        path = folder / f"{name}.docx"
        out[name] = (path, make(path))
    return out


def draft(drafts, name) -> tuple[Path, dict]:
    if name not in drafts:
        pytest.skip("LibreOffice (soffice) is needed to make this draft")
    return drafts[name]


@pytest.fixture(scope="session")
def lo_text(drafts, lo_profile, tmp_path_factory) -> dict[str, str]:
    """What LibreOffice shows of each draft: all drafts converted to text in one soffice call."""
    from conftest import soffice_run

    if not soffice():
        pytest.skip("LibreOffice (soffice) is not installed")
    out_dir = tmp_path_factory.mktemp("word-drafts-text")
    proc = soffice_run([path for path, _ in drafts.values()], out_dir, "txt:Text (encoded):UTF8", lo_profile, 600)
    texts = {}
    for name, (path, _) in drafts.items():
        txt = out_dir / (path.stem + ".txt")
        assert txt.is_file(), f"LibreOffice did not convert {path.name}: {proc.stderr[-500:]}"
        texts[name] = txt.read_text(encoding="utf-8-sig")
    return texts


@pytest.fixture(scope="session")
def imported(drafts):
    """name → the import result (each draft imported once, on first use)."""
    cache = {}

    def get(name):
        if name not in cache:
            from gongwen.source.docx_import import import_docx

            cache[name] = import_docx(drafts[name][0])
        return cache[name]

    return get


# -- the drafts are right (no importer involved) --------------------------------------------------------------


@pytest.mark.parametrize("name", HAND_MADE)
def test_draft_is_valid_wordprocessingml(name, drafts):
    """Every XML part validates against ECMA-376 (after markup compatibility, as Word reads it) and has its
    children in schema order; every relationship has its part and every part a content type."""
    from conftest import wml_order_problems
    from ooxml_validate import validate_docx

    path, _ = draft(drafts, name)
    problems = [x for x in validate_docx(path) if "no schema for content type" not in x]  # w15 parts
    problems += [x for x in wml_order_problems(path) if "tblStylePr after tblStylePr" not in x]  # repeatable
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        ct = etree.fromstring(z.read("[Content_Types].xml"))
        overrides = {o.get("PartName").lstrip("/") for o in ct if o.tag.endswith("Override")}
        defaults = {d.get("Extension") for d in ct if d.tag.endswith("Default")}
        for rels in [n for n in names if n.endswith(".rels")]:
            base = rels.replace("_rels/", "").removesuffix(".rels")
            folder = base.rsplit("/", 1)[0] + "/" if "/" in base else ""
            for rel in etree.fromstring(z.read(rels)):
                if rel.get("TargetMode") == "External":
                    continue
                target = rel.get("Target")
                target = target.lstrip("/") if target.startswith("/") else (folder + target)
                target = re.sub(r"[^/]+/\.\./", "", target)
                if target not in names:
                    problems.append(f"{rels}: {rel.get('Type')} → {target} is not in the package")
        for n in names - {"[Content_Types].xml"}:
            if n not in overrides and n.rsplit(".", 1)[-1] not in defaults:
                problems.append(f"{n} has no content type")
    assert problems == [], "\n".join(problems)


def body_paragraphs(path: Path) -> list:
    """The w:p that “第 N 段” counts, in order: the main body's, in tables too, not in text boxes."""
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    txbx = f"{{{W}}}txbxContent"
    return [p for p in root.iter(f"{{{W}}}p") if not any(a.tag == txbx for a in p.iterancestors())]


def _text(p) -> str:
    return "".join(t.text or "" for t in p.iter(f"{{{W}}}t"))


POSITION_HOLDS = {
    "目录": lambda p: (
        _text(p) == "目录"
        and any(
            g.get(f"{{{W}}}val") == "Table of Contents"
            for a in p.iterancestors(f"{{{W}}}sdt")
            for g in a.iter(f"{{{W}}}docPartGallery")
        )
    ),
    "批注": lambda p: next(p.iter(f"{{{W}}}commentReference"), None) is not None,
    "图片": lambda p: next(p.iter("{http://schemas.openxmlformats.org/drawingml/2006/picture}pic"), None) is not None,
    "表格": lambda p: next(p.iterancestors(f"{{{W}}}tbl"), None) is not None,
}


@pytest.mark.parametrize("name", NAMES)
def test_expected_positions_are_those_paragraphs(name, drafts):
    """The 第 N 段 an expectation names is the paragraph that holds the thing skipped (counted as the
    reports count: every w:p of the body, table cells included, text boxes not)."""
    path, exp = draft(drafts, name)
    paragraphs = body_paragraphs(path)
    for n, word, *_ in exp.get("skipped", []) + exp.get("kept_or_skipped", []):
        assert 1 <= n <= len(paragraphs), f"第 {n} 段: the draft has {len(paragraphs)} paragraphs"
        assert POSITION_HOLDS[word](paragraphs[n - 1]), f"第 {n} 段 ({_text(paragraphs[n - 1])!r}) holds no {word}"


@pytest.mark.parametrize("name", NAMES)
def test_lo_shows_the_numbers(name, drafts, lo_text):
    """LibreOffice, reading the draft on its own, shows at the line starts exactly the numbers the expected
    structure gives (一、 per 部分, （一） per 小节, 1. continuous or restarting as 条目编号 says, （1） per 条目)
    — i.e. the lists, styles and restarts in the draft are what the expectation says they are. Where
    LibreOffice shows other numbers than Word would, the expectation says so (lo_numbers)."""
    _, exp = draft(drafts, name)
    assert lo_numbers(lo_text[name]) == expected_lo_numbers(exp)


def _note_texts(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        parts = [n for n in ("word/footnotes.xml", "word/endnotes.xml") if n in z.namelist()]
        return squash(
            "".join("".join(t.text or "" for t in etree.fromstring(z.read(n)).iter(f"{{{W}}}t")) for n in parts)
        )


@pytest.mark.parametrize("name", NAMES)
def test_lo_shows_the_expected_text(name, drafts, lo_text):
    """Every text the expectation holds is in the draft: in what LibreOffice shows of it (text boxes aside,
    which its text export leaves out), footnotes and endnotes in the notes parts."""
    path, exp = draft(drafts, name)
    shown = squash(arabic_dates(lo_text[name]))
    for s in exp.get("absent", []):  # text that is in the draft but not content: it is there, then set aside
        if name == "comments":  # comments are not in the text export; they are in comments.xml
            with zipfile.ZipFile(path) as z:
                assert squash(s) in squash(z.read("word/comments.xml").decode("utf-8"))
        else:
            assert squash(s) in shown, f"absent text {s!r} is not even in the draft"
            shown = shown.replace(squash(s), "")
    notes = _note_texts(path) if name not in LIBREOFFICE_MADE else ""
    missing = []
    for s in strings({k: exp.get(k) for k in ("notice", "attachments", "fragment")}):
        if s in exp.get("lo_hidden", []):
            continue
        for note in wd.NOTE.findall(s):
            if squash(note) not in notes:
                missing.append(f"note {note!r}")
        body = wd.NOTE.sub(" ", s).replace("\\^[", "^[")
        missing += [f"{piece!r} (of {s[:20]!r})" for piece in pieces(body, anchors=False) if piece not in shown]
    assert missing == [], "not in the draft as LibreOffice shows it:\n" + "\n".join(missing)


# -- the import ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_import_gives_the_expected_content(name, drafts, imported):
    _, exp = draft(drafts, name)
    result = imported(name)
    assert_subset(result.notice, exp["notice"], "notice")
    assert_subset([a for _, a in result.attachments], exp["attachments"], "attachments")
    assert_subset(result.fragment, exp["fragment"], "fragment")


POSITIONS = re.compile(r"第\s*(\d[\d\s、,，—–\-~至到]*)\s*段")


def positions(entry: str) -> set[int]:
    """The paragraph numbers a report entry names: “第 3 段”, “第 3—5 段”, “第 3、7 段”."""
    out: set[int] = set()
    for m in POSITIONS.finditer(entry):
        tokens = re.findall(r"\d+|[—–\-~至到]", m.group(1))
        k = 0
        while k < len(tokens):
            if k + 2 < len(tokens) and not tokens[k + 1].isdigit():
                out |= set(range(int(tokens[k]), int(tokens[k + 2]) + 1))
                k += 3
            else:
                if tokens[k].isdigit():
                    out.add(int(tokens[k]))
                k += 1
    return out


def reported(result, n: int, word: str) -> bool:
    return any(word in e and n in positions(e) for e in result.skipped)


@pytest.mark.parametrize("name", NAMES)
def test_import_reports_what_it_skipped(name, drafts, imported):
    """skipped names each thing not imported with its paragraph and why, and nothing else; notes say what
    the user should know; nothing is unplaced; text that is not content (deleted, hidden, placeholder,
    comments) is not imported; text that is there once is imported once."""
    _, exp = draft(drafts, name)
    result = imported(name)
    text = content_text(result)
    for n, word, *_ in exp.get("skipped", []):
        assert reported(result, n, word), f"skipped does not name 第 {n} 段 with “{word}”: {result.skipped}"
    allowed = [word for _, word, *_ in exp.get("skipped", []) + exp.get("kept_or_skipped", [])]
    stray = [e for e in result.skipped if not any(w_ in e for w_ in allowed)]
    assert stray == [], f"skipped lists what the draft does not have to skip: {stray}"
    for n, word, texts in exp.get("kept_or_skipped", []):
        kept = all(squash(t) in text for t in texts)
        assert kept or reported(result, n, word), f"the {word} at 第 {n} 段 is neither imported nor listed in skipped"
    for word in exp.get("notes", []):
        assert any(word in e for e in result.notes), f"no note says “{word}”: {result.notes}"
    assert result.unplaced == exp.get("unplaced", []), f"unplaced: {result.unplaced}"
    for s in exp.get("absent", []):
        assert squash(s) not in text, f"{s!r} was imported"
    for s in exp.get("once", []):
        assert text.count(squash(s)) == 1, f"{s!r} imported {text.count(squash(s))} times"


@pytest.mark.parametrize(
    "name", [n for n in NAMES if n not in ("items_continue_across_parts", "lo_html_lists", "tracked_changes")]
)
def test_import_numbers_as_lo_shows(name, drafts, lo_text, imported):
    """The numbers the imported structure is printed with (labels from 部分/小节/条目/分项 and 条目编号) are the
    numbers LibreOffice shows at the line starts of the draft. (Left out: the drafts where LibreOffice shows
    other numbers than Word — lvlRestart, HTML's nested list, a tracked deletion.)"""
    _, exp = draft(drafts, name)
    got = labels(shaped(imported(name)), exp.get("lo_levels", ALL_LEVELS))
    assert got == lo_numbers(lo_text[name])


@pytest.mark.parametrize("name", NAMES)
def test_nothing_lost_in_silence(name, drafts, lo_text, imported):
    """Every paragraph LibreOffice shows (its list number aside, whitespace normalised; text that must not
    be imported taken out) is in the imported content, or in what skipped and notes say."""
    _, exp = draft(drafts, name)
    result = imported(name)
    text = content_text(result)
    said = squash("\n".join(result.skipped + result.notes))
    for n, word, *rest in exp.get("skipped", []) + exp.get("kept_or_skipped", []):
        if rest and reported(result, n, word):
            said += squash("\n".join(rest[0]))
    shown = lo_text[name]
    for s in exp.get("absent", []):
        shown = shown.replace(s, " ")
    lost = []
    for line in shown.splitlines():
        if TOC_ENTRY.search(line):
            line = TOC_ENTRY.sub("", line)
        lost += [
            f"{piece!r} in “{line.strip()[:30]}”" for piece in pieces(line) if piece not in text and piece not in said
        ]
    assert lost == [], "lost in silence:\n" + "\n".join(lost)


def test_the_built_pdf_shows_the_numbers_the_draft_shows(drafts, lo_text, tmp_path):
    """A red-header draft numbered 一、（一）1.（1） by a list tied to its heading styles, imported and built
    by the command line as a user would: the PDF prints, at the line starts, the numbers LibreOffice shows
    in the draft."""
    import sys

    import pdfplumber
    from conftest import ROOT, text_lines

    path, _ = draft(drafts, "heading_styles_list")
    content, out = tmp_path / "content", tmp_path / "out"
    build = [sys.executable, str(ROOT / "build.py")]
    r = subprocess.run(
        build + ["--import", str(path), "--year", "2031", "--content", str(content)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0 and "「版记」缺少必填项" in r.stdout, r.stdout + r.stderr  # the draft has none
    notice = content / "2031" / "notice.yaml"
    with notice.open("a", encoding="utf-8") as f:  # what the clerk adds, as the report asks
        f.write("\n版记:\n  印发机关: 上海市宝山区教育局办公室\n  印发日期: 2025-02-10\n")
    r = subprocess.run(
        build + ["--year", "2031", "--content", str(content), "--output", str(out), "--format", "pdf", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    with pdfplumber.open(next((out / "2031").glob("*.pdf"))) as pdf:
        lines = [ln.text for page in pdf.pages for ln in text_lines(page)]
    assert lo_numbers("\n".join(lines)) == lo_numbers(lo_text["heading_styles_list"]) != []
