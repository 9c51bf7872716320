"""Transforms: resolve, once, everything both writers must agree on.

一、二、… part labels, 1. 2. … item labels (continuous through an attachment), ①②③ footnote marks
(continuous through the whole document), 附件 labels and the 附件说明, and dates written as 2024年2月4日.
"""

from __future__ import annotations

import datetime as dt

from .errors import ContentError, Problem
from .model import Document, Footnote, FootnoteRef

_DIGITS = "零一二三四五六七八九"
# ① … ⑳ (U+2460…), ㉑ … ㉟ (U+3251…), ㊱ … ㊿ (U+32B1…)
CIRCLED = ([chr(0x2460 + i) for i in range(20)] + [chr(0x3251 + i) for i in range(15)]
           + [chr(0x32B1 + i) for i in range(15)])


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 99 → 九十九 (GB/T 9704 §7.3.3 first level)."""
    if not 1 <= n <= 99:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def date_text(d: dt.date | None, year: int = 0) -> str:
    """GB/T 9704 §7.3.5.4: Arabic numerals, year in full, month and day without leading zeros.
    A date still 待定 prints as “2025年　月　日”, room left to write it in."""
    if d is None:
        return f"{year}年　月　日"
    return f"{d.year}年{d.month}月{d.day}日"


def resolve(doc: Document) -> Document:
    """Fill the resolved fields of the model in place and return it."""
    n = doc.notice
    n.date_text = date_text(n.date, n.number.year)
    c = doc.colophon
    c.print_date_text = date_text(c.print_date, n.number.year) + "印发"
    c.copies_text = f"共印{c.copies}份" if c.copies else ""
    c.cc_text = ("抄送：" + "，".join(x.rstrip("。") for x in c.cc) + "。") if c.cc else ""

    many = len(doc.attachments) > 1
    for ai, att in enumerate(doc.attachments, 1):
        att.number = ai
        att.label = f"附件{ai}" if many else "附件"
        item_no = 0
        for pi, part in enumerate(att.parts, 1):
            part.number = pi
            part.label = chinese_number(pi) + "、"
            for item in part.items:
                item_no += 1
                item.number = item_no
                item.label = f"{item_no}."
    if many:
        doc.attachment_note = [f"{a.number}. {a.title}" for a in doc.attachments]
    else:
        doc.attachment_note = [a.title for a in doc.attachments]

    refs = list(_footnote_refs(doc))
    if len(refs) > len(CIRCLED):
        raise ContentError([Problem(doc.source_dir, None, "脚注", f"脚注共 {len(refs)} 个，超过可用的带圈序号（{len(CIRCLED)} 个）")])
    doc.footnotes = []
    for i, ref in enumerate(refs, 1):
        ref.number = i
        ref.mark = CIRCLED[i - 1]
        doc.footnotes.append(Footnote(i, ref.mark, ref.text))
    return doc


def _paragraph_inlines(doc: Document):
    """Every inline list of the document, in reading order."""
    for p in doc.notice.body:
        yield p.inlines
    for att in doc.attachments:
        for p in att.preamble:
            yield p.inlines
        for part in att.parts:
            yield part.heading
            for p in part.intro:
                yield p.inlines
            for item in part.items:
                yield item.lead
                for p in item.paragraphs:
                    yield p.inlines


def _footnote_refs(doc: Document):
    for inlines in _paragraph_inlines(doc):
        for x in inlines:
            if isinstance(x, FootnoteRef):
                yield x
