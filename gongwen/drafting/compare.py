"""Year-over-year comparison of the plan (the attachments): which items were added, removed, changed or
moved, with a character-level diff of changed text.

Items are matched across years by content (lead sentence first, then overall similarity), never by their
numbers, so an item that moved to another part or was renumbered is still the same item.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from ..model import Document, Inline, Item, Part, Text

MATCH_THRESHOLD = 0.45  # similarity below which two items are different items


def inline_text(inlines: list[Inline]) -> str:
    """Plain text of inlines, a footnote written as （注：…） so that a changed note shows as a change."""
    return "".join(x.text if isinstance(x, Text) else f"（注：{x.text}）" for x in inlines)


def item_text(item: Item) -> str:
    return "\n".join([inline_text(item.lead) + (inline_text(item.paragraphs[0].inlines) if item.paragraphs else "")]
                     + [inline_text(p.inlines) for p in item.paragraphs[1:]])


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
    kind: str  # same | changed | added | removed
    new_label: str
    old_title: str
    new_title: str
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Comparison:
    old_year: int
    new_year: int
    title_ops: list[tuple[str, str]]
    preamble_ops: list[tuple[str, str]]
    parts: list[PartEntry]

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

    def summary_lines(self) -> list[str]:
        def short(e: Entry) -> str:
            return e.lead if len(e.lead) <= 24 else e.lead[:23] + "…"
        lines = [f"{self.new_year}年度工作意见与{self.old_year}年度对照：新增{len(self.added)}条，删除{len(self.removed)}条，"
                 f"修改{len(self.changed)}条，移动{len(self.moved)}条。"]
        for e in self.added:
            lines.append(f"新增：{e.new_label}{short(e)}")
        for e in self.removed:
            lines.append(f"删除：原{e.old_label}{short(e)}")
        for e in self.changed:
            lines.append(f"修改：{e.new_label}{short(e)}（原{e.old_label}）")
        for e in self.moved:
            lines.append(f"移动：原{e.old_label}→{e.new_label}{short(e)}")
        return lines


def diff_ops(old: str, new: str) -> list[tuple[str, str]]:
    """Character-level diff, tidied: equal stretches of one character between two changes are folded
    into the change, so that a reworded phrase reads as one deletion and one insertion."""
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    raw: list[tuple[str, str, str]] = []  # (op, old part, new part)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        raw.append(("equal" if tag == "equal" else "change", old[i1:i2], new[j1:j2]))
    merged: list[list[str]] = []
    for k, (op, a, b) in enumerate(raw):
        short_equal = (op == "equal" and len(a) <= 1 and 0 < k < len(raw) - 1)
        if (op == "change" or short_equal) and merged and merged[-1][0] == "change":
            merged[-1][1] += a
            merged[-1][2] += b
        elif short_equal:
            merged.append(["change", a, b])
        else:
            merged.append([op, a, b])
    out: list[tuple[str, str]] = []
    for op, a, b in merged:
        if op == "equal":
            out.append(("equal", a))
        else:
            if a:
                out.append(("delete", a))
            if b:
                out.append(("insert", b))
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


def compare(old_doc: Document, new_doc: Document) -> Comparison:
    old_att = old_doc.attachments[0] if old_doc.attachments else None
    new_att = new_doc.attachments[0] if new_doc.attachments else None
    old_parts: list[Part] = old_att.parts if old_att else []
    new_parts: list[Part] = new_att.parts if new_att else []

    def flat(parts):
        return [(pi, it) for pi, p in enumerate(parts) for it in p.items]

    old_items, new_items = flat(old_parts), flat(new_parts)
    old_texts = [item_text(it) for _, it in old_items]
    new_texts = [item_text(it) for _, it in new_items]
    pairs = _match(old_texts, new_texts, [inline_text(it.lead) for _, it in old_items],
                   [inline_text(it.lead) for _, it in new_items])
    part_pairs = _match([inline_text(p.heading) for p in old_parts], [inline_text(p.heading) for p in new_parts],
                        [inline_text(p.heading) for p in old_parts], [inline_text(p.heading) for p in new_parts])
    matched_new = [j for j in range(len(new_items)) if j in pairs]
    kept = {matched_new[k] for k in _kept_in_order([pairs[j] for j in matched_new])}

    entries_by_new: dict[int, Entry] = {}
    for j, (npi, it) in enumerate(new_items):
        lead = inline_text(it.lead)
        if j not in pairs:
            entries_by_new[j] = Entry("added", new_label=it.label, new_text=new_texts[j], lead=lead)
            continue
        i = pairs[j]
        opi, old_it = old_items[i]
        changed = old_texts[i] != new_texts[j]
        moved = j not in kept or part_pairs.get(npi) != opi
        kind = "moved" if moved else ("changed" if changed else "same")
        entries_by_new[j] = Entry(kind, new_label=it.label, old_label=old_it.label, old_text=old_texts[i],
                                  new_text=new_texts[j], changed=changed, lead=lead)

    # removed items and the old places of moved ones go after the item that preceded them in the old year
    old_to_new = {i: j for j, i in pairs.items()}
    after: dict[int, list[Entry]] = {}  # new index (-1: start) → entries shown after it
    for i, (opi, it) in enumerate(old_items):
        j = old_to_new.get(i)
        if j is not None and entries_by_new[j].kind != "moved":
            continue
        entry = Entry("removed", old_label=it.label, old_text=old_texts[i], lead=inline_text(it.lead))
        if j is not None:
            entry.kind = "moved-from"
        anchor = -1
        for k in range(i - 1, -1, -1):
            jj = old_to_new.get(k)
            if jj is not None and entries_by_new[jj].kind != "moved":
                anchor = jj
                break
        after.setdefault(anchor, []).append(entry)

    parts_out: list[PartEntry] = []
    old_part_of_new = {j: i for j, i in part_pairs.items()}
    for npi, p in enumerate(new_parts):
        title = inline_text(p.heading)
        if npi in old_part_of_new:
            old_title = inline_text(old_parts[old_part_of_new[npi]].heading)
            kind = "same" if old_title == title else "changed"
        else:
            old_title, kind = "", "added"
        parts_out.append(PartEntry(kind, p.label, old_title, title))
    for opi, p in enumerate(old_parts):
        if opi not in old_part_of_new.values():
            parts_out.append(PartEntry("removed", "", inline_text(p.heading), ""))

    def part_index_for(j: int) -> int:
        return new_items[j][0]

    if -1 in after and parts_out:
        parts_out[0].entries.extend(after[-1])
    for j in range(len(new_items)):
        parts_out[part_index_for(j)].entries.append(entries_by_new[j])
        parts_out[part_index_for(j)].entries.extend(after.get(j, []))

    title_ops = diff_ops(old_att.title if old_att else "", new_att.title if new_att else "")
    old_pre = "\n".join(inline_text(p.inlines) for p in (old_att.preamble if old_att else []))
    new_pre = "\n".join(inline_text(p.inlines) for p in (new_att.preamble if new_att else []))
    return Comparison(old_doc.year, new_doc.year, title_ops, diff_ops(old_pre, new_pre), parts_out)
