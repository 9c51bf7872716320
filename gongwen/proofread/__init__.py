"""校对: proofreading every text of a document (or of a draft a department sent) before it is printed.

`proofread_document(doc)` runs the text rules (rules.py) over every text field of the content, plus the
checks that need the whole document (文号 year against 成文日期, 附件说明 names, the stale-year check of
drafting); `proofread_paragraphs(file, paragraphs)` does the same for a plain-text or Word draft, with
the typed heading numbers checked for skips and repeats. Findings name file, line (or paragraph) and
field; the per-document list `校对例外` silences deliberate uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .rules import CN_YEAR_RX, ERROR, WARNING, Finding, check_text, heading_sequence

CONTEXT = 8  # characters shown either side of a finding


@dataclass
class Located:
    """A finding with where it is: file, line (or paragraph), field, and the text it was found in."""

    file: str
    line: int
    field: str
    text: str
    finding: Finding
    unit: str = "行"

    @property
    def level(self) -> str:
        return self.finding.level

    def context(self) -> str:
        f, t = self.finding, self.text
        a, b = max(0, f.start - CONTEXT), min(len(t), f.end + CONTEXT)
        return (
            ("…" if a else "")
            + t[a : f.start]
            + "【"
            + t[f.start : f.end]
            + "】"
            + t[f.end : b]
            + ("…" if b < len(t) else "")
        )

    def __str__(self) -> str:
        where = f"{self.file} 第 {self.line} {self.unit}" + (f"「{self.field}」" if self.field else "")
        shown = f"：“{self.context()}”" if self.text and self.finding.end > self.finding.start else ""
        return f"{where}：［{self.level}］{self.finding.message}{shown}，{self.finding.fix}"


def _allowed(f: Finding, text: str, allow: list[str]) -> bool:
    """A finding inside a string of the document's 校对例外 list is a deliberate use."""
    for s in allow:
        for m in re.finditer(re.escape(s), text):
            if m.start() <= f.start and f.end <= m.end():
                return True
    return False


_LIST_ITEM = re.compile(r"^(.*)\[(\d+)\]$")


def _fields(doc) -> list[tuple[str, int, str, str]]:
    """The document's text fields as written, the lines of a title (written as a list) joined into one."""
    out: list[list] = []
    for path, line, field, text in doc.texts:
        m = _LIST_ITEM.match(field)
        if m and m.group(1).endswith("标题") and out and out[-1][2].startswith(m.group(1) + "[") and out[-1][0] == path:
            out[-1][3] += text
            continue
        out.append([path, line, field, text])
    return [tuple(x) for x in out]


def proofread_document(doc, year: int | None = None) -> list[Located]:
    """Every finding in a document's content, in file order."""
    from ..drafting.newyear import stale_year_findings

    allow = list(getattr(doc.notice, "proof_allow", []) or [])
    out: list[Located] = []
    for path, line, field, text in _fields(doc):
        if field.startswith("校对例外") or re.fullmatch(r"附件\[\d+\](\.文件)?", field) or field == "条目编号":
            continue
        for f in check_text(text):
            if not _allowed(f, text, allow):
                out.append(Located(str(path), line, field, text, f))
    n = doc.notice
    source = doc.source_file or str(Path(doc.source_dir) / "notice.yaml")
    if n.date is not None and n.number.year and n.date.year != n.number.year:
        text = f"{n.number.text}，{n.date_text or n.date}"
        out.append(
            Located(
                source,
                doc.lines.get("成文日期", 0),
                "成文日期",
                text,
                Finding(
                    "文号年份",
                    WARNING,
                    0,
                    len(n.number.text),
                    f"文号的年份（{n.number.year}）与成文日期的年份（{n.date.year}）不同",
                    "请核对文号或成文日期",
                ),
            )
        )
    for i, att in enumerate(doc.attachments, 1):
        name = att.note_name or att.title
        if name and name[-1] in "。，；：、！？.,;:":
            out.append(
                Located(
                    source,
                    doc.lines.get(f"附件[{i}].名称", doc.lines.get(f"附件[{i}]", 0)),
                    f"附件[{i}]",
                    name,
                    Finding(
                        "附件说明",
                        ERROR,
                        len(name) - 1,
                        len(name),
                        "附件名称末尾不加标点（GB/T 9704 §7.3.4）",
                        "应删去末尾的标点",
                    ),
                )
            )
    texts = [
        ((path, line, field), text)
        for path, line, field, text in _fields(doc)
        if not (field.startswith("校对例外") or field == "条目编号" or re.fullmatch(r"附件\[\d+\](\.文件)?", field))
    ]
    for (path, line, field), f in whole_text_findings(texts, len(doc.attachments)):
        text = next(t for w, t in texts if w == (path, line, field))
        if not _allowed(f, text, allow):
            out.append(Located(str(path), line, field, text, f))
    for s in stale_year_findings(doc, year or doc.year):
        text = _text_of(doc, s.file, s.line, s.field)
        span = _span_of(text, s.message)
        out.append(
            Located(
                str(s.file),
                s.line,
                s.field,
                text,
                Finding("年份", WARNING, span[0], span[1], s.message, "请改成本年度"),
            )
        )
    return out


