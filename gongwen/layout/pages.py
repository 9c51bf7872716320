"""Pages: the flow of grid rows cut into pages of 22 lines, footnotes at the foot of their call's page.

A heading is never the last line of a page and keeps the first two lines of what follows it; widow
control as in the print. GB/T 9704 §7.3.5.5 (调整行距、字距) is the first remedy where keeping things
together would leave a page unfinished: a page holding footnotes keeps its 22 lines, a 署名 block or a
heading that would go over with its lines stays, and the last lines stay with the 版记, by closing that
page's line pitch, down to `min_line_pitch_pt`; when that is not enough, a paragraph near the page end is
set with tighter character spacing (`max_letter_tightening_em`) to save a line. Only then do lines go over.
"""

from __future__ import annotations

from ..house import MM
from .boxes import EPS, Line, Page, Row, Rule, Run, ref_key


HEADING_KINDS = {"heading1", "heading2"}
SQUEEZE_KINDS = {"signature", "date", "seal-by", "note", "attachment-note", "signer", "signer-label"}


class Paginator:
    """Cuts the rows of the flow into pages (a mixin of the Composer)."""

    para_id = 0  # paragraph ids for widow control

    def para_rows(self, runs, indent, kind="body", keep_next=False, ref=None):
        lines = self.paragraph_lines(runs, indent, kind=kind)
        self.para_id += 1
        if not hasattr(self, "para_src"):
            self.para_src = {}
        self.para_src[self.para_id] = (runs, indent, kind)
        return [
            Row(ln, keep_next=keep_next, para=self.para_id, idx=i, count=len(lines), ref=ref)
            for i, ln in enumerate(lines)
        ]

    def tightened(self, rows: list["Row"], pid: int) -> list["Row"] | None:
        """`rows` with paragraph `pid` set with its character spacing closed by up to
        `max_letter_tightening_em` (GB/T 9704 §7.3.5.5: 调整字距), when that saves it a line; else None.
        Its lines stay justified to the full width; its last line keeps the grid spacing where it can."""
        runs, indent, kind = self.para_src[pid]
        at = [k for k, r in enumerate(rows) if r.para == pid]
        if not at:
            return None
        old = [rows[k] for k in at]
        em = float(self.h["body"]["max_letter_tightening_em"])
        lines = self.paragraph_lines(runs, indent, ls=self.ls_grid - em * self.S, kind=kind)
        if len(lines) >= len(old):
            return None
        last = lines[-1]
        n = self.clusters(last.runs)
        grid_w = self.natural_width(last.runs) + self.ls_grid * max(n - 1, 0)
        if last.x + grid_w <= self.W + EPS:
            last.letter_spacing, last.width = self.ls_grid, grid_w
        new = [
            Row(
                ln,
                keep_next=old[min(j, len(old) - 2)].keep_next,
                para=pid,
                idx=j,
                count=len(lines),
                hold=old[0].hold if j == 0 else False,
                ref=old[0].ref,
            )
            for j, ln in enumerate(lines)
        ]
        new[-1].keep_next = old[-1].keep_next
        return rows[: at[0]] + new + rows[at[-1] + 1 :]

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
        reserve = int(hb["footnote_min_lines"])  # lines a page keeps for footnotes it continues
        widows = bool(hb["widow_control"])
        orphans = bool(hb["orphan_control"])
        self.keep_headings(rows)
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

        def finish(rs: list[Row], top: float, reserve: float = 0.0) -> None:
            """Place the rows `rs` as a page, footnotes at its foot and `reserve` (the 版记) kept free
            under the text; the pitch closes (down to min_pitch) where the page was filled that way."""
            nonlocal carried
            _, lines = own(rs)
            queue = carried + lines
            avail = self.H - top
            n = len(rs)
            fh = height(len(queue))
            continued = bool(carried)
            if not queue or n * self.P + fh <= avail + EPS or (n and (avail - fh) / n >= min_pitch):
                placed, carried = queue, []
                pitch = min(self.P, (avail - fh - reserve) / n) if n else self.P
            else:
                cap = max(0, int((avail - n * self.P - self.FOOTNOTE_HEAD + EPS) // lead))
                placed, carried = queue[:cap], queue[cap:]
                pitch = self.P
            fh, flines = self.place_notes(placed)
            page = Page(0, pitch=pitch, footnote_top=self.H - fh)
            page.free_rows = max(0, int((avail - fh - reserve + EPS) // self.P) - n) if pitch >= self.P - EPS else 0
            page.closed = pitch < self.P - EPS and n * self.P > avail - reserve + EPS
            page.refs = {ref_key(r.ref if r.ref is not None else r.line.kind) for r in rs if r.line is not None}
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

        def carry_of(page: list[Row], row: Row) -> list[Row]:
            """The rows that go over to the next page with `row` (popped from `page`): widow and orphan
            control, then what is kept with the next line."""
            carry = self.widow_orphan(page, row, orphans) if widows else []
            while page and page[-1].keep_next and len(page) > 1 and not page[-1].hold:
                carry.insert(0, page.pop())
            head = carry[0] if carry else None
            if (
                widows
                and head is not None
                and head.para is not None
                and head.idx == head.count - 1
                and head.count > 1
                and len(page) > 1
                and page[-1].para == head.para
                and not page[-1].hold
            ):
                carry.insert(0, page.pop())  # a paragraph's last line is not left alone at the top of a page
            return carry

        def squeezed(i: int) -> int:
            """§7.3.5.5: when what would go over to the next page with row `i` holds the 署名 and 成文日期
            (or the 附件说明 before them) or a heading, and leaves this page more than SHORT lines short,
            it stays on the page — with the rest of its keep-together chain — if closing the page's line
            pitch to no less than min_pitch makes room (and room for the 版记 under it when it ends the
            text). Returns how many rows from `i` stay (0: none)."""
            j = i
            while j + 1 < len(rows) and rows[j].keep_next and not rows[j + 1].break_before:
                j += 1
            unit = rows[i : j + 1]
            rest = list(cur)
            moved = carry_of(rest, rows[i]) + unit
            if not any(r.line is not None and r.line.kind in SQUEEZE_KINDS | HEADING_KINDS for r in moved):
                return 0
            room = self.H - y0 - height(len(carried) + len(own(rest)[1]))
            if int((room + EPS) // self.P) - len(rest) <= self.SHORT:
                return 0  # carrying them over leaves the page full enough
            cand = cur + unit
            _, lines = own(cand)
            room = self.H - y0 - height(len(carried) + len(lines)) - (tail if j + 1 == len(rows) else 0.0)
            return len(unit) if len(cand) * min_pitch <= room + EPS else 0

        i = 0
        while i < len(rows):
            row = rows[i]
            i += 1
            if row.break_before and (cur or pages):
                finish(cur, y0)
                pages[-1].before_break = True
                cur, y0 = [], 0.0  # footnotes still running on continue at the foot of the new page
            if not cur and row.line is None and not row.break_before and pages:
                continue  # no blank line at the top of a page
            if fits(cur + [row], y0):
                cur.append(row)
                continue
            k = squeezed(i - 1) if cur else 0
            if k:
                cur += rows[i - 1 : i - 1 + k]
                i += k - 1
                continue
            carry = carry_of(cur, row)
            finish(cur, y0)
            while carry and carry[0].line is None:  # no blank line at the top of a page
                carry.pop(0)
            cur, y0 = carry + [row], 0.0
        if tail and len(cur) > 1 and not carried:
            _, lines = own(cur)
            need = height(len(lines)) + tail
            if len(cur) * self.P + need > self.H - y0 + EPS and len(cur) * min_pitch + need > self.H - y0 + EPS:
                carry = self.tail_lines(cur)  # closing the pitch is not enough: lines go over with the 版记
                if cur:
                    finish(cur, y0)
                    cur, y0 = carry, 0.0
                else:
                    cur = carry
        finish(cur, y0, tail if not carried else 0.0)
        while carried:
            finish([], 0.0)
        return pages

    SHORT = 2  # a page may end this many grid lines short (more looks unfinished)

    def shortfall(self, pages: list[Page]) -> int:
        """Grid lines left empty beyond SHORT on the pages that should be full: all but the last and
        those before a new page (an attachment)."""
        return sum(max(0, p.free_rows - self.SHORT) for p in pages[:-1] if not p.before_break)

    def fill_short_pages(self, rows: list["Row"], y0: float, tail: float, pages: list[Page]) -> list[Page]:
        """§7.3.5.5 again, with character spacing: when keeping the 署名 with the text (or the last lines
        with the 版记) left a page more than SHORT lines short, close the character spacing of a
        paragraph near that page end (tightened) where that saves a line and lets the page be filled;
        kept only when the pages come out fuller. At most three paragraphs."""
        best, changed = self.shortfall(pages), False
        for _ in range(3):
            if not best:
                break
            para_of = {id(r.line): r.para for r in rows if r.line is not None and r.para is not None}
            cands: list[int] = []
            for k, p in enumerate(pages[:-1]):
                if p.before_break or p.free_rows <= self.SHORT:
                    continue
                near = (
                    sorted(p.lines, key=lambda ln: -ln.baseline)
                    + sorted(pages[k + 1].lines, key=lambda ln: ln.baseline)[:6]
                )
                for ln in near:
                    pid = para_of.get(id(ln))
                    if pid is not None and pid not in cands:
                        cands.append(pid)
            found = None
            for pid in cands:
                trial = self.tightened(rows, pid)
                if trial is None:
                    continue
                got = self.paginate(trial, y0, tail=tail)
                score = self.shortfall(got)
                if score < best and len(got) <= len(pages):
                    best, found = score, (trial, got)
            if found is None:
                break
            rows, pages = found
            changed = True
        # trials share the lines of the other paragraphs and place them anew: place the chosen rows last
        return self.paginate(rows, y0, tail=tail) if changed else pages

    @staticmethod
    def keep_headings(rows: list["Row"]) -> None:
        """A heading (一、 （一）, kept with the next line already) keeps the first two lines of the
        paragraph that follows it on its page: its first line is kept with the next as well."""
        for k, r in enumerate(rows):
            if r.line is None or r.line.kind not in HEADING_KINDS or not r.keep_next:
                continue
            nxt = next((x for x in rows[k + 1 :] if x.line is not None), None)
            if nxt is not None and nxt.line.kind not in HEADING_KINDS and nxt.idx == 0 and nxt.count > 1:
                nxt.keep_next = True

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
        if any(r.hold for r in cur[len(cur) - move :]):
            return []  # the first line of 正文 stays on the first page, widow or not
        carry = cur[len(cur) - move :]
        del cur[len(cur) - move :]
        return carry
