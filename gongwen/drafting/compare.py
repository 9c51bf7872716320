"""Year-over-year comparison of the plan (the attachments): which items were added, removed, changed or
moved, with a word-level diff of changed text.

Items are matched across years by content (lead sentence first, then overall similarity), never by their
numbers, so an item that moved to another part or was renumbered is still the same item. A footnote is one
character of the compared text (from a private-use range, one per distinct note text), so that a note shows
as kept, added or removed whole and each writer can put a real footnote there.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from ..model import Document, Inline, Item, Text, walk

MATCH_THRESHOLD = 0.45  # similarity below which two items are different items
NOTE_BASE = 0xF0000  # supplementary private use area A: a footnote's place in compared text
NOTE_CHAR = re.compile("[\U000f0000-\U000ffffd]")


class Notes:
    """Footnotes of both years, each distinct text one private-use character."""

    def __init__(self):
        self.chars: dict[str, str] = {}  # note text → its character
        self.texts: dict[str, str] = {}  # character → note text

    def char(self, text: str) -> str:
        if text not in self.chars:
            c = chr(NOTE_BASE + len(self.chars))
            self.chars[text], self.texts[c] = c, text
        return self.chars[text]

    def text(self, inlines: list[Inline]) -> str:
        """Plain text of inlines, each footnote as its character."""
        return "".join(x.text if isinstance(x, Text) else self.char(x.text) for x in inlines)

    def item(self, item: Item) -> str:
        """An item's text: its lead and paragraphs, then each of its （1）（2） sub-items with its number
        (a paragraph each)."""
        out = [self.text(item.lead) + (self.text(item.paragraphs[0].inlines) if item.paragraphs else "")]
        out += [self.text(p.inlines) for p in item.paragraphs[1:]]
        for sub in walk(item.children):
            first = self.text(sub.paragraphs[0].inlines) if sub.paragraphs else ""
            out.append(sub.label + self.text(sub.lead) + first)
            out += [self.text(p.inlines) for p in sub.paragraphs[1:]]
        return "\n".join(out)

    def paragraphs(self, paras) -> str:
        return "\n".join(self.text(p.inlines) for p in paras)

    def display(self, text: str) -> str:
        """The text with each footnote written out as （注：…） (the summary, the PDF)."""
        return NOTE_CHAR.sub(lambda m: f"（注：{self.texts.get(m.group(), '')}）", text)


@dataclass
class Entry:
    """One item in the comparison, in the new document's order (removed items where they stood)."""

    kind: str  # same | changed | added | removed | moved (at its new place) | moved-from (its old place)
    new_label: str = ""  # "5." in the new year
    old_label: str = ""  # "4." in the old year
    old_text: str = ""
    new_text: str = ""
    changed: bool = False
    lead: str = ""

    def ops(self) -> list[tuple[str, str]]:
        """(op, text) runs: op in equal / insert / delete. A moved item shows whole at its new place as an
        insertion and at its old place ("moved-from") as a deletion."""
        if self.kind in ("added", "moved"):
            return [("insert", self.new_text)]
        if self.kind in ("removed", "moved-from"):
            return [("delete", self.old_text)]
        return diff_ops(self.old_text, self.new_text)


@dataclass
class PartEntry:
    """A heading of the plan — a part 一、 (level 1) or a section （一） (level 2) — with its own paragraphs
    (导语) and the items directly under it."""

    kind: str  # same | changed | added | removed
    new_label: str
    old_title: str
    new_title: str
    entries: list[Entry] = field(default_factory=list)
    old_label: str = ""
    level: int = 1
    old_intro: str = ""
    new_intro: str = ""

    @property
    def noun(self) -> str:
        return "部分" if self.level <= 1 else "小节"

    def title_ops(self) -> list[tuple[str, str]]:
        """An added heading has no old title, a removed one no new: all inserted, or all deleted."""
        return diff_ops(self.old_title, self.new_title)

    def intro_ops(self) -> list[tuple[str, str]]:
        return diff_ops(self.old_intro, self.new_intro)

    @property
    def intro_changed(self) -> bool:
        return self.kind in ("same", "changed") and self.old_intro != self.new_intro


