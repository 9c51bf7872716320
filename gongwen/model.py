"""The document model: plain dataclasses, shared by every writer.

Glossary (GB/T 9704-2012 terms): 版头 header · 发文机关标志 issuer mark · 发文字号 document number ·
标题 title · 主送机关 recipients · 正文 body · 附件说明 attachment list · 发文机关署名 signature ·
成文日期 date · 附件 attachment · 版记 colophon · 抄送 cc · 印发机关/印发日期 printer / print date.

Loading fills the content fields; transforms (transforms.py) fill the resolved ones (numbers, labels,
footnote marks, formatted dates). Writers only read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class Text:
    """A run of plain text."""

    text: str


@dataclass
class FootnoteRef:
    """A footnote written where it is referenced; `number` and `mark` (①) are set by transforms."""

    text: str
    number: int = 0
    mark: str = ""


Inline = Text | FootnoteRef


@dataclass
class Paragraph:
    inlines: list[Inline]
    source: str = ""  # "file:line" for messages


@dataclass
class Item:
    """A numbered item (1. 2. …): its lead sentence and its paragraphs."""

    lead: list[Inline]
    paragraphs: list[Paragraph]
    number: int = 0
    label: str = ""  # "1."


@dataclass
class Part:
    """A first-level section (一、二、…)."""

    heading: list[Inline]
    items: list[Item]
    intro: list[Paragraph] = field(default_factory=list)
    number: int = 0
    label: str = ""  # "一、"


@dataclass
class Attachment:
    """附件: a document bound after the notice, starting on a new page."""

    title: str
    preamble: list[Paragraph]
    parts: list[Part]
    source: str = ""
    number: int = 0
    label: str = ""  # "附件" or "附件1"
    texts: list = field(default_factory=list)  # (file, line, field, text) as written, for checks


@dataclass
class DocNumber:
    """发文字号: 机关代字 + 〔year〕 + sequence + 号."""

    prefix: str
    year: int
    sequence: int

    @property
    def text(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.sequence}号"


@dataclass
class Colophon:
    """版记."""

    printer: str
    print_date: dt.date | None  # None: 待定
    copies: int | None = None
    cc: list[str] = field(default_factory=list)
    print_date_text: str = ""
    copies_text: str = ""
    cc_text: str = ""


@dataclass
class Notice:
    issuer_mark: str
    number: DocNumber
    title_lines: list[str]
    recipients: str
    body: list[Paragraph]
    signature: str
    date: dt.date | None  # None: 待定 (a draft whose date is still to be decided)
    note: str = ""
    date_text: str = ""

    @property
    def stamp_date(self) -> dt.date:
        """The date the files are stamped with (metadata, zip entries): the 成文日期, or 1 January of the
        文号's year while the date is 待定. Never the clock: equal content gives equal bytes."""
        return self.date or dt.date(max(self.number.year, 1980), 1, 1)


@dataclass
class Footnote:
    number: int
    mark: str
    text: str


@dataclass
class Document:
    notice: Notice
    attachments: list[Attachment]
    colophon: Colophon
    year: int
    source_dir: str = ""
    footnotes: list[Footnote] = field(default_factory=list)
    attachment_note: list[str] = field(default_factory=list)  # 附件说明 lines, resolved
    texts: list = field(default_factory=list)  # every text field as written: (file, line, field, text)
    lines: dict = field(default_factory=dict)  # notice.yaml field path → line
