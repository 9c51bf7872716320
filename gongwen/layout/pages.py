"""Pages: the flow of grid rows cut into pages of 22 lines, footnotes at the foot of their call's page.

A heading is never the last line of a page (keep with next); widow control as in the print; a page
holding footnotes keeps its 22 lines by closing its line pitch slightly (GB/T 9704 §7.3.5.5 allows
adjusting line spacing), down to `min_line_pitch_pt`.
"""

from __future__ import annotations

from ..house import MM
from .boxes import EPS, Line, Page, Row, Rule, Run


class Paginator:
    """Cuts the rows of the flow into pages (a mixin of the Composer)."""

    para_id = 0  # paragraph ids for widow control

    def para_rows(self, runs, indent, kind="body", keep_next=False):
        lines = self.paragraph_lines(runs, indent, kind=kind)
        self.para_id += 1
        return [Row(ln, keep_next=keep_next, para=self.para_id, idx=i, count=len(lines))
                for i, ln in enumerate(lines)]


    FOOTNOTE_HEAD = 6.0 + 0.5 + 3.0  # space, rule, space above the first footnote line (pt)

    def note_lines(self, marks: list[str]) -> list[Line]:
        """The lines of the footnotes `marks` (①…), not yet placed: hanging after the mark, unjustified."""
        lines = []
        for m in marks:
            mark_w = self.adv(m, self.fn)
            runs = [Run(m, self.fn), Run(self.notes[m], self.fn)]
            lines += self.paragraph_lines(runs, 0.0, mark_w, ls=0.0, kind="footnote")
        return lines

    def place_notes(self, lines: list[Line]) -> tuple[float, list[Line]]:
        if not lines:
            return 0.0, []
        lead = float(self.h["body"]["footnote_line_pt"])
        y = self.FOOTNOTE_HEAD
        for ln in lines:
            ln.baseline = y + lead * 0.75
            y += lead
        return y, lines

    def paginate(self, rows: list["Row"], y0_first: float, tail: float = 0.0) -> list[Page]:
        """Rows → pages. Footnotes go to the foot of their call's page, all of them when they fit (closing
        the line pitch down to min_line_pitch_pt if need be); footnotes too long for that continue at the
        foot of the next page(s), after a rule across the 版心 (Word's continuation separator), each
        keeping at least its first line on its call's page. `tail` is the room the last page must keep
        under its text (the 版记): when it does not, the last lines of text go over with it, so that the
        版记 never stands on a page of its own."""
        hb = self.h["body"]
        min_pitch = float(hb["min_line_pitch_pt"])
        lead = float(hb["footnote_line_pt"])
        reserve = int(hb.get("footnote_min_lines", 10))  # lines a page keeps for footnotes it continues
        widows = bool(hb.get("widow_control", True))
        orphans = bool(hb.get("orphan_control", False))
        pages: list[Page] = []
        cur: list[Row] = []
        y0 = y0_first
        carried: list[Line] = []  # footnote lines waiting for the next page
        cache: dict[tuple, list[Line]] = {}

        def own(rs: list[Row]) -> tuple[list[list[Line]], list[Line]]:
            """The lines of each footnote called from `rs`, and all of them in order."""
            marks = tuple(m for r in rs if r.line for m in r.line.footnotes)
            if marks not in cache:
                cache[marks] = [self.note_lines([m]) for m in marks]
            groups = cache[marks]
            return groups, [ln for g in groups for ln in g]

        def height(k: int) -> float:
            return self.FOOTNOTE_HEAD + k * lead if k else 0.0

        def fits(rs: list[Row], top: float) -> bool:
            avail = self.H - top
            n = len(rs)
            groups, lines = own(rs)
            total = len(carried) + len(lines)
            fh = height(total)
            if n * self.P + fh <= avail + EPS:
                return True
            if fh > 0 and n * self.P <= avail + EPS and (avail - fh) / n >= min_pitch:
                return True
            if total <= reserve:
                return False  # short footnotes: the call's line goes to the next page with them
            # too long for any page: they continue on the next page. Only the last footnote of the page
            # may be cut, so what runs on from before and every earlier footnote must fit whole, with the
            # first line of the last; the page keeps a share of its height for footnotes.
            need = len(carried) + sum(len(g) for g in groups[:-1]) + 1 if groups else min(len(carried), reserve)
            need = max(need, min(total, reserve))
            return n * self.P + height(need) <= avail + EPS

        def finish(rs: list[Row], top: float) -> None:
            nonlocal carried
            _, lines = own(rs)
            queue = carried + lines
            avail = self.H - top
            n = len(rs)
            fh = height(len(queue))
            continued = bool(carried)
            if not queue or n * self.P + fh <= avail + EPS or (n and (avail - fh) / n >= min_pitch):
                placed, carried = queue, []
                pitch = min(self.P, (avail - fh) / n) if (fh and n) else self.P
            else:
                cap = max(0, int((avail - n * self.P - self.FOOTNOTE_HEAD + EPS) // lead))
                placed, carried = queue[:cap], queue[cap:]
                pitch = self.P
            fh, flines = self.place_notes(placed)
            page = Page(0, pitch=pitch, footnote_top=self.H - fh)
            for k, r in enumerate(rs):
                if r.line is None:
                    continue
                r.line.baseline = self.grid_baseline(top + k * pitch, r.line.style, pitch)
                page.lines.append(r.line)
                for ln in r.extra:
                    ln.baseline = r.line.baseline
                    page.lines.append(ln)
            if flines:
                ftop = self.H - fh
                width = self.W if continued else self.h["body"]["footnote_rule_width_mm"] * MM
                page.rules.append(Rule(0.0, ftop + 6.0, width, 0.5))
                for ln in flines:
                    ln.baseline += ftop
                    page.lines.append(ln)
            pages.append(page)

        for row in rows:
            if row.break_before and (cur or pages):
                finish(cur, y0)
                cur, y0 = [], 0.0  # footnotes still running on continue at the foot of the new page
            if not cur and row.line is None and not row.break_before and pages:
                continue  # no blank line at the top of a page
            if fits(cur + [row], y0):
                cur.append(row)
                continue
            carry = self.widow_orphan(cur, row, orphans) if widows else []
            while cur and cur[-1].keep_next and len(cur) > 1 and not cur[-1].hold:
                carry.insert(0, cur.pop())
            head = carry[0] if carry else None
            if (widows and head is not None and head.para is not None and head.idx == head.count - 1
                    and head.count > 1 and len(cur) > 1 and cur[-1].para == head.para and not cur[-1].hold):
                carry.insert(0, cur.pop())  # a paragraph's last line is not left alone at the top of a page
            finish(cur, y0)
            while carry and carry[0].line is None:  # no blank line at the top of a page
                carry.pop(0)
            cur, y0 = carry + [row], 0.0
        if tail and len(cur) > 1 and not carried:
            _, lines = own(cur)
            if len(cur) * self.P + height(len(lines)) + tail > self.H - y0 + EPS:
                carry = self.tail_lines(cur)
                if cur:
                    finish(cur, y0)
                    cur, y0 = carry, 0.0
                else:
                    cur = carry
        finish(cur, y0)
        while carried:
            finish([], 0.0)
        return pages

    @staticmethod
    def tail_lines(cur: list["Row"]) -> list["Row"]:
        """The last two lines of text of a page with what is kept with them (popped from `cur`), to go
        over to the 版记's page."""
        carry: list[Row] = []
        while cur and sum(1 for r in carry if r.line is not None) < 2:
            carry.insert(0, cur.pop())
            while cur and cur[-1].keep_next and not cur[-1].hold:
                carry.insert(0, cur.pop())
        while carry and carry[0].line is None:
            carry.pop(0)
        return carry

    @staticmethod
    def widow_orphan(cur: list["Row"], row: "Row", orphans: bool = True) -> list["Row"]:
        """Word's 孤行控制 (on by default): a paragraph leaves neither its first line alone at the foot
        of a page nor its last line alone at the top of the next. Pops from `cur` what must move."""
        if row.para is None or row.count < 2:
            return []
        k = 0
        while k < len(cur) and cur[-1 - k].para == row.para:
            k += 1
        remaining = row.count - row.idx
        move = 0
        if k and remaining == 1:
            move = 1  # widow: take one more line along
        if k - move == 1 and orphans:
            move = k  # orphan: the first line goes too
        if move >= len(cur):
            return []  # the paragraph fills the page: nothing better to do
        if any(r.hold for r in cur[len(cur) - move:]):
            return []  # the first line of 正文 stays on the first page, widow or not
        carry = cur[len(cur) - move:]
        del cur[len(cur) - move:]
        return carry