@dataclass
class Comparison:
    old_year: int
    new_year: int
    title_ops: list[tuple[str, str]]
    preamble_ops: list[tuple[str, str]]
    parts: list[PartEntry]
    title: str = ""  # the plan's title in the new year (the attachment's, or the document's own)
    notice: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)  # (field, diff ops)
    notes: Notes = field(default_factory=Notes)

    def display(self, text: str) -> str:
        return self.notes.display(text)

    @property
    def added(self) -> list[Entry]:
        return [e for p in self.parts for e in p.entries if e.kind == "added"]

    @property
    def removed(self) -> list[Entry]:
        return [e for p in self.parts for e in p.entries if e.kind == "removed"]

    @property
    def changed(self) -> list[Entry]:
        return [e for p in self.parts for e in p.entries if e.changed and e.kind in ("changed", "moved")]

    @property
    def moved(self) -> list[Entry]:
        return [e for p in self.parts for e in p.entries if e.kind == "moved"]

    @property
    def notice_changed(self) -> list[str]:
        return [name for name, ops in self.notice if any(op != "equal" for op, _ in ops)]

    def summary_lines(self) -> list[str]:
        headed = [p for p in self.parts if p.old_title or p.new_title]
        parts_added = [p for p in headed if p.kind == "added"]
        parts_removed = [p for p in headed if p.kind == "removed"]
        head = f"{self.title or '本文件'}与{self.old_year}年度对照："
        counts = []
        if self.notice_changed:
            counts.append(f"发文通知改动{len(self.notice_changed)}处（{'、'.join(self.notice_changed)}）")
        for noun in ("部分", "小节"):
            added = sum(1 for p in parts_added if p.noun == noun)
            removed = sum(1 for p in parts_removed if p.noun == noun)
            if added or removed:
                counts.append(f"新增{noun}{added}个，删除{noun}{removed}个")
        parts_changed = [p for p in headed if p.kind == "changed"]
        intros_changed = [p for p in self.parts if p.intro_changed]
        plan = [
            name
            for name, ops in (("标题", self.title_ops), ("导语", self.preamble_ops))
            if any(op != "equal" for op, _ in ops)
        ]
        for noun in ("部分", "小节"):
            n = sum(1 for p in parts_changed if p.noun == noun)
            if n:
                plan.append(f"{noun}标题{n}个")
        if intros_changed:
            plan.append(f"部分或小节的段落{len(intros_changed)}处")
        if plan:
            counts.append("方案改动" + "、".join(plan))
        counts.append(
            f"条目新增{len(self.added)}条，删除{len(self.removed)}条，修改{len(self.changed)}条，"
            f"移动{len(self.moved)}条"
        )
        d = self.display
        lines = [head + "；".join(counts) + "。"]
        for name, ops in self.notice:
            if any(op != "equal" for op, _ in ops):
                lines.append(f"发文通知·{name}：{_said(ops, d)}")
        for name, ops in (("标题", self.title_ops), ("导语", self.preamble_ops)):
            if any(op != "equal" for op, _ in ops):
                lines.append(f"方案{name}：{_said(ops, d)}")
        for p in parts_added:
            lines.append(f"新增{p.noun}：{p.new_label}{d(p.new_title)}")
        for p in parts_removed:
            lines.append(f"删除{p.noun}：{p.old_label}{d(p.old_title)}（含条目{len(p.entries)}条）")
        for p in parts_changed:
            lines.append(f"修改{p.noun}：{p.new_label}{d(p.new_title)}（原{p.old_label}{d(p.old_title)}）")
        for p in intros_changed:
            where = f"{p.new_label}{d(p.new_title)}" if p.new_title else "条目前"
            lines.append(f"修改段落：{where}：{_said(p.intro_ops(), d)}")
        for e in self.added:
            lines.append(f"新增：{e.new_label}{d(e.lead)}")
        for e in self.removed:
            lines.append(f"删除：原{e.old_label}{d(e.lead)}")
        for e in self.changed:
            lines.append(f"修改：{e.new_label}{d(e.lead)}（原{e.old_label}）")
        for e in self.moved:
            lines.append(f"移动：原{e.old_label}→{e.new_label}{d(e.lead)}")
        return lines


def _said(ops: list[tuple[str, str]], display) -> str:
    """What changed in a field, shortly: “删去‘…’，加上‘…’” for each stretch (at most three)."""
    out = []
    for op, text in ops:
        if op == "equal":
            continue
        t = display(text).replace("\n", " ").strip()
        t = t[:30] + "…" if len(t) > 30 else t
        out.append(f"{'加上' if op == 'insert' else '删去'}“{t}”")
    more = len(out) - 3
    return "，".join(out[:3]) + (f"等{len(out)}处" if more > 0 else "")