_AR_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}年")
_CN_DATE_PARA = re.compile(
    r"^\s*[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日\s*$"
)
_CITED = re.compile(r"附件(\d+)(?![\d：:])")


def whole_text_findings(texts: list[tuple[object, str]], attachments: int | None) -> list[tuple[object, Finding]]:
    """Checks that need the whole document: year styles mixed (二〇二四年 beside 2024年: GB/T 15835 asks
    one style in one text); a paragraph that is a 成文日期 in Chinese numerals (GB/T 9704-2012 §7.3.5.1:
    Arabic numerals); 附件N cited where there are fewer attachments. `texts`: (where, text) in order;
    `attachments`: how many the document has (None: unknown)."""
    out: list[tuple[object, Finding]] = []
    arabic = any(_AR_YEAR.search(t) for _, t in texts)
    for where, t in texts:
        if _CN_DATE_PARA.match(t):
            out.append(
                (
                    where,
                    Finding(
                        "日期",
                        ERROR,
                        0,
                        len(t.rstrip()),
                        "成文日期用了汉字",
                        "GB/T 9704-2012 §7.3.5.1：用阿拉伯数字将年、月、日标全，如“2024年2月4日”",
                    ),
                )
            )
        elif arabic:
            for m in CN_YEAR_RX.finditer(t):
                if any(c in "一二三四五六七八九" for c in m.group()):
                    out.append(
                        (
                            where,
                            Finding(
                                "年份",
                                WARNING,
                                m.start(),
                                m.end(),
                                "同一文件中年份有的用汉字、有的用阿拉伯数字",
                                "请统一为阿拉伯数字（如“2024年”）",
                            ),
                        )
                    )
        if attachments is not None and not re.fullmatch(r"\s*附件\d+\s*", t):  # not an attachment's label
            for m in _CITED.finditer(t):
                n = int(m.group(1))
                if n > attachments or (attachments == 1 and n > 1):
                    have = f"只有 {attachments} 个附件" if attachments else "没有附件"
                    out.append(
                        (
                            where,
                            Finding("附件", ERROR, m.start(), m.end(), f"提到“附件{n}”，但{have}", "请核对附件的序号"),
                        )
                    )
    return out


def _text_of(doc, file, line, field) -> str:
    for path, ln, fld, text in doc.texts:
        if str(path) == str(file) and ln == line and fld == field:
            return text
    return ""


def _span_of(text: str, message: str) -> tuple[int, int]:
    for needle in re.findall(r"“(.+?)”", message) + re.findall(r"\d{4}", message)[:1]:
        needle = needle.rstrip("…")
        i = text.find(needle)
        if i >= 0:
            return i, i + len(needle)
    return 0, 0


