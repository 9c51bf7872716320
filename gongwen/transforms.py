"""Transforms: resolve, once, everything both writers must agree on.

一、 （一） 1. （1） labels at the four levels of GB/T 9704 §7.3.3 (1. runs on through an attachment or plan,
or restarts under each heading when the content says so; （一） restarts under each 一、 and （1） under each
1.), ①②③ footnote marks (continuous through the whole document), 附件 labels and the 附件说明, and dates
written as 2024年2月4日.
"""

from __future__ import annotations

import datetime as dt
import re

from .errors import ContentError, Problem
from .model import ITEMS_RESTART, Document, Footnote, FootnoteRef, Section

_DIGITS = "零一二三四五六七八九"
# ① … ⑳ (U+2460…), ㉑ … ㉟ (U+3251…), ㊱ … ㊿ (U+32B1…)
CIRCLED = (
    [chr(0x2460 + i) for i in range(20)] + [chr(0x3251 + i) for i in range(15)] + [chr(0x32B1 + i) for i in range(15)]
)


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 99 → 九十九, 100 → 一百, 101 → 一百零一, 110 → 一百一十,
    1000 → 一千 (GB/T 9704 §7.3.3 first level; GB/T 15835 reads 十 alone for 10–19 only below 20)."""
    if not 1 <= n <= 9999:
        raise ValueError(n)
    if n < 20:
        return _DIGITS[n] if n < 10 else "十" + (_DIGITS[n - 10] if n > 10 else "")
    out = ""
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if zero and out:
                out += "零"
            out += _DIGITS[d] + unit
            zero = False
        elif out:
            zero = True
    return out


def level_label(level: int, n: int) -> str:
    if level == 1:
        return f"{chinese_number(n)}、"
    if level == 2:
        return f"（{chinese_number(n)}）"
    return f"{n}." if level == 3 else f"（{n}）"


# bounds on one document, far above any real plan (the 2024 one: 7 parts, 32 items, 3 footnotes, about
# 20,000 characters, 17 pages): a runaway file is refused with these numbers rather than ground through
MAX_PARTS = 1000  # 一级 and 二级 headings together
MAX_ITEMS = 5000  # 三级 and 四级 items together
MAX_TEXT_CHARS = 3_000_000  # characters of text in the whole document


def _sections_count(sections) -> tuple[int, int, int]:
    """(headings, items, characters) of a tree of sections."""
    heads = items = chars = 0
    for s in sections:
        heads += s.level <= 2
        items += s.level > 2
        chars += sum(len(getattr(x, "text", "")) for x in s.heading)
        chars += sum(len(getattr(x, "text", "")) for p in s.paragraphs for x in p.inlines)
        h, i, c = _sections_count(s.children)
        heads, items, chars = heads + h, items + i, chars + c
    return heads, items, chars


def check_limits(doc: Document) -> None:
    """Refuse a document past MAX_PARTS, MAX_ITEMS or MAX_TEXT_CHARS, naming its file and the bound."""
    heads = items = 0
    chars = sum(len(getattr(x, "text", "")) for p in doc.notice.body for x in p.inlines)
    for secs in [doc.notice.sections] + [a.parts for a in doc.attachments]:
        h, i, c = _sections_count(secs)
        heads, items, chars = heads + h, items + i, chars + c
    chars += sum(len(getattr(x, "text", "")) for a in doc.attachments for p in a.preamble for x in p.inlines)
    where = doc.source_file or doc.source_dir
    for count, bound, what in (
        (heads, MAX_PARTS, "一级、二级标题"),
        (items, MAX_ITEMS, "条目"),
        (chars, MAX_TEXT_CHARS, "字"),
    ):
        if count > bound:
            raise ContentError(
                [
                    Problem(
                        where,
                        None,
                        "",
                        f"这份文件共有 {count} 个{what}，超过了上限 {bound}"
                        "（远多于任何实际的工作意见，可能是复制或别名出了错）",
                    )
                ]
            )


# where one organ's name ends and the next begins, in a string naming several (联合行文 written as one
# string): an organ ending followed by the start of an organ name (中共…, 共青团…, or a place: …市, …区)
_ORGAN_END = r"(?:委员会|人民政府|政府|教育局|局|厅|委|办公室|督导室|中心|研究院|学院|院|所|部|处|室|馆|站|学校|大学|中学|小学|幼儿园)"
_ORGAN_START = r"(?:中共|中国|共青团|[\u4e00-\u9fff]{1,4}?(?:省|市|自治区|区|县|镇|乡))"


def split_organs(text: str) -> list[str]:
    """中共上海市宝山区教育工作委员会上海市宝山区教育局 → the two organs; one organ → [text]."""
    parts, pos = [], 0
    for m in re.finditer(f"{_ORGAN_END}(?={_ORGAN_START})", text):
        if m.end() - pos >= 4:
            parts.append(text[pos : m.end()])
            pos = m.end()
    parts.append(text[pos:])
    return [p for p in parts if p]


def cells(s: str) -> float:
    """Width in grid cells: a full-width character 1, an ASCII character ½."""
    return sum(0.5 if ch.isascii() else 1.0 for ch in s)


def signature_pairs(signatures: list[str]) -> list[list[str]]:
    """Joint 署名 two to a row in their order; with an odd count the last organ stands alone (over the
    date). The PDF and DOCX writers each check with their own measure whether the pairs fit side by side."""
    end = len(signatures) - 1 if len(signatures) > 1 and len(signatures) % 2 else len(signatures)
    pairs = [signatures[i : i + 2] for i in range(0, end, 2)]
    return pairs + [signatures[end:]] if end < len(signatures) else pairs


def split_long_names(doc: Document, house=None) -> None:
    """A mark or 署名 written as one string that names several organs and is too long for its place is
    read as a joint one (§7.2.4, §7.3.5.1): a mark that would have to shrink below the title size is
    stacked, a 署名 wider than the room centred over the date gets a row per organ."""
    n = doc.notice
    sizes = house["sizes_pt"] if house is not None else {"mark": 36, "title": 22}
    max_w = (house["header"]["mark_max_width_mm"] if house is not None else 150) * 72 / 25.4
    cells_per_line = house["page"]["chars"] if house is not None else 28
    if len(n.issuer_organs) == 1 and not n.issuer_suffix:
        mark = n.issuer_organs[0]
        size = min(float(sizes["mark"]), max_w / max(cells(mark), 1))
        if size < float(sizes["title"]):
            suffix = "文件" if mark.endswith("文件") else ""
            organs = split_organs(mark[: len(mark) - len(suffix)])
            if len(organs) > 1:
                n.issuer_organs, n.issuer_suffix = organs, suffix
    date_right = house["body"]["date_right_chars"] if house is not None else 4
    room = 2 * (date_right + cells(n.date_text) / 2)  # a line centred on the date's centre
    if len(n.signatures) == 1 and cells(n.signatures[0]) > min(room, cells_per_line):
        organs = split_organs(n.signatures[0])
        if len(organs) > 1:
            n.signatures = organs


def date_text(d: dt.date | None, year: int = 0) -> str:
    """GB/T 9704 §7.3.5.4: Arabic numerals, year in full, month and day without leading zeros.
    A date still 待定 prints as “2025年　月　日”, room left to write it in."""
    if d is None:
        return f"{year}年　月　日"
    return f"{d.year}年{d.month}月{d.day}日"


def number_sections(sections: list[Section], restart_items: bool) -> None:
    """Label a tree of sections. Levels 1, 2 and 4 count among their siblings; level 3 (1.) runs on
    through the whole tree unless `restart_items`, then it restarts under each parent heading."""
    item_no = [0]

    def walk(children: list[Section]) -> None:
        count: dict[int, int] = {}
        if restart_items:
            item_no[0] = 0
        for s in children:
            if s.level == 3:
                item_no[0] += 1
                s.number = item_no[0]
            else:
                count[s.level] = count.get(s.level, 0) + 1
                s.number = count[s.level]
            s.label = level_label(s.level, s.number)
            saved = item_no[0]
            walk(s.children)
            if restart_items:
                item_no[0] = saved

    walk(sections)


def resolve(doc: Document, house=None) -> Document:
    """Fill the resolved fields of the model in place and return it (`house`: the house style, for the
    widths that decide whether a long mark or 署名 is stacked; the standard's values without it)."""
    n = doc.notice
    check_limits(doc)
    n.date_text = date_text(n.date, n.number.year)
    split_long_names(doc, house)
    c = doc.colophon
    c.print_date_text = date_text(c.print_date, n.number.year) + "印发"
    c.copies_text = f"共印{c.copies}份" if c.copies else ""
    c.cc_text = ("抄送：" + "，".join(x.rstrip("。") for x in c.cc) + "。") if c.cc else ""
    c.recipients_text = f"主送：{c.recipients.rstrip('。：:')}。" if c.recipients else ""

    number_sections(n.sections, n.item_numbering == ITEMS_RESTART)
    many = len(doc.attachments) > 1
    for ai, att in enumerate(doc.attachments, 1):
        att.number = ai
        att.label = f"附件{ai}" if many else "附件"
        number_sections(att.parts, att.item_numbering == ITEMS_RESTART)
    names = [a.note_name or a.title for a in doc.attachments]
    if not n.show_attachment_note:
        doc.attachment_note = []
    elif many:
        doc.attachment_note = [f"{i}. {name}" for i, name in enumerate(names, 1)]
    else:
        doc.attachment_note = names

    refs = list(_footnote_refs(doc))
    if len(refs) > len(CIRCLED):
        raise ContentError(
            [
                Problem(
                    doc.source_file or doc.source_dir,
                    None,
                    "脚注",
                    f"脚注共 {len(refs)} 个，超过可用的带圈序号（{len(CIRCLED)} 个）",
                )
            ]
        )
    doc.footnotes = []
    for i, ref in enumerate(refs, 1):
        ref.number = i
        ref.mark = CIRCLED[i - 1]
        doc.footnotes.append(Footnote(i, ref.mark, ref.text))
    return doc


def _section_inlines(sections: list[Section]):
    for s in sections:
        yield s.heading
        for p in s.paragraphs:
            yield p.inlines
        yield from _section_inlines(s.children)


def _paragraph_inlines(doc: Document):
    """Every inline list of the document, in reading order."""
    for p in doc.notice.body:
        yield p.inlines
    yield from _section_inlines(doc.notice.sections)
    for att in doc.attachments:
        for p in att.preamble:
            yield p.inlines
        yield from _section_inlines(att.parts)


def _footnote_refs(doc: Document):
    for inlines in _paragraph_inlines(doc):
        for x in inlines:
            if isinstance(x, FootnoteRef):
                yield x