def _tokens(text: str) -> list[str]:
    """Words of a text (rjieba, jieba's dictionary), a footnote's character and a paragraph break each one
    token: a diff of words reads as phrases replaced, not characters interleaved."""
    import rjieba

    out: list[str] = []
    for piece in re.split(f"({NOTE_CHAR.pattern}|\n)", text):
        if not piece:
            continue
        if piece == "\n" or NOTE_CHAR.fullmatch(piece):
            out.append(piece)
        else:
            out += [w for w in rjieba.cut(piece) if w]
    return out


def diff_ops(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level diff, tidied: an equal stretch of one short word (two characters at most) between two
    changes of three characters or more is folded into them, so that a rewritten phrase reads as one
    deletion and one insertion (全面落实宝山[教育]高质量[发展]推进会部署 → 谋划“十五五”教育发展), while two
    small edits near each other stay two (严格落实 → 全面落实, 校园, 常见 deleted)."""
    a, b = _tokens(old), _tokens(new)
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    raw: list[tuple[str, str, str]] = []  # (op, old part, new part)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        raw.append(("equal" if tag == "equal" else "change", "".join(a[i1:i2]), "".join(b[j1:j2])))

    def big(change) -> bool:
        return change[0] == "change" and max(len(change[1]), len(change[2])) >= 3

    merged: list[list[str]] = []
    for k, (op, x, y) in enumerate(raw):
        short_equal = (
            op == "equal"
            and len(x) <= 2
            and "\n" not in x
            and not NOTE_CHAR.search(x)
            and 0 < k < len(raw) - 1
            and merged
            and big(merged[-1])
            and big(raw[k + 1])
        )
        if (op == "change" or short_equal) and merged and merged[-1][0] == "change":
            merged[-1][1] += x
            merged[-1][2] += y
        elif short_equal:
            merged.append(["change", x, y])
        else:
            merged.append([op, x, y])
    out: list[tuple[str, str]] = []
    for op, x, y in merged:
        if op == "equal":
            out.append(("equal", x))
        else:
            if x:
                out.append(("delete", x))
            if y:
                out.append(("insert", y))
    return out


def _similarity(a: str, b: str) -> float:
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if sm.real_quick_ratio() < MATCH_THRESHOLD or sm.quick_ratio() < MATCH_THRESHOLD:
        return 0.0
    return sm.ratio()


def _match(old: list[str], new: list[str], leads_old: list[str], leads_new: list[str]) -> dict[int, int]:
    """new index → old index. Equal lead sentences first, then the most similar pairs."""
    pairs: dict[int, int] = {}
    used_old: set[int] = set()
    for j, lead in enumerate(leads_new):
        for i, lo in enumerate(leads_old):
            if i not in used_old and lead and lead == lo:
                pairs[j] = i
                used_old.add(i)
                break
    scored = []
    for j in range(len(new)):
        if j in pairs:
            continue
        for i in range(len(old)):
            if i not in used_old:
                s = _similarity(old[i], new[j])
                if s >= MATCH_THRESHOLD:
                    scored.append((s, j, i))
    for s, j, i in sorted(scored, reverse=True):
        if j not in pairs and i not in used_old:
            pairs[j] = i
            used_old.add(i)
    return pairs


def _kept_in_order(seq: list[int]) -> set[int]:
    """Indexes (into seq) of a longest increasing subsequence: the items that did not move."""
    import bisect

    tails, tails_idx, prev = [], [], [-1] * len(seq)
    for k, v in enumerate(seq):
        pos = bisect.bisect_left(tails, v)
        if pos == len(tails):
            tails.append(v)
            tails_idx.append(k)
        else:
            tails[pos] = v
            tails_idx[pos] = k
        prev[k] = tails_idx[pos - 1] if pos else -1
    keep, k = set(), tails_idx[-1] if tails_idx else -1
    while k != -1:
        keep.add(k)
        k = prev[k]
    return keep


def _plan(doc: Document, notes: Notes):
    """The plan of a document: its title, lead paragraphs and parts (heading, label, items, tag) — every
    attachment's in order, or the document's own body when the plan is issued directly. With several
    attachments each part and item is tagged with its attachment (附件2·三、) and the titles are joined, so
    that an item moved from one attachment to another shows as moved."""
    if doc.attachments:
        many = len(doc.attachments) > 1
        titles, pre, parts = [], [], []
        for k, att in enumerate(doc.attachments, 1):
            tag = f"附件{k}·" if many else ""
            titles.append(f"附件{k} {att.title}" if many else att.title)
            pre += att.preamble
            parts += _parts(att.parts, tag, notes)
        return "；".join(titles), pre, parts
    return "".join(doc.notice.title_lines), [], _parts(doc.notice.sections, "", notes)


def _parts(secs, tag: str, notes: Notes) -> list[tuple]:
    """(heading, label, items, tag, level, paragraphs) for every 一、 and （一） heading in reading order, each
    with the items directly under it and its own paragraphs; items with no heading above them first."""
    parts = []
    loose = [s for s in secs if s.level >= 3]
    if loose:  # items with no 一、 heading above them
        parts.append(("", tag, [s for s in loose if s.level == 3], tag, 1, ""))
    for sec in walk(secs):
        if sec.level <= 2:
            items = [c for c in sec.children if c.level == 3]
            text = notes.paragraphs(sec.paragraphs)
            parts.append((notes.text(sec.heading), tag + sec.label, items, tag, sec.level, text))
    return parts


def _notice_fields(doc: Document, notes: Notes) -> list[tuple[str, str]]:
    n, c = doc.notice, doc.colophon
    return [
        ("标题", "".join(n.title_lines)),
        ("主送机关", n.recipients),
        ("正文", "\n".join(notes.text(p.inlines) for p in n.body)),
        ("附件说明", "\n".join(doc.attachment_note)),
        ("发文机关署名", "、".join(n.signatures)),
        ("成文日期", n.date_text),
        ("代章", n.seal_by),
        ("附注", n.note),
        ("抄送", c.cc_text.removeprefix("抄送：")),
        ("印发机关", c.printer),
        ("印发日期", c.print_date_text),
        ("印数", c.copies_text),
    ]


def compare(old_doc: Document, new_doc: Document) -> Comparison:
    """The whole document compared: the notice field by field, the plan item by item. Items are matched
    by lead sentence, then by similarity of their text, then — a rewritten item in the same place — by
    position in a matched part; a removed item or part is shown where it stood in the old document."""
    notes = Notes()
    o_title, o_pre, o_parts = _plan(old_doc, notes)
    n_title, n_pre, n_parts = _plan(new_doc, notes)
    old_items = [(pi, k, it) for pi, (_, _, its, *_) in enumerate(o_parts) for k, it in enumerate(its)]
    new_items = [(pi, k, it) for pi, (_, _, its, *_) in enumerate(n_parts) for k, it in enumerate(its)]

    def old_label(i: int) -> str:  # an item's number, with its attachment when there are several
        pi, _, it = old_items[i]
        return o_parts[pi][3] + it.label

    def new_label(j: int) -> str:
        pi, _, it = new_items[j]
        return n_parts[pi][3] + it.label

    old_texts = [notes.item(it) for *_, it in old_items]
    new_texts = [notes.item(it) for *_, it in new_items]
    pairs = _match(
        old_texts,
        new_texts,
        [notes.text(it.lead) for *_, it in old_items],
        [notes.text(it.lead) for *_, it in new_items],
    )
    # headings matched within their level: a （一） is not taken for a 一、
    heads_o = [f"{t}{lv}|{h}" for h, _, _, t, lv, _ in o_parts]
    heads_n = [f"{t}{lv}|{h}" for h, _, _, t, lv, _ in n_parts]
    part_pairs = _match(heads_o, heads_n, heads_o, heads_n)  # new part → old part
    # a rewritten item in the same place of a matched part: when in doubt, a change, not a delete and an add
    where_old = {(pi, k): i for i, (pi, k, _) in enumerate(old_items)}
    used = set(pairs.values())
    for j, (npi, k, _) in enumerate(new_items):
        if j in pairs or npi not in part_pairs:
            continue
        i = where_old.get((part_pairs[npi], k))
        if i is not None and i not in used:
            pairs[j] = i
            used.add(i)
    matched_new = [j for j in range(len(new_items)) if j in pairs]
    kept = {matched_new[k] for k in _kept_in_order([pairs[j] for j in matched_new])}

    entries_by_new: dict[int, Entry] = {}
    for j, (npi, _, it) in enumerate(new_items):
        lead = notes.text(it.lead) or new_texts[j][:30]
        if j not in pairs:
            entries_by_new[j] = Entry("added", new_label=new_label(j), new_text=new_texts[j], lead=lead)
            continue
        i = pairs[j]
        opi = old_items[i][0]
        changed = old_texts[i] != new_texts[j]
        moved = j not in kept or part_pairs.get(npi) != opi
        kind = "moved" if moved else ("changed" if changed else "same")
        entries_by_new[j] = Entry(
            kind,
            new_label=new_label(j),
            old_label=old_label(i),
            old_text=old_texts[i],
            new_text=new_texts[j],
            changed=changed,
            lead=lead,
        )

    # the output parts: the new parts in order, each removed old part after the part that preceded it
    old_to_new_part = {i: j for j, i in part_pairs.items()}
    parts_out: list[PartEntry] = []
    part_slot: dict[tuple[str, int], PartEntry] = {}  # ("new", npi) / ("old", opi) → its entry
    removed_parts = [opi for opi in range(len(o_parts)) if opi not in old_to_new_part]
    after_part: dict[int, list[int]] = {}  # new part index (-1: start) → removed old parts shown after it
    for opi in removed_parts:
        anchor = next((old_to_new_part[q] for q in range(opi - 1, -1, -1) if q in old_to_new_part), -1)
        after_part.setdefault(anchor, []).append(opi)

    def add_removed_parts(anchor: int) -> None:
        for opi in after_part.get(anchor, []):
            h, label, _, _, level, intro = o_parts[opi]
            pe = PartEntry("removed", "", h, "", old_label=label, level=level, old_intro=intro)
            parts_out.append(pe)
            part_slot[("old", opi)] = pe

    add_removed_parts(-1)
    for npi, (h, label, _, _, level, intro) in enumerate(n_parts):
        if npi in part_pairs:
            old_h, old_label_, _, _, _, old_intro = o_parts[part_pairs[npi]]
            kind = "same" if old_h == h else "changed"
            pe = PartEntry(
                kind, label, old_h, h, old_label=old_label_, level=level, old_intro=old_intro, new_intro=intro
            )
        else:
            pe = PartEntry("added", label, "", h, level=level, new_intro=intro)
        parts_out.append(pe)
        part_slot[("new", npi)] = pe
        add_removed_parts(npi)

    # items: each new item in its part; a removed item (or the old place of a moved one) in the output part
    # of its old part, after the old item that preceded it there
    old_to_new = {i: j for j, i in pairs.items()}
    after_item: dict[int, list[Entry]] = {}  # new item index → entries shown after it
    head_of: dict[tuple[str, int], list[Entry]] = {}  # part → entries shown at its start
    for i, (opi, k, it) in enumerate(old_items):
        j = old_to_new.get(i)
        if j is not None and entries_by_new[j].kind != "moved":
            continue
        entry = Entry(
            "moved-from" if j is not None else "removed",
            old_label=old_label(i),
            old_text=old_texts[i],
            lead=notes.text(it.lead) or old_texts[i][:30],
        )
        if opi not in old_to_new_part:
            part_slot[("old", opi)].entries.append(entry)
            continue
        npi = old_to_new_part[opi]
        anchor = None
        for kk in range(k - 1, -1, -1):
            jj = old_to_new.get(where_old[(opi, kk)])
            if jj is not None and entries_by_new[jj].kind != "moved" and new_items[jj][0] == npi:
                anchor = jj
                break
        if anchor is None:
            head_of.setdefault(("new", npi), []).append(entry)
        else:
            after_item.setdefault(anchor, []).append(entry)
    for npi in range(len(n_parts)):
        part_slot[("new", npi)].entries.extend(head_of.get(("new", npi), []))
    for j, (npi, _, _) in enumerate(new_items):
        part_slot[("new", npi)].entries.append(entries_by_new[j])
        part_slot[("new", npi)].entries.extend(after_item.get(j, []))

    old_pre = "\n".join(notes.text(p.inlines) for p in o_pre)
    new_pre = "\n".join(notes.text(p.inlines) for p in n_pre)
    notice = [
        (name, diff_ops(a, b))
        for (name, a), (_, b) in zip(_notice_fields(old_doc, notes), _notice_fields(new_doc, notes))
        if a or b
    ]
    return Comparison(
        old_doc.year,
        new_doc.year,
        diff_ops(o_title, n_title),
        diff_ops(old_pre, new_pre),
        parts_out,
        title=n_title,
        notice=notice,
        notes=notes,
    )