def proofread_paragraphs(file: str, paragraphs: list[tuple[int, str]], unit: str = "行") -> list[Located]:
    """A draft's paragraphs (number, text): the text rules, and typed heading numbers in sequence."""
    out: list[Located] = []

    def found(no: int, text: str, f: Finding) -> None:
        out.append(Located(file, no, "", text, f, unit))

    for no, text in paragraphs:
        for f in check_text(text):
            found(no, text, f)
    for k, f in heading_sequence([t for _, t in paragraphs]):
        found(*paragraphs[k], f)
    notes = _attachment_note(paragraphs)
    for no, f in whole_text_findings(paragraphs, len(notes) if notes else None):
        found(no, dict(paragraphs)[no], f)
    for k in range(1, len(notes)):  # 附件：1. … 2. … 4.: the names numbered in sequence
        (no, text, n), (_, _, prev) = notes[k], notes[k - 1]
        if n is not None and prev is not None and n != prev + 1:
            m = re.match(r"^\s*(?:附件\d*[：:]\s*)?(\d+)", text)
            msg = f"附件说明的序号 {prev} 之后是 {n}"
            found(no, text, Finding("附件说明", ERROR, m.start(1), m.end(1), msg, f"应为 {prev + 1}"))
    for no, text, f in _names_against_titles(paragraphs, notes):
        found(no, text, f)
    for no, text in paragraphs:  # 附件：name — the name ends without punctuation
        m = re.match(r"^\s*附件\d*[：:]\s*(?:\d+[.．]\s*)?(.+?)\s*$", text)
        if m and m.group(1)[-1] in "。，；、":
            msg = "附件名称末尾不加标点（GB/T 9704 §7.3.4）"
            found(no, text, Finding("附件说明", ERROR, m.end(1) - 1, m.end(1), msg, "应删去末尾的标点"))
    return sorted(out, key=lambda x: (x.line, x.finding.start))


def _attachment_note(paragraphs: list[tuple[int, str]]) -> list[tuple[int, str, int | None]]:
    """The 附件说明 of a draft: its paragraphs (no, text, number or None), from “附件：” on while the
    lines are numbered names."""
    out: list[tuple[int, str, int | None]] = []
    for no, text in paragraphs:
        if not out:
            m = re.match(r"^\s*附件[：:]\s*(?:(\d+)[.．]\s*)?\S", text)
            if m:
                out.append((no, text, int(m.group(1)) if m.group(1) else None))
            continue
        m = re.match(r"^\s*(\d+)[.．]\s*\S", text)
        if not m or out[0][2] is None or len(text) > 60:
            break
        out.append((no, text, int(m.group(1))))
    return out


def _plain_name(s: str) -> str:
    return re.sub(r"[\s《》“”\"]", "", s).rstrip("。.")


def _names_against_titles(paragraphs, notes) -> list[tuple[int, str, Finding]]:
    """The 附件说明's names against the attachments' titles in the draft (the paragraph after each
    “附件” / “附件2” label, GB/T 9704 §7.3.4 and §7.3.7: the name as the title reads): (no, text, finding)."""
    out: list[tuple[int, str, Finding]] = []
    if not notes:
        return out
    names = {}
    for k, (no, text, n) in enumerate(notes, 1):
        m = re.match(r"^\s*(?:附件\d*[：:]\s*)?(?:\d+[.．]\s*)?(.+?)\s*$", text)
        names[n or k] = (no, text, m.group(1), m.start(1))
    after = [p for p in paragraphs if p[0] > notes[-1][0]]
    for i, (no, text) in enumerate(after[:-1]):
        m = re.fullmatch(r"\s*附件\s*(\d*)\s*", text)
        if not m:
            continue
        n = int(m.group(1)) if m.group(1) else 1
        title = after[i + 1][1]
        if n in names and _plain_name(names[n][2]) != _plain_name(title):
            nno, ntext, name, at = names[n]
            msg = f"附件说明的名称与附件{m.group(1)}的标题“{title}”不一致"
            out.append(
                (nno, ntext, Finding("附件说明", WARNING, at, at + len(name), msg, "附件说明中的名称应与附件标题相同"))
            )
    return out


