"""Importing a Word draft (DOCX) into content/<year>/: the reader beside the YAML one.

`wordpkg` opens the file without trusting it and `wordml` reads it as Word shows it (changes accepted, list
numbers computed, heading styles and outline levels, text boxes in place, tables, notes, fields). Here each
paragraph is given its place in the content model: first by the paragraph styles this program writes
(发文机关标志, 公文标题, 一级标题 …), else by what a drafted 公文 looks like — the 文号, a line ending in “：”
after the title, a number (typed or automatic: 一、 （一） 1. （1）, 1、 and 1． too) or a heading style at the
start of a line, “附件：” lists, a date under the 署名, 抄送/印发 lines. Numbers become structure, never text.

A draft with no 版头 is a fragment (a department's parts, sections or items, or a plan with its title) and
imports as attachment-shaped content, to be listed by a notice or merged into a year's attachment.

Every paragraph is accounted for: placed, skipped with the reason (目录, 批注, 图片 …) or reported as
unplaced with its position and first characters; unplaced text is also kept, as comments, at the end of the
written file.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from .wordml import Draft, Para, _short, read_draft
from .wordpkg import open_package

__all__ = ["Imported", "import_docx", "to_yaml", "write_content", "write_fragment"]


@dataclass
class Imported:
    notice: dict | None  # notice.yaml; None for a fragment
    attachments: list[tuple[str, dict]]  # (file name, content)
    fragment: dict | None = None  # a draft with no 版头: attachment-shaped content
    fragment_kind: str = ""  # 部分 / 小节 / 条目 / 段落 at its top
    notes: list[str] = field(default_factory=list)  # what the reader should know
    skipped: list[str] = field(default_factory=list)  # not imported on purpose: position and why
    unplaced: list[str] = field(default_factory=list)  # text that could not be placed: position, where it went
    leftovers: list[str] = field(default_factory=list)  # the unplaced texts themselves (kept as comments)
    counts: dict = field(default_factory=dict)  # {1: parts, 2: sections, 3: items, 4: sub-items}
    tally: dict = field(default_factory=dict)  # paragraphs of the draft: total, placed, empty, toc, unplaced …

    def texts(self):
        """Every text of the imported content, in order."""

        def walk(v):
            if isinstance(v, str):
                yield v
            elif isinstance(v, dict):
                for x in v.values():
                    yield from walk(x)
            elif isinstance(v, (list, tuple)):
                for x in v:
                    yield from walk(x)

        return walk([self.notice, self.attachments, self.fragment])

    def footnote_count(self) -> int:
        """Footnotes in the content (^[…], not a typed \\^[)."""
        return sum(len(re.findall(r"(?<!\\)\^\[", s)) for s in self.texts())


# -- patterns --------------------------------------------------------------------------------------

NUM = r"[一二三四五六七八九十百零〇]+"
RX_NUMBER = re.compile(
    r"^(?P<prefix>[\u4e00-\u9fff]{1,10})\s*[〔［\[【(（]\s*(?P<year>\d{4})\s*[〕］\]】)）]\s*"
    r"第?(?P<seq>\d+)\s*号"
)
RX_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
RX_CN_DATE = re.compile(
    r"^([〇零一二三四五六七八九○Ｏ０O0]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日$"
)
RX_PENDING = re.compile(r"^(\d{4})\s*年\s*月\s*日$")
RX_L1 = re.compile(rf"^({NUM})\s*[、.．]\s*(.*)$", re.S)
RX_L2 = re.compile(rf"^[（(]\s*({NUM})\s*[）)]\s*[、.．]?\s*(.*)$", re.S)
RX_L3 = re.compile(r"^(\d{1,3})\s*[.．、](?!\d)\s*(.*)$", re.S)
RX_L4 = re.compile(r"^[（(]\s*(\d{1,3})\s*[）)]\s*[、.．]?\s*(.*)$", re.S)
RX_ATT_NOTE = re.compile(r"^附\s*件\s*[：:]\s*(?:1\s*[.．、]\s*)?(.+)$")
RX_ATT_MORE = re.compile(r"^(\d+)\s*[.．、]\s*(.+)$")
RX_ATT_LABEL = re.compile(r"^附\s*件\s*(\d*)\s*[：:]?$")
RX_CC = re.compile(r"^抄\s*送\s*[：:]\s*(.+?)[。.]?$")
RX_MAIN = re.compile(r"^主\s*送\s*[：:]\s*(.+?)[。.]?$")
RX_PRINTED = re.compile(r"^(.+?)\s+(\d{4}年\d{1,2}月\d{1,2}日|\d{4}年\s*月\s*日)\s*印发$")
RX_COPIES = re.compile(r"^[（(]?共印\s*(\d+)\s*份[）)]?$")
RX_SIGNER = re.compile(r"签发人\s*[：:]\s*(.+)$")
RX_PUBLIC = re.compile(r"^公开属性\s*[：:]\s*(.+?)[。.]?$")
TERMINAL = "。；！？：:，,…"


def _cn_int(s: str) -> int:
    """一 … 九十九, 一百零一 (typed Chinese numerals) → int; 0 if not one."""
    digits = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "Ｏ": 0, "O": 0, "０": 0, "0": 0}
    if not s:
        return 0
    total, cur = 0, 0
    for ch in s:
        if ch in digits:
            cur = digits[ch]
        elif ch == "十":
            total += (cur or 1) * 10
            cur = 0
        elif ch == "百":
            total += (cur or 1) * 100
            cur = 0
        else:
            return 0
    return total + cur


def _date(s: str):
    """A 成文日期 line → date, "待定" for a blank one (2025年　月　日), None if not a date."""
    t = s.replace(" ", "").replace("\u3000", "").replace("\t", "")
    m = RX_DATE.match(t)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    m = RX_CN_DATE.match(t)
    if m:
        year = int("".join(str(_cn_int(c)) for c in m.group(1)))
        try:
            return dt.date(year, _cn_int(m.group(2)), _cn_int(m.group(3)))
        except ValueError:
            return None
    return "待定" if RX_PENDING.match(s.strip()) else None


def _split_lead(text: str, lead: str) -> tuple[str, str]:
    """An item's lead sentence and the rest: the 要点句/bold opening if the DOCX marks one, else the first
    sentence when it is short, else no lead. A footnote on the lead stays with it (a text cannot begin
    with a footnote)."""
    if lead and text.startswith(lead) and lead.strip():
        head, rest = lead, text[len(lead) :]
    else:
        m = re.match(r"^([^。；！？\n]{2,40}[。！？])(.*)$", text, re.S)
        if m and "^[" not in m.group(1):
            head, rest = m.group(1), m.group(2)
        else:
            return "", text
    while m := re.match(r"^\s*(\^\[[^\]]*\])", rest):
        head += m.group(1)
        rest = rest[m.end() :]
    return head.strip(), rest.strip()


def _organ_like(text: str) -> bool:
    """A 署名 or mark line: short, no sentence punctuation, not a number or date."""
    t = text.strip()
    return (
        0 < len(t) <= 40
        and not re.search(r"[。；！？，、：:]", t)
        and _date(t) is None
        and not RX_L1.match(t)
        and not RX_L3.match(t)
        and not RX_L2.match(t)
    )


def _bare(text: str) -> str:
    return re.sub(r"\s+", "", text)


# -- the structure of a body -----------------------------------------------------------------------

OUR_LEVELS = {"GwHeading1": 1, "GwHeading2": 2, "GwItem": 3, "GwItem4": 4}


def _level_of(p: Para, shift: int = 0) -> tuple[int | None, str, str, int]:
    """(level, heading or lead, rest, number's value) of a paragraph that starts a section, else
    (None, '', '', 0). The paragraph's number decides — automatic, else typed —, then our styles, then
    a heading style or outline level (shifted up when the title took the top heading level)."""
    text = p.text
    level, value = None, 0
    if p.num_level:
        level, value = p.num_level, p.num_value
    else:
        for lv, rx in ((2, RX_L2), (4, RX_L4), (1, RX_L1), (3, RX_L3)):
            m = rx.match(text)
            if m:
                if lv == 1 and len(text) >= 60 and not p.style.startswith("Gw") and p.heading is None:
                    continue  # 一、…；二、… inside a long paragraph: not a heading
                level, text = lv, m.group(2).strip()
                value = _cn_int(m.group(1)) if lv <= 2 else int(m.group(1))
                break
        if level is None and p.style in OUR_LEVELS:
            level = OUR_LEVELS[p.style]
        if level is None and p.heading is not None and not p.style.startswith("Gw") and not p.table_row:
            h = p.heading - shift
            if 1 <= h <= 4:
                level = h
    if level is None:
        return None, "", "", 0
    if level <= 2:
        if len(text) > 40 and (level == 2 or p.num_level or p.heading):  # （一）加强党建。正文……: run in
            lead, rest = _split_lead(text, p.lead)
            if lead:
                return level, lead, rest, value
        return level, text, "", value
    lead_text = re.sub(r"^\s*[（(]?\d+[）)]?[.．、]?\s*", "", p.lead) if not p.num_level else p.lead
    lead, rest = _split_lead(text, lead_text)
    return level, lead, rest, value


class _Builder:
    """Turns the paragraphs of one body (the notice's, an attachment's or a fragment's) into
    部分/小节/条目/分项 and plain paragraphs."""

    def __init__(self, placer: "_Placer", where: str):
        self.placer = placer
        self.where = where
        self.top: list[dict] = []
        self.intro: list[str] = []
        self.stack: list[tuple[int, dict]] = []  # (level, node)
        self.counts = {1: 0, 2: 0, 3: 0, 4: 0}
        self.top_level = 0
        self.numbers: list[tuple[int, int, int, Para]] = []  # (level, value, parent id, paragraph)
        self.item_values: list[int] = []

    def label(self) -> str:
        names = {1: "部分", 2: "小节", 3: "条目", 4: "分项"}
        if not self.stack:
            return self.where + "导语"
        lv, _ = self.stack[-1]
        return f"{self.where}第 {self.counts[lv]} 个{names[lv]}"

    def add(self, p: Para, shift: int = 0) -> None:
        from ..model import HEADING_KEY, LEVEL_KEYS, TEXT_KEY

        level, heading, body, value = _level_of(p, shift)
        if level is None:  # a plain paragraph: under the innermost section, or the intro
            self.placer.take(p, self.label(), body=True)
            if not self.stack:
                self.intro.append(p.text)
                return
            lvl, node = self.stack[-1]
            node.setdefault(TEXT_KEY[lvl], []).append(p.text)
            return
        if level == 4 and not any(lv == 3 for lv, _ in self.stack):
            self.placer.unsure(p, "上面没有 1. 一级的条目，按条目（1.）导入，序号将改为 1. 2. ……")
            level = 3
        if level == 3:
            self.item_values.append(value)
        node: dict = {}
        if heading:
            node[HEADING_KEY[level]] = heading
        if body:
            node[TEXT_KEY[level]] = [body]
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        if self.stack:
            parent_level, parent = self.stack[-1]
            key = LEVEL_KEYS[level]
            if any(k in parent for k in LEVEL_KEYS.values() if k != key):
                self.placer.unsure(
                    p, f"放在上一个{LEVEL_KEYS[parent_level]}下（同一层不能混用{key}和其他层次，请调整）"
                )
            parent.setdefault(key, []).append(node)
            parent_id = id(parent)
        else:
            if not self.top:
                self.top_level = level
            elif level != self.top_level:
                self.placer.unsure(p, f"层次与前面不一致（前面是{LEVEL_KEYS[self.top_level]}），请核对")
            self.top.append(node)
            parent_id = 0
        self.stack.append((level, node))
        self.counts[level] += 1
        self.numbers.append((level, value, parent_id, p))
        self.placer.take(p, self.label(), body=True)

    def result(self, into: dict) -> None:
        from ..model import ITEMS_RESTART, LEVEL_KEYS

        if self.top:
            into[LEVEL_KEYS[self.top_level]] = self.top
        restart = 1 in self.item_values[1:]  # 1. again after the first item: numbered per part
        if restart:
            into["条目编号"] = ITEMS_RESTART
        self._check_sequence(restart)
        for node in _walk(self.top):
            for k in ("导语", "内容"):
                if k in node and len(node[k]) == 1:
                    node[k] = node[k][0]

    def _check_sequence(self, restart: bool) -> None:
        """Numbers in the draft that skip or repeat: said, since the build numbers in order."""
        from ..transforms import level_label

        expect: dict[tuple, int] = {}
        for level, value, parent, p in self.numbers:
            if not value:
                continue
            key = (level, 0 if (level == 3 and not restart) else parent)
            want = expect.get(key, 1)
            if value != want:
                self.placer.notes.append(
                    f"{p.where}的序号“{level_label(level, value)}”与前面不连续（按顺序应为"
                    f"“{level_label(level, want)}”）：生成时按顺序重新编号"
                )
            expect[key] = value + 1


def _walk(nodes):
    for n in nodes:
        yield n
        for k in ("小节", "条目", "分项"):
            yield from _walk(n.get(k, []))


# -- placing the paragraphs ------------------------------------------------------------------------


class _Placer:
    def __init__(self, paras: list[Para], source: str):
        self.P = paras
        self.source = source
        self.placed: dict[int, str] = {}  # id(para) → where it went
        self.body_ids: set[int] = set()  # paragraphs placed in a body's structure (checked by _audit)
        self.notes: list[str] = []
        self.unplaced: list[str] = []
        self.leftovers: list[str] = []
        self.counts = {1: 0, 2: 0, 3: 0, 4: 0}
        self.shift = 0

    # accounting
    def take(self, p: Para, where: str, body: bool = False) -> None:
        self.placed[id(p)] = where
        if body:
            self.body_ids.add(id(p))

    def unsure(self, p: Para, why: str) -> None:
        self.unplaced.append(f"{p.where}“{_short(p.text)}”：{why}")

    def lost(self, p: Para, why: str) -> None:
        self.placed[id(p)] = "未能归位"
        self.unplaced.append(f"{p.where}“{_short(p.text)}”：{why}")
        self.leftovers.append(f"{p.where}：{p.text}")

    # -- zones ------------------------------------------------------------------------------------

    def is_number_line(self, p: Para) -> bool:
        t = p.text.strip()
        if p.style == "GwDocNumber":
            return True
        m = RX_NUMBER.match(t)
        if not m:
            return False
        rest = t[m.end() :].strip()
        return not rest or bool(RX_SIGNER.match(rest))

    def head(self) -> tuple[dict, int, bool]:
        """份号, 密级, 紧急程度, the mark and the 文号 (with 签发人). (fields, next index, has a 版头)."""
        P, out = self.P, {}
        limit = min(len(P), 16)
        k_num = next((k for k in range(limit) if self.is_number_line(P[k])), None)
        i = 0
        marks: list[Para] = []
        while i < len(P) and (k_num is None and i < limit or k_num is not None and i < k_num):
            p = P[i]
            t = p.text.strip()
            if p.style == "GwCopyNumber" or re.fullmatch(r"\d{6}", t):
                out["份号"] = t
            elif p.style == "GwSecrecy" or re.match(r"^(绝密|机密|秘密)(\s*★.*)?$", t):
                level, _, term = t.partition("★")
                out["密级"] = level.strip()
                if term:
                    out["保密期限"] = term.strip()
            elif p.style == "GwUrgency" or t in ("特急", "加急", "特提", "平急"):
                out["紧急程度"] = t
            elif p.style in ("GwMark", "GwMarkJoint") or (
                _organ_like(t)
                and (k_num is not None or p.red or t.endswith("文件"))
                and (k_num is not None or not marks or marks[-1] is P[i - 1])
            ):
                if k_num is None and (p.title_style or p.style == "GwTitle"):
                    break
                marks.append(p)
            elif k_num is None:
                break
            else:
                self.lost(p, "在发文字号之前，不像版头的任何一项，没有导入")
                i += 1
                continue
            self.take(p, "版头")
            i += 1
        if k_num is None and marks and not any(m.style.startswith("GwMark") or m.red for m in marks):
            # no 文号 and nothing red: these lines were not a mark (a title, a fragment) — a title is set
            # large too, and “……文件” alone may be a title's last word
            for m in marks:
                self.placed.pop(id(m), None)
            i = P.index(marks[0])
            marks = []
        if marks:
            out["发文机关标志"] = self.mark([m.text for m in marks])
        signers: list[str] = []
        if k_num is not None:
            i = k_num
            while i < len(P) and (
                self.is_number_line(P[i])
                or P[i].style in ("GwSignerRow", "GwSignerName")
                or RX_SIGNER.match(P[i].text.strip())
                or (i > k_num and P[i].cell and P[i].cell[:2] == (P[k_num].cell or (0, 0))[:2])
            ):
                p = P[i]
                m = RX_NUMBER.match(p.text.strip())
                if m and "发文字号" not in out:
                    out["发文字号"] = {
                        "机关代字": m.group("prefix"),
                        "年份": int(m.group("year")),
                        "序号": int(m.group("seq")),
                    }
                    if "第" in p.text[m.start("seq") - 2 : m.start("seq")] or re.search(
                        r"[［\[【(（]", p.text[: m.end()]
                    ):
                        self.notes.append(
                            f"{p.where}的发文字号写作“{p.text[: m.end()]}”，已改为标准写法"
                            f"“{m.group('prefix')}〔{m.group('year')}〕{m.group('seq')}号”（GB/T 9704 §7.2.4）"
                        )
                s = RX_SIGNER.search(p.text)
                if s:
                    signers += [x for x in re.split(r"[\s\u3000]+", s.group(1).strip()) if x]
                elif p.style in ("GwSignerRow", "GwSignerName"):
                    signers += [x for x in re.split(r"[\s\u3000]+", p.text.strip()) if x and x != "签发人："]
                self.take(p, "发文字号")
                i += 1
        if signers:
            out["签发人"] = signers if len(signers) > 1 else signers[0]
        has_head = k_num is not None or bool(marks)
        return out, i, has_head

    @staticmethod
    def mark(lines: list[str]):
        """The mark's lines: one organ (a string), or a joint mark {机关: […], 后缀: 文件}."""
        lines = [x.strip() for x in lines if x.strip()]
        if len(lines) == 1:
            return lines[0]
        suffix = ""
        if lines[-1] in ("文件",):
            suffix = lines.pop()
        elif lines[-1].endswith("文件") and len(lines) >= 2:
            suffix = "文件"
            lines[-1] = lines[-1][:-2].strip()
            lines = [x for x in lines if x]
        if len(lines) == 1:
            return lines[0] + suffix
        return {"机关": lines, **({"后缀": suffix} if suffix else {})}

    def title(self, i: int, for_attachment: bool = False) -> tuple[list[str], int]:
        """Title lines from `i`: our title style or the Title style, else short lines that end no sentence,
        up to the 主送 line or the first paragraph of text."""
        P, lines = self.P, []
        heading_counts: dict[int, int] = {}
        for p in P:
            if p.heading:
                heading_counts[p.heading] = heading_counts.get(p.heading, 0) + 1
        while i < len(P):
            p = P[i]
            t = p.text.strip()
            ours = p.style in ("GwTitle", "GwAttachTitle")
            if not ours:
                if p.style.startswith("Gw") and lines:
                    break
                if (
                    p.number
                    or _level_of(p)[0] is not None
                    and not (p.heading and heading_counts.get(p.heading) == 1 and not p.number and not _typed_number(t))
                ):
                    break
                if t.endswith(tuple(TERMINAL)) or len(t) > 60 or _date(t) is not None or RX_ATT_LABEL.match(t):
                    break
                if lines and (len(t) > 40 or len(lines) >= 4):
                    break
                if RX_ATT_NOTE.match(t) or RX_CC.match(t):
                    break
            if p.heading and not p.number:
                self.shift = max(self.shift, p.heading)
            lines += [x.strip() for x in p.text.split("\n") if x.strip()]
            self.take(p, "附件标题" if for_attachment else "标题")
            i += 1
            if i < len(P) and P[i].text.strip().endswith(("：", ":")) and not for_attachment:
                break
            if (
                not ours
                and not p.title_style
                and not p.heading
                and p.size
                and i < len(P)
                and P[i].size
                and P[i].size < p.size - 1
            ):
                break  # the title is set larger than what follows
        return lines, i

    def body_end(self, k: int, stop_at_attachment_titles: set[str] = frozenset()) -> bool:
        """The notice's body ends here: the 附件说明, the 署名 (lines over a date) or the date, 公开属性,
        a typed 版记, or an attachment."""
        P = self.P
        p = P[k]
        t = p.text.strip()
        if p.style in ("GwAttachNote", "GwSignature", "GwDate", "GwAttachLabel", "GwNote", "GwPublicity", "GwColophon"):
            return True
        if p.style.startswith("Gw") and p.style not in ("GwBody",):
            return False
        if RX_ATT_NOTE.match(t) or RX_ATT_LABEL.match(t) or RX_PUBLIC.match(t) or RX_CC.match(t):
            return True
        if RX_PRINTED.match(t.replace("\t", " ")):
            return True
        if _date(t) is not None:
            return True
        j = k
        while j < len(P) and j < k + 4 and _organ_like(P[j].text) and _level_of(P[j])[0] is None:
            j += 1
            if j < len(P) and _date(P[j].text) is not None:
                return True
        return False

    def body(self, i: int, stop, where: str) -> tuple[_Builder, int]:
        b = _Builder(self, where)
        while i < len(self.P) and not stop(i):
            b.add(self.P[i], self.shift)
            i += 1
        for lv, c in b.counts.items():
            self.counts[lv] += c
        return b, i

    # -- the document -----------------------------------------------------------------------------

    def run(self) -> Imported:
        P = self.P
        head, i, has_head = self.head()
        title, j = self.title(i)
        is_notice = has_head or (
            title
            and j < len(P)
            and P[j].text.strip().endswith(("：", ":"))
            and len(P[j].text) < 80
            and _level_of(P[j])[0] is None
        )
        if not is_notice:
            for p in P[i:j]:
                self.placed.pop(id(p), None)
            self.shift = 0
            return self.fragment(i)
        notice = dict(head)
        notice["标题"] = title if len(title) > 1 else (title[0] if title else "")
        i = j
        if i < len(P) and (
            P[i].style == "GwRecipients"
            or (P[i].text.strip().endswith(("：", ":")) and len(P[i].text) < 80 and _level_of(P[i])[0] is None)
        ):
            notice["主送机关"] = P[i].text.strip().rstrip("：:")
            self.take(P[i], "主送机关")
            i += 1
        b, i = self.body(i, self.body_end, "正文")
        notice["正文"] = b.intro
        b.result(notice)
        # 附件说明
        names: list[str] = []
        while i < len(P):
            p, t = P[i], P[i].text.strip()
            m = RX_ATT_NOTE.match(t)
            more = RX_ATT_MORE.match(t)
            if (
                p.style in ("GwAttachNote", "GwAttachNoteMore")
                or m
                or (names and more and _date(t) is None and not _organ_like_before_date(P, i))
            ):
                names.append((m.group(1) if m else (more.group(2) if more else t)).strip())
                self.take(p, "附件说明")
                i += 1
                continue
            break
        names = [n.rstrip("。；;，,") for n in names]
        # 署名 and 成文日期
        k = i
        while k < len(P) and k < i + 6 and _date(P[k].text) is None:
            k += 1
        if k < len(P) and _date(P[k].text) is not None:
            sigs: list[str] = []
            for p in P[i:k]:
                if (
                    _organ_like(p.text)
                    or p.style == "GwSignature"
                    or all(_organ_like(x) for x in re.split(r"\t|\s{2,}", p.text.strip()))
                ):
                    sigs += [x.strip() for x in re.split(r"\t|\s{2,}|\u3000{2,}", p.text) if x.strip()]
                    self.take(p, "发文机关署名")
                else:
                    self.lost(p, "在署名之前，没有导入")
            notice["发文机关署名"] = sigs if len(sigs) > 1 else (sigs[0] if sigs else "")
            date = _date(P[k].text)
            notice["成文日期"] = date
            if RX_CN_DATE.match(_bare(P[k].text)):
                self.notes.append(
                    f"{P[k].where}的成文日期“{P[k].text.strip()}”用的是汉字，已改为阿拉伯数字"
                    f"（GB/T 9704-2012 §7.3.5.1：成文日期用阿拉伯数字将年、月、日标全）"
                )
            self.take(P[k], "成文日期")
            i = k + 1
        if i < len(P) and (P[i].style == "GwSealBy" or re.match(r"^[（(].+代章[）)]$", P[i].text.strip())):
            notice["代章"] = P[i].text.strip()[1:-1].removesuffix("代章")
            self.take(P[i], "代章")
            i += 1
        if (
            i < len(P)
            and (P[i].style == "GwNote" or re.match(r"^[（(].+[）)]$", P[i].text.strip()))
            and not RX_ATT_LABEL.match(P[i].text)
        ):
            notice["附注"] = P[i].text.strip()[1:-1]
            self.take(P[i], "附注")
            i += 1
        attachments = self.tail(i, notice, names)
        if attachments:
            refs = []
            for k, (fname, att) in enumerate(attachments):
                title_text = "".join(att["标题"]) if isinstance(att["标题"], list) else att["标题"]
                name = names[k] if k < len(names) else ""
                if name and name != title_text:
                    refs.append({"文件": fname, "名称": name})
                else:
                    refs.append(fname)
            notice["附件"] = refs
            if not names:
                notice["附件说明"] = "否"
        result = Imported(notice, attachments)
        if names and len(names) > len(attachments):
            missing = "、".join(names[len(attachments) :])
            self.notes.append(
                f"附件说明列出的附件（{missing}）不在这个文件中，没有导入；请另行整理为附件内容文件，"
                "并写进发文文件的“附件”"
            )
        return result

    def tail(self, i: int, notice: dict, names: list[str]) -> list[tuple[str, dict]]:
        """After the date: attachments, 公开属性 and the 版记 (our text box or typed lines)."""
        P = self.P
        attachments: list[tuple[str, dict]] = []
        colophon: list[Para] = []
        name_set = {_bare(n) for n in names}

        colophon_line = _colophon_line

        boxes_with_colophon = {x.no for x in P[i:] if x.box and colophon_line(x)}
        # rest[k]: every paragraph from k on is a 版记 line or a short line (a printer's name)
        rest = [True] * (len(P) + 1)
        for k in range(len(P) - 1, i - 1, -1):
            rest[k] = rest[k + 1] and (colophon_line(P[k]) or _organ_like(P[k].text))

        def colophon_box(k: int) -> bool:
            """P[k] is in a text box that holds 版记 lines (ours, or a template's)."""
            return P[k].box and P[k].no in boxes_with_colophon

        def attachment_end(k: int) -> bool:
            p = P[k]
            t = p.text.strip()
            return bool(
                p.style == "GwAttachLabel"
                or RX_ATT_LABEL.match(t)
                or RX_PUBLIC.match(t)
                or colophon_box(k)
                or (
                    colophon_line(p)
                    and (p.style == "GwColophon" or RX_CC.match(t) or RX_PRINTED.match(t.replace("\t", " ")) or rest[k])
                )
            )

        while i < len(P):
            p = P[i]
            t = p.text.strip()
            label = RX_ATT_LABEL.match(t)
            if colophon_line(p) or colophon_box(i) or (colophon and rest[i]):
                colophon.append(p)
                self.take(p, "版记")
                i += 1
                continue
            pub = RX_PUBLIC.match(t)
            if pub or p.style == "GwPublicity":
                notice["公开属性"] = (pub.group(1) if pub else t).strip()
                self.take(p, "公开属性")
                i += 1
                continue
            if not (p.style == "GwAttachLabel" or label or (_bare(t) in name_set and len(attachments) < len(names))):
                if attachments:
                    fname, att = attachments[-1]
                    self.unsure(p, f"放在附件{len(attachments)}的最后")
                    self.take(p, f"附件{len(attachments)}")
                    att.setdefault("导语", [])
                    if isinstance(att["导语"], str):
                        att["导语"] = [att["导语"]]
                    att["导语"].append(p.text)
                else:
                    self.lost(p, "在成文日期之后，不是附注、附件、公开属性或版记，没有导入")
                i += 1
                continue
            if label or p.style == "GwAttachLabel":
                self.take(p, "附件标识")
                i += 1
            att: dict = {}
            tlines, i = self.title(i, for_attachment=True)
            att["标题"] = tlines if len(tlines) > 1 else (tlines[0] if tlines else "")
            if i < len(P) and (
                P[i].style == "GwAttachSubtitle" or re.fullmatch(r"[（(][^（）()]{2,20}[）)]", P[i].text.strip())
            ):
                att["副标题"] = P[i].text.strip()
                self.take(P[i], "附件副标题")
                i += 1
            where = f"附件{len(attachments) + 1}" if names and len(names) > 1 or attachments else "附件"
            ab, i = self.body(i, attachment_end, where)
            if ab.intro:
                att["导语"] = ab.intro if len(ab.intro) > 1 else ab.intro[0]
            ab.result(att)
            attachments.append(
                ("attachment.yaml" if not attachments else f"attachment{len(attachments) + 1}.yaml", att)
            )
        if colophon:
            notice["版记"] = self.colophon(colophon)
        return attachments

    def colophon(self, paras: list[Para]) -> dict:
        colo: dict = {}
        for p in paras:
            for line in p.text.split("\n"):
                line = line.replace("\t", " ").strip()
                if m := RX_CC.match(line):
                    colo["抄送"] = [x.strip() for x in re.split(r"[，、,]", m.group(1)) if x.strip()]
                elif m := RX_MAIN.match(line):
                    colo["主送"] = m.group(1)
                elif m := RX_PRINTED.match(line):
                    colo["印发机关"], colo["印发日期"] = m.group(1).strip(), _date(m.group(2))
                elif m := RX_COPIES.match(line.replace(" ", "")):
                    colo["印数"] = int(m.group(1))
                elif line and line.endswith("印发") and _date(line[:-2]) is not None:
                    colo["印发日期"] = _date(line[:-2])
                elif line and "印发机关" not in colo and not line.endswith("印发"):
                    colo["印发机关"] = line
                elif line:
                    self.lost(p, "版记中的这一行认不出是哪一项，没有导入")
        return colo

    def fragment(self, i: int) -> Imported:
        """A draft with no 版头: a title (if it has one), 导语 and the structure, as attachment-shaped content."""
        P = self.P
        att: dict = {}
        title, j = self.title(i, for_attachment=True)
        starts_structured = i < len(P) and _level_of(P[i])[0] is not None
        if title and not starts_structured and j < len(P):
            att["标题"] = title if len(title) > 1 else title[0]
            i = j
            if i < len(P) and re.fullmatch(r"[（(][^（）()]{2,20}[）)]", P[i].text.strip()):
                att["副标题"] = P[i].text.strip()
                self.take(P[i], "副标题")
                i += 1
        else:
            for p in P[i:j]:
                self.placed.pop(id(p), None)
            self.shift = 0

        def stop(k: int) -> bool:
            t = P[k].text.strip()
            return _date(t) is not None and all(_organ_like(x.text) or _date(x.text) is not None for x in P[k:])

        b, i = self.body(i, stop, "")
        # a 署名/date at the end of a department's draft has no place in an attachment
        for p in P[i:]:
            self.placed[id(p)] = "略去"
            self.notes.append(f"{p.where}“{_short(p.text)}”是稿件末尾的署名或日期，片段中不用，没有导入")
        if b.intro:
            att["导语"] = b.intro if len(b.intro) > 1 else b.intro[0]
        b.result(att)
        from ..model import LEVEL_KEYS

        kind = LEVEL_KEYS.get(b.top_level, "段落") if b.top else "段落"
        result = Imported(None, [], fragment=att, fragment_kind="附件" if "标题" in att else kind)
        return result


def _organ_like_before_date(P: list[Para], i: int) -> bool:
    """P[i] is a 署名 line: short lines from here up to a date."""
    k = i
    while k < len(P) and k < i + 4 and _organ_like(P[k].text):
        k += 1
    return k > i and k < len(P) and _date(P[k].text) is not None


def _typed_number(t: str) -> bool:
    return any(rx.match(t) for rx in (RX_L1, RX_L2, RX_L3, RX_L4))


# -- before placing: soft line breaks, typed notes, numbers kept as text ---------------------------


def _soft_breaks(paras: list[Para]) -> list[Para]:
    """A Shift+Enter (or <br>) ends a line the writer meant: between a 署名 and its date, after a sentence,
    before a number or a heading. Inside a sentence it only wrapped a line: the parts are joined."""
    out: list[Para] = []
    for p in paras:
        if "\n" not in p.text:
            out.append(p)
            continue
        pieces = [x.strip(" \t\u3000\u00a0") for x in p.text.split("\n")]
        pieces = [x for x in pieces if x]
        if not pieces:
            continue
        if p.style in ("GwTitle", "GwAttachTitle", "GwColophon", "GwMark") or p.title_style:
            out.append(replace(p, text="\n".join(pieces)))
            continue
        merged = [pieces[0]]
        for x in pieces[1:]:
            prev = merged[-1]
            split = (
                prev.endswith(tuple("。；！？：:…”）)"))
                or _typed_number(x)
                or _date(x) is not None
                or _date(prev) is not None
                or (_organ_like(prev) and (_organ_like(x) or _date(x) is not None))
                or RX_CC.match(x)
                or RX_PRINTED.match(x)
                or RX_ATT_MORE.match(x)
            )
            if split:
                merged.append(x)
            else:
                joiner = (
                    " " if prev[-1:].isascii() and x[:1].isascii() and prev[-1:].isalnum() and x[:1].isalnum() else ""
                )
                merged[-1] = prev + joiner + x
        out.append(replace(p, text=merged[0]))
        for x in merged[1:]:
            out.append(
                replace(p, text=x, number="", num_level=None, num_value=0, heading=None, lead="", title_style=False)
            )
    return out


def _typed_notes(paras: list[Para]) -> list[Para]:
    """Notes typed as ①… paragraphs after the text that cites them (a hand-made draft): each becomes ^[…]
    at its mark in the text. A list numbered ①②③ by Word, or marks that nothing cites, stay as they are."""
    notes: dict[str, int] = {}
    for k, p in enumerate(paras):
        if not p.number and p.text[:1] and "①" <= p.text[0] <= "⑳" and len(p.text) > 1 and p.text[0] not in notes:
            notes[p.text[0]] = k
    if not notes:
        return paras
    used: dict[str, int] = {}
    out = list(paras)
    for k, p in enumerate(paras):
        if k in notes.values():
            continue
        text = p.text
        for mark, nk in notes.items():
            pos = text.find(mark)
            if mark not in used and k < nk and pos > 0:
                text = text[:pos] + f"^[{paras[nk].text[1:].strip()}]" + text[pos + 1 :]
                used[mark] = k
        if text != p.text:
            out[k] = replace(p, text=text)
    drop = {notes[m] for m in used}
    return [p for k, p in enumerate(out) if k not in drop]


def _joint_mark(paras: list[Para]):
    """Our joint mark: a borderless table whose left cell holds the organs and right cell the suffix."""
    cells = [p for p in paras if p.style == "GwMarkJoint" and p.cell]
    if not cells:
        return None
    organs = [p.text for p in cells if p.cell[2] == 1]
    suffix = next((p.text for p in cells if p.cell[2] == 2), "")
    return cells, {"机关": organs, **({"后缀": suffix} if suffix else {})}


def _colophon_line(p: Para) -> bool:
    t = p.text.replace("\t", " ").strip()
    return (
        p.style == "GwColophon"
        or any(rx.match(t) for rx in (RX_CC, RX_MAIN, RX_PRINTED))
        or bool(RX_COPIES.match(t.replace(" ", "")))
        or (t.endswith("印发") and _date(t[:-2]) is not None)
    )


def _prepare(draft: Draft) -> list[Para]:
    paras = [p for p in draft.paragraphs if p.kind != "toc"]
    # a 版记 in a floating table (ours is written before the last body paragraph, its anchor): read at the end
    floating = {p.cell[0] for p in paras if p.floating and p.cell and _colophon_line(p)}
    if floating:
        moved = [p for p in paras if p.floating and p.cell and p.cell[0] in floating]
        paras = [p for p in paras if not (p.floating and p.cell and p.cell[0] in floating)] + moved
    colophons = {p.cell[0] for p in paras if p.cell and _colophon_line(p)}
    for t in draft.tables:  # a table of data: its rows became paragraphs (a 版记 table is no data)
        if t.data and t.no not in colophons:
            draft.notes.append(
                f"第 {t.first} 段起的表格（{t.rows} 行 {t.cols} 列）按行改为段落导入"
                "（同一行的单元格之间空一字）：内容格式不含表格，请核对"
            )
    # a “目录” heading just before the table of contents goes with it
    if draft.toc:
        first_toc = next(p.no for p in draft.paragraphs if p.kind == "toc")
        paras = [
            p for p in paras if not (re.fullmatch(r"目\s*录", p.text.strip()) and first_toc - 3 <= p.no <= first_toc)
        ]
    paras = _typed_notes(paras)
    out = []
    for p in paras:
        if p.number and not p.num_level:  # ①, a., Ⅰ.: what the reader sees, kept as text
            p = replace(p, text=p.number + p.text, number="")
        out.append(p)
    return _soft_breaks(out)


def _words(text: str) -> str:
    """The letters, digits and Chinese characters of a text (what no quoting or splitting changes)."""
    return "".join(re.findall(r"[\w\u3400-\u9fff]+", text.replace("\\^[", "")))


def _audit(placer: _Placer, result: Imported) -> None:
    """Each paragraph placed in a body has its words in the content written: a last check that nothing
    vanished between placing and writing."""
    blob = _words("".join(result.texts()))
    pos = 0
    for p in placer.P:
        if id(p) not in placer.body_ids:
            continue
        level, head, rest, _ = _level_of(p, placer.shift)
        words = _words(head + rest if level is not None else p.text)
        if not words:
            continue
        found = blob.find(words, pos)
        if found < 0:
            found = blob.find(words)
        if found < 0:
            placer.unplaced.append(
                f"{p.where}“{_short(p.text)}”：导入后在内容中找不到（程序未能正确归位），已保留在文件末尾的注释中"
            )
            placer.leftovers.append(f"{p.where}：{p.text}")
        else:
            pos = found + len(words)


def import_docx(path: Path) -> Imported:
    """Read a Word draft and place its paragraphs; never raises for a readable DOCX."""
    path = Path(path)
    with open_package(path) as pkg:
        draft = read_draft(pkg)
    paras = _prepare(draft)
    joint = _joint_mark(paras)
    if joint:
        cells, mark = joint
        paras = [p for p in paras if p not in cells]
    placer = _Placer(paras, path.name)
    result = placer.run()
    if joint and result.notice is not None:
        result.notice = {"发文机关标志": mark, **{k: v for k, v in result.notice.items() if k != "发文机关标志"}}
    for p in paras:
        if id(p) not in placer.placed:
            placer.lost(p, "未能确定位置，没有导入")
    _audit(placer, result)
    result.notes = draft.notes + placer.notes
    result.skipped = draft.skipped
    result.unplaced = placer.unplaced
    result.leftovers = placer.leftovers
    result.counts = placer.counts
    lost = sum(1 for w in placer.placed.values() if w == "未能归位")
    result.tally = {
        "段落": draft.total,
        "空段": draft.empty,
        "目录": draft.toc,
        "未能归位": lost,
        "表格": len(draft.tables),
        "脚注": draft.footnotes,
        "尾注": draft.endnotes,
        "批注": draft.comments,
    }
    return result


# -- writing ---------------------------------------------------------------------------------------


def to_yaml(data: dict, header: str, leftovers: list[str] | None = None) -> str:
    """Content as a clerk would write it: keys in the usual order, each paragraph on one line."""
    import yaml

    class _Dumper(yaml.SafeDumper):
        def increase_indent(self, flow=False, indentless=False):  # list items indented under their key
            return super().increase_indent(flow, False)

    def _str(dumper, value):
        style = None
        if "\n" in value:
            style = "|"
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, _str)
    body = yaml.dump(
        data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**9, default_flow_style=False, indent=2
    )
    lines = body.splitlines()
    out = []
    for k, line in enumerate(lines):  # a blank line between top-level fields, as hand-written content has
        if k and line and not line[0].isspace() and not line.startswith("-"):
            out.append("")
        out.append(line)
    text = header + "\n".join(out) + "\n"
    if leftovers:
        text += "\n# 以下文字导入时未能确定位置，没有写进上面的内容，请移到合适的字段（去掉行首的 #）：\n"
        for x in leftovers:
            text += "".join(f"#   {line}\n" for line in x.splitlines())
    return text


def _atomic_folder(target: Path, files: dict[str, str]) -> None:
    """Write `files` into the folder `target`, created whole or not at all (an existing one replaced)."""
    import shutil
    import tempfile

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.import-", dir=target.parent))
    try:
        for name, text in files.items():
            (tmp / name).write_text(text, encoding="utf-8")
        if target.exists():
            old = target.with_name(target.name + ".old-import")
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
            tmp.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_content(result: Imported, target: Path, source: Path) -> list[Path]:
    """Write an imported notice and its attachments into `target` (a new folder, created whole or not at all)."""
    header = f"# 由 {source.name} 导入（python build.py --import）。格式说明见 README.md「内容格式」。\n\n"
    files = {"notice.yaml": to_yaml(result.notice, header, result.leftovers)}
    for fname, att in result.attachments:
        files[fname] = to_yaml(att, "# 附件（由 Word 稿导入）。序号由程序自动生成，不要手工输入。\n\n")
    _atomic_folder(target, files)
    return [target / name for name in files]


def fragment_file_name(source: Path) -> str:
    stem = re.sub(r"[^\w\u4e00-\u9fff（）()-]+", "_", source.stem).strip("_") or "片段"
    return f"{stem}.yaml"


def write_fragment(result: Imported, target: Path, source: Path) -> Path:
    """Write a fragment as an attachment content file `target` (atomically; the folder is created if needed)."""
    import os
    import tempfile

    data = dict(result.fragment or {})
    if "标题" not in data:
        data = {"标题": "（请填写附件标题）", **data}
    header = (
        f"# 由 {source.name} 导入的片段（没有版头，python build.py --import）。\n"
        "# 在发文文件的“附件”中列出这个文件，或用 --into 并入已有的附件。序号由程序自动生成。\n\n"
    )
    text = to_yaml(data, header, result.leftovers)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".yaml", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target
