"""The document model: plain dataclasses, shared by every writer.

Glossary (GB/T 9704-2012 terms): 份号 copy number · 密级和保密期限 secrecy · 紧急程度 urgency · 版头 header ·
发文机关标志 issuer mark · 发文字号 document number · 签发人 signer · 标题 title · 主送机关 recipients ·
正文 body · 结构层次 一、（一）1.（1） section levels 1–4 · 附件说明 attachment list · 发文机关署名 signature ·
成文日期 date · 附注 note · 公开属性 publicity · 附件 attachment · 版记 colophon · 抄送 cc ·
印发机关/印发日期 printer / print date.

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


# GB/T 9704 §7.3.3: 一、 （一） 1. （1）; the content keys that hold each level, and the key of its heading
LEVEL_KEYS = {1: "部分", 2: "小节", 3: "条目", 4: "分项"}
HEADING_KEY = {1: "标题", 2: "标题", 3: "要点", 4: "要点"}
TEXT_KEY = {1: "导语", 2: "导语", 3: "内容", 4: "内容"}


@dataclass
class Section:
    """A numbered section at one of the four levels of GB/T 9704 §7.3.3.

    Levels 1 (一、, 黑体) and 2 (（一）, 楷体) have a heading on a line of its own; levels 3 (1.) and 4 (（1）)
    are run in: the label, the lead sentence (要点, may be empty) and the first paragraph form one paragraph.
    `paragraphs` stand under the heading before the subsections (`children`, of one deeper level)."""

    level: int
    heading: list[Inline]
    paragraphs: list[Paragraph] = field(default_factory=list)
    children: list["Section"] = field(default_factory=list)
    number: int = 0
    label: str = ""  # "一、", "（一）", "1.", "（1）"
    source: str = ""

    @property
    def run_in(self) -> bool:
        return self.level >= 3

    # the names the 2024 content uses (部分 → 条目), kept for the drafting tools
    @property
    def lead(self) -> list[Inline]:
        return self.heading

    @property
    def intro(self) -> list[Paragraph]:
        return self.paragraphs

    @property
    def items(self) -> list["Section"]:
        """The level-3 items (1. 2. …) under this section, at any depth."""
        return [s for s in walk(self.children) if s.level == 3]


# the older names
Part = Section
Item = Section


def walk(sections: list[Section]):
    """Every section of a tree, in reading order."""
    for s in sections:
        yield s
        yield from walk(s.children)


ITEMS_CONTINUOUS = "连续"  # 1. 2. … run on through the whole attachment or plan (the 2024 plan)
ITEMS_RESTART = "每部分重新编号"  # 1. restarts under each 一、 (or （一）) heading


@dataclass
class Attachment:
    """附件: a document bound after the notice, starting on a new page."""

    title_lines: list[str]
    preamble: list[Paragraph]
    parts: list[Section]
    subtitle: str = ""  # a line under the title, e.g. （2025—2027年）
    note_name: str = ""  # its name in the 附件说明 (default: the title)
    item_numbering: str = ITEMS_CONTINUOUS
    source: str = ""
    number: int = 0
    label: str = ""  # "附件" or "附件1"
    texts: list = field(default_factory=list)  # (file, line, field, text) as written, for checks

    @property
    def title(self) -> str:
        return "".join(self.title_lines)


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
    recipients: str = ""  # 主送 moved to the 版记 (§7.4.2)
    print_date_text: str = ""
    copies_text: str = ""
    cc_text: str = ""
    recipients_text: str = ""


@dataclass
class Notice:
    """The red-header document itself: a notice wrapping attachments, or a plan issued directly (its body
    holds the sections), by one organ or jointly by several."""

    issuer_organs: list[str]  # one entry, or the joint organs in order, 主办机关 first
    number: DocNumber
    title_lines: list[str]
    recipients: str  # "" when the document has no 主送机关 (a plan issued directly)
    body: list[Paragraph]
    signatures: list[str]  # 发文机关署名: one per organ
    date: dt.date | None  # None: 待定 (a draft whose date is still to be decided)
    issuer_suffix: str = ""  # "文件" beside the stacked organs of a joint mark
    sections: list[Section] = field(default_factory=list)  # a plan issued directly: 一、 … in the body
    item_numbering: str = ITEMS_CONTINUOUS
    signers: list[str] = field(default_factory=list)  # 签发人 (上行文)
    copy_number: str = ""  # 份号, 6 digits
    secrecy: str = ""  # 密级和保密期限, e.g. 机密★1年
    urgency: str = ""  # 紧急程度: 特急 / 加急
    note: str = ""  # 附注, printed （…）
    seal_by: str = ""  # 代章: the organ whose seal stands for the signatories, printed （…代章） under the date
    publicity: str = ""  # 公开属性: 主动公开 / 依申请公开 / 不予公开
    seals: list[str] = field(default_factory=list)  # 印章: PNG files, one per organ (the electronic copy)
    show_attachment_note: bool = True
    proof_allow: list[str] = field(default_factory=list)  # 校对例外: deliberate uses the proofreading keeps quiet on
    date_text: str = ""

    @property
    def issuer_mark(self) -> str:
        """The mark as one string (single organ: as written, e.g. 上海市宝山区教育局文件)."""
        return "".join(self.issuer_organs) + self.issuer_suffix

    @property
    def joint(self) -> bool:
        return len(self.issuer_organs) > 1

    @property
    def signature(self) -> str:
        return "　".join(self.signatures)

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
    source_file: str = ""  # the document's own YAML file (notice.yaml, …)
    footnotes: list[Footnote] = field(default_factory=list)
    attachment_note: list[str] = field(default_factory=list)  # 附件说明 lines, resolved
    texts: list = field(default_factory=list)  # every text field as written: (file, line, field, text)
    lines: dict = field(default_factory=dict)  # notice.yaml field path → line

    @property
    def items(self) -> list[Section]:
        """Every level-3 item of the document (notice body and attachments)."""
        out = [s for s in walk(self.notice.sections) if s.level == 3]
        for a in self.attachments:
            out += [s for s in walk(a.parts) if s.level == 3]
        return out