def _paragraphs_of_text(text: str) -> list[tuple[int, str]]:
    """A plain-text draft's paragraphs, numbered by their first line: where blank lines separate the
    paragraphs and some of them run over several lines (text wrapped by a mail program or copied from a
    PDF), the lines of one paragraph are joined (Chinese directly, Latin with a space); otherwise each
    line is a paragraph."""
    lines = text.splitlines()
    blocks: list[list[tuple[int, str]]] = [[]]
    for i, t in enumerate(lines, 1):
        if t.strip():
            blocks[-1].append((i, t.strip()))
        elif blocks[-1]:
            blocks.append([])
    blocks = [b for b in blocks if b]
    if len(blocks) >= 3 and any(len(b) > 1 for b in blocks):
        out = []
        for b in blocks:
            no, joined = b[0]
            for i, t in b[1:]:
                if re.search(r"[。！？；：]$", joined) or _HEADING_START.match(t):
                    out.append((no, joined))  # a paragraph of its own after all
                    no, joined = i, t
                    continue
                sep = " " if re.search(r"[A-Za-z0-9]$", joined) and re.match(r"[A-Za-z0-9]", t) else ""
                joined += sep + t
            out.append((no, joined))
        return out
    return [(i, t) for i, t in enumerate(lines, 1) if t.strip()]


_HEADING_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]|附件)")


def read_draft(path: Path) -> tuple[list[tuple[int, str]], str]:
    """A draft's paragraphs: a .txt file's lines (UTF-8, or GB18030 as Windows Notepad saves Chinese), or
    a .docx file's paragraphs (tables included). Returns (paragraphs, unit of their numbers)."""
    from ..errors import BuildError

    suffix = path.suffix.lower()
    if not path.is_file():
        raise BuildError(f"找不到文件 {path}")
    with open(path, "rb") as f:
        head = f.read(8)
    if suffix in (".doc", ".docx", ".wps", ".docm", ".dotx", ".odt", ".pdf", ".rtf") or head.startswith(
        (b"PK", b"\xd0\xcf\x11\xe0", b"%PDF", b"{\\rtf")
    ):
        from ..source.wordml import read_draft as read_word
        from ..source.wordpkg import open_package

        with open_package(path) as pkg:  # a .doc, an encrypted, corrupt or hostile file: one clear message
            draft = read_word(pkg)
        return [
            (p.no, p.text.replace("\n", " ").replace("\\^[", "^["))
            for p in draft.paragraphs
            if p.kind != "toc" and p.text.strip()
        ], "段"
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise BuildError(f"{path.name} 既不是 UTF-8 也不是 GB18030 编码的文本文件")
    return _paragraphs_of_text(text), "行"


HALF_WIDTH_RULES = {"半角标点", "句号"}  # the rules a draft with ASCII-folded punctuation sets off everywhere


def folded_punctuation(paragraphs: list[tuple[int, str]]) -> bool:
    """Whether most of a draft's commas and stops are half-width (, . ; :) beside Chinese: a web copy."""
    text = "".join(t for _, t in paragraphs)
    half = len(re.findall(r"(?<=[\u4e00-\u9fff])[,.;:]", text))
    full = len(re.findall(r"[，。；：]", text))
    return half >= 5 and half > full


def summary(found: list[Located]) -> str:
    errors = sum(1 for f in found if f.level == ERROR)
    return f"校对：错误 {errors} 处，提示 {len(found) - errors} 处"


__all__ = [
    "ERROR",
    "HALF_WIDTH_RULES",
    "WARNING",
    "Located",
    "folded_punctuation",
    "proofread_document",
    "proofread_paragraphs",
    "read_draft",
    "summary",
]
