"""Blocks: the elements of GB/T 9704 laid out as rows of the flow or placed lines.

版头 (份号, 密级, 紧急程度, the issuer mark — single or joint —, 文号 with 签发人, the red rule), the title,
主送机关, 正文 and its sections at the four levels of §7.3.3, 附件说明, 署名 and 成文日期, 附注,
attachments, 公开属性 and the 版记. A new element is one method here.
"""

from __future__ import annotations

from ..house import MM
from ..model import Document, Paragraph
from ..transforms import signature_pairs
from .boxes import EPS, PAGE_NUMBER, Image, Line, MarkGeometry, Page, Row, Rule, Run, Style, mark_geometry, seal_box


class Blocks:
    """The document's elements, in reading order (a mixin of the Composer)."""

    def compose(self, doc: Document) -> list[Page]:
        h = self.h
        self.notes = {f.mark: f.text for f in doc.footnotes}
        self.indent2 = h["body"]["first_line_indent_chars"] * self.cell
        first_page_lines, rules, y0 = self.header(doc)
        rows = self.main_rows(doc)
        for att in doc.attachments:
            rows += self.attachment_rows(att)
        if doc.notice.publicity:  # 公开属性: the last line before the 版记
            rows += self.para_rows(
                [Run(f"公开属性：{doc.notice.publicity}", self.body)], self.indent2, kind="publicity"
            )

        # the 版记 needs its height under the text of the last page (and a fifth of a line)
        tail = self.colophon_height(doc) + 0.2 * self.P
        pages = self.fill_short_pages(rows, y0, tail, self.paginate(rows, y0, tail=tail))
        pages[0].lines[:0] = first_page_lines
        pages[0].rules[:0] = rules
        self.place_colophon(doc, pages)
        if doc.notice.seals:
            self.place_seals(doc, pages)
        if self.h["print"]["duplex"] and len(pages) % 2:
            self.colophon_to_even_page(pages)
        for i, pg in enumerate(pages, 1):
            pg.number = i
            if pg.numbered:
                pg.lines.append(self.page_number_line(i))
            for ln in pg.lines:  # characters the role's font lacks: drawn (and measured) in a fallback font
                ln.runs = self.drawn_runs(ln.runs)
        return pages

    def page_number_line(self, n: int) -> Line:
        """页码 (§7.5): 4号宋体 “— N —”, its em box top page_number.offset_mm below the 版心; odd pages at
        the right, one character (of its own size) in from the 版心's edge, even pages at the left."""
        pn = self.h["page_number"]
        st = Style("songti", float(self.h["sizes_pt"]["page_number"]))
        runs = [Run(PAGE_NUMBER.format(n), st)]
        width = self.metrics("songti").string_width(runs[0].text) * st.size  # as Pango shapes it: no Han near
        side = float(pn["side_space_chars"]) * st.size
        x = self.W - side - width if n % 2 else side
        return Line(runs, x, self.H + float(pn["offset_mm"]) * MM + 0.88 * st.size, 0.0, width, "page-number")

    def resolve_titles(self, doc: Document) -> None:
        """The titles' lines as this layout breaks them (between words, balanced, §7.3.1), written into the
        model, so that the DOCX carries the PDF's breaks and Word does not fill the lines by character."""
        tst = Style("xiaobiaosong", float(self.h["sizes_pt"]["title"]))
        doc.notice.title_lines = self.title_lines(doc.notice.title_lines, tst)
        for att in doc.attachments:
            att.title_lines = self.title_lines(att.title_lines, tst)

    # -- 版头 (§7.2) -------------------------------------------------------------------------------
    def header(self, doc: Document) -> tuple[list[Line], list[Rule], float]:
        """份号, 密级, 紧急程度, the issuer mark, the 文号 (with 签发人) and the red rule: lines placed on the
        first page, and the top of the flow that follows (the title, two lines below the rule)."""
        h, P, n = self.h, self.P, doc.notice
        hd = h["header"]
        red = h["colors"]["red"]
        lines: list[Line] = []
        # 份号 (6 digits), 密级和保密期限 and 紧急程度 (黑体), 顶格 on the 版心's first lines, top-down (§7.2.1–.3)
        hei = Style("heiti", self.S)
        k = 0
        for text, st, kind in (
            (n.copy_number, self.body, "copy-number"),
            (n.secrecy, hei, "secrecy"),
            (n.urgency, hei, "urgency"),
        ):
            if text:
                ln = Line(
                    [Run(text, st)],
                    0.0,
                    self.grid_baseline(k * P, st),
                    self.ls_grid,
                    self.natural_width([Run(text, st)]) + self.ls_grid * (len(text) - 1),
                    kind,
                )
                lines.append(ln)
                k += 1

        top = hd["mark_offset_mm"] * MM
        mark_lines, mark_bottom = self.issuer_mark(n.issuer_organs, n.issuer_suffix, top, red)
        lines += mark_lines

        # 发文字号: two lines below the mark, centred; with 签发人 (上行文): 文号 居左空一字 on the line of the
        # last 签发人, who stand 居右空一字 (§7.2.5–.6)
        box = mark_bottom + hd["number_lines_below_mark"] * P
        if n.signers:
            signer_lines, last_base = self.signer_lines(n.signers, box)
            lines += signer_lines
            nline = Line(
                [Run(n.number.text, self.body)],
                self.cell,
                last_base,
                self.ls_grid,
                self.natural_width([Run(n.number.text, self.body)]),
                "docnumber",
            )
        else:
            nline = self.centered(n.number.text, self.body, kind="docnumber")
            nline.baseline = self.grid_baseline(box, self.body)
        lines.append(nline)

        # red rule 4 mm below the 文号, as wide as the 版心
        ry = nline.baseline + 0.12 * self.S + hd["rule_gap_mm"] * MM
        rt = hd["rule_thickness_mm"] * MM
        rules = [Rule(0.0, ry, self.W, rt, red)]
        return lines, rules, ry + rt + hd["title_lines_below_rule"] * P

    def issuer_mark(self, organs: list[str], suffix: str, top: float, color: str) -> tuple[list[Line], float]:
        """发文机关标志, its top edge at `top`, centred, red 小标宋. One organ: one line, shrunk to fit the
        版心. Joint (§7.2.4): the organs stacked, 主办机关 first, spaced out to one width, the suffix
        (“文件”) to their right, vertically centred on them. Returns the lines and the mark's bottom."""
        g = self.mark_geometry(organs, suffix)
        st = Style("xiaobiaosong", g.size, color=color)
        if not g.joint:
            ln = self.centered("".join(organs) + suffix, st, kind="mark")
            ln.baseline = top + 0.88 * st.size  # ideographic em box top at `top`
            return [ln], top + st.size
        size, names_w, pitch = g.size, g.names_em, g.line_em * g.size
        x0 = (self.W - g.width) / 2
        out = []
        for i, organ in enumerate(organs):
            w = self.natural_width([Run(organ, st)])
            ls = (names_w * size - w) / (len(organ) - 1) if len(organ) > 1 else 0.0
            out.append(Line([Run(organ, st)], x0, top + i * pitch + 0.88 * size, ls, names_w * size, "mark"))
        bottom = top + (len(organs) - 1) * pitch + size
        if suffix:
            centre = (top + bottom) / 2
            out.append(
                Line(
                    [Run(suffix, st)],
                    x0 + (names_w + g.gap_em) * size,
                    centre - size / 2 + 0.88 * size,
                    0.0,
                    g.suffix_em * size,
                    "mark-suffix",
                )
            )
        return out, bottom

    def mark_geometry(self, organs: list[str], suffix: str) -> MarkGeometry:
        """The mark's geometry from the advances of the very font the PDF embeds."""
        unit = Style("xiaobiaosong", 1.0)
        return mark_geometry(self.h, organs, suffix, lambda text: self.natural_width([Run(text, unit)]))

    def signer_lines(self, signers: list[str], box_top: float) -> tuple[list[Line], float]:
        """签发人 (上行文, §7.2.6): “签发人：” 仿宋 and the names 楷体, 居右空一字, two names a line, the
        names of further lines aligned with the first name. Returns the lines and the last baseline."""
        kai = Style("kaiti", self.S)
        label = [Run("签发人：", self.body)]
        label_w = self.natural_width(label) + self.ls_grid * 4
        rows = [signers[i : i + 2] for i in range(0, len(signers), 2)]

        def row_runs(names):
            return [Run("　".join(names), kai)]

        def width(runs):
            k = sum(len(r.text) for r in runs)
            return self.natural_width(runs) + self.ls_grid * k

        names_w = max(width(row_runs(r)) for r in rows)
        names_x = self.W - self.cell - names_w
        out = []
        base = 0.0
        for i, names in enumerate(rows):
            base = self.grid_baseline(box_top + i * self.P, self.body)
            if i == 0:
                out.append(Line(label, names_x - label_w, base, self.ls_grid, label_w, "signer-label"))
            rr = row_runs(names)
            out.append(Line(rr, names_x, base, self.ls_grid, width(rr), "signer"))
        return out, base

    # -- 主体 (§7.3) -------------------------------------------------------------------------------
    def main_rows(self, doc: Document) -> list["Row"]:
        """Title, 主送机关, 正文 (paragraphs and sections), 附件说明, 署名, 成文日期, 附注."""
        h, n = self.h, doc.notice
        indent2 = self.indent2
        rows: list[Row] = []
        tst = Style("xiaobiaosong", float(h["sizes_pt"]["title"]))
        for t in self.title_lines(n.title_lines, tst):
            rows.append(Row(self.centered(t, tst, kind="title"), keep_next=True))
        rows += [Row(None, keep_next=True)] * h["body"]["recipients_lines_below_title"]
        if n.recipients:
            for ln in self.paragraph_lines([Run(n.recipients + "：", self.body)], 0.0, kind="recipients"):
                rows.append(Row(ln, keep_next=True))
        first_body = len(rows)
        for p in n.body:
            rows += self.para_rows(self.inline_runs(p.inlines, self.body), indent2, ref=p)
        rows += self.section_rows(n.sections)
        if len(rows) > first_body:
            rows[first_body].hold = True  # §7.3.1: the first page shows 正文, whatever is kept together later
        if rows and rows[-1].line is not None:
            rows[-1].keep_next = True  # §7.3.5.5: the page of the 署名 carries at least one line of 正文
        if doc.attachment_note:
            rows += [Row(None, keep_next=True)] * h["body"]["attachment_note_lines_before"]
            label = "附件："
            lw = self.natural_width([Run(label, self.body)]) + len(label) * self.ls_grid
            for i, name in enumerate(doc.attachment_note):
                runs = [Run((label if i == 0 else "") + name, self.body)]
                first = indent2 if i == 0 else indent2 + lw
                lines = self.paragraph_lines(runs, first, indent2 + lw, justify=False, kind="attachment-note")
                # an attachment's name is not split over two pages; between names the page may turn
                rows += [Row(ln, keep_next=j < len(lines) - 1) for j, ln in enumerate(lines)]
        if rows:
            rows[-1].keep_next = True
        rows += self.signature_rows(
            n.signatures, n.date_text, keep_date=bool(n.note or n.seal_by), seal_by=n.seal_by, keep_seal_by=bool(n.note)
        )  # 代章, 附注 right below the date
        if n.note:
            rows += [Row(ln) for ln in self.paragraph_lines([Run(f"（{n.note}）", self.body)], indent2, kind="note")]
        return rows

    def section_rows(self, sections) -> list["Row"]:
        """Sections at every level of §7.3.3: 一、 黑体 and （一） 楷体 on lines of their own (kept with what
        follows), 1. and （1） run in with their lead sentence and first paragraph, all indented two
        characters."""
        rows: list[Row] = []
        for s in sections:
            if s.level <= 2:
                st = Style("heiti", self.S) if s.level == 1 else Style("kaiti", self.S)
                runs = [Run(s.label, st)] + self.inline_runs(s.heading, st)
                rows += self.para_rows(runs, self.indent2, kind=f"heading{s.level}", keep_next=True, ref=s)
                for p in s.paragraphs:
                    rows += self.para_rows(self.inline_runs(p.inlines, self.body), self.indent2, ref=p)
            else:
                paras = s.paragraphs or [Paragraph([])]
                first = (
                    [Run(s.label, self.body)]
                    + self.inline_runs(s.heading, self.lead)
                    + self.inline_runs(paras[0].inlines, self.body)
                )
                rows += self.para_rows(first, self.indent2, kind="item" if s.level == 3 else "item4", ref=s)
                for p in paras[1:]:
                    rows += self.para_rows(self.inline_runs(p.inlines, self.body), self.indent2, ref=p)
            rows += self.section_rows(s.children)
        return rows

    def signature_rows(
        self,
        signatures: list[str],
        date_text: str,
        keep_date: bool = False,
        seal_by: str = "",
        keep_seal_by: bool = False,
    ) -> list["Row"]:
        """署名 and 成文日期 of a sealed document (§7.3.5.1): the date 右空四字; one organ's name centred over
        the date; joint organs in order, two to a row where they fit (the last centred over the date),
        else one to a row, rows spaced for their seals. A name wider than its room wraps. A 代章 line
        （…代章） on the line under the date, centred on it like the 署名."""
        h = self.h
        rows: list[Row] = [Row(None, keep_next=True)] * h["body"]["signature_lines_before"]
        date_runs = [Run(date_text, self.body)]
        dw = self.natural_width(date_runs) + self.ls_grid * (len(date_text) - 1)
        dx = self.W - h["body"]["date_right_chars"] * self.cell - dw
        centre = dx + dw / 2

        def over_date(name: str, kind: str = "signature") -> list[Line]:
            lines = self.paragraph_lines([Run(name, self.body)], 0.0, justify=False, kind=kind)
            for ln in lines:
                ln.x = max(0.0, min(centre - ln.width / 2, self.W - ln.width))
            return lines

        def width(name: str) -> float:
            return self.natural_width([Run(name, self.body)]) + self.ls_grid * (len(name) - 1)

        gap = self.cell  # the names apart by one character; their seals' centres are far more than a seal apart
        pairs = signature_pairs(signatures)
        fits = all(len(p) == 1 or width(p[0]) <= max(0.0, centre - width(p[1]) / 2) - gap for p in pairs)
        groups = pairs if fits else [[s] for s in signatures]
        row_gap = int(h["body"]["joint_signature_row_gap_lines"])
        # the first names of rows of two stand in one column, centred on one line (the narrowest room)
        rights = [over_date(g[-1]) for g in groups]
        rooms = [r[0].x - gap for g, r in zip(groups, rights) if len(g) == 2]
        for gi, (group, right) in enumerate(zip(groups, rights)):
            if gi:
                rows += [Row(None, keep_next=True)] * row_gap
            extra: list[Line] = []
            if len(group) == 2:
                lw = width(group[0])
                room = min(rooms)
                extra = [Line([Run(group[0], self.body)], max(0.0, (room - lw) / 2), 0, self.ls_grid, lw, "signature")]
            for i, ln in enumerate(right):
                rows.append(Row(ln, keep_next=True, extra=extra if i == len(right) - 1 else []))
        rows.append(Row(Line(date_runs, dx, 0, self.ls_grid, dw, "date"), keep_next=keep_date))
        if seal_by:
            lines = over_date(f"（{seal_by}代章）", kind="seal-by")
            rows += [Row(ln, keep_next=keep_seal_by or k < len(lines) - 1) for k, ln in enumerate(lines)]
        return rows

    # -- 附件 (§7.3.7) -----------------------------------------------------------------------------
    def attachment_rows(self, att) -> list["Row"]:
        """A new page; “附件” 3号黑体 top left; the title centred on line 3 (with a 楷体 subtitle line if
        any); a blank line; the attachment's body like the 正文."""
        h = self.h
        hei = Style("heiti", self.S)
        rows = [
            Row(
                Line([Run(att.label, hei)], 0, 0, self.ls_grid, 0, "attachment-label"),
                break_before=True,
                keep_next=True,
                ref=att,
            )
        ]
        rows += [Row(None, keep_next=True)] * h["attachment"]["title_lines_below_label"]
        tst = Style("xiaobiaosong", float(h["sizes_pt"]["title"]))
        for t in self.title_lines(att.title_lines, tst):
            rows.append(Row(self.centered(t, tst, kind="attachment-title"), keep_next=True, ref=att))
        if att.subtitle:
            for ln in self.paragraph_lines(
                [Run(att.subtitle, Style("kaiti", self.S))], 0.0, justify=False, kind="attachment-subtitle"
            ):
                ln.x = (self.W - ln.width) / 2
                rows.append(Row(ln, keep_next=True, ref=att))
        rows += [Row(None, keep_next=True)] * h["attachment"]["body_lines_below_title"]
        for p in att.preamble:
            rows += self.para_rows(self.inline_runs(p.inlines, self.body), self.indent2, ref=p)
        rows += self.section_rows(att.parts)
        return rows

    def place_seals(self, doc: Document, pages: list[Page]) -> None:
        """Electronic seals (§7.3.5.1): one per organ, 端正, centred on its 署名 (the last one also over the
        date), pressing the 署名 and the date so that they sit below the seal's centre; the first row's
        top within one line of the text above (house: seal_gap_lines)."""
        hb = self.h["body"]
        d = float(hb["seal_diameter_mm"]) * MM
        gap = float(hb["seal_gap_lines"]) * self.P
        sigs = doc.notice.signatures
        for page in pages:
            lines = [ln for ln in page.lines if ln.kind == "signature"]
            if not lines:
                continue
            half = page.pitch / 2 + 0.38 * self.S  # baseline → top of its grid line
            first_top = min(ln.baseline for ln in lines) - half
            above = [
                ln.baseline + page.pitch - half
                for ln in page.lines
                if ln.kind not in ("signature", "date", "footnote") and ln.baseline < first_top + half - 1
            ]
            text_bottom = max(above) if above else first_top - 2 * page.pitch
            # the seal centre's height above the top of its 署名's grid line, the same for every row
            lift = first_top - (text_bottom + gap + d / 2)
            for k, (name, path) in enumerate(zip(sigs, doc.notice.seals)):
                mine = [ln for ln in lines if ln.text and ln.text in name] or lines[k : k + 1]
                if not mine:
                    continue
                top = min(ln.baseline for ln in mine) - half
                cx = sum(ln.x + ln.width / 2 for ln in mine) / len(mine)
                wd, ht = seal_box(self.h, path)
                cy = top - lift
                page.images.append(Image(path, cx - wd / 2, cy - ht / 2, wd, ht))
            return

    def colophon_to_even_page(self, pages: list[Page]) -> None:
        """Duplex printing: the 版记 belongs on the last face, an even page. When it stands on an odd page,
        it moves to a new page after it (the back of that sheet), which carries no page number (§7.5)."""
        last = pages[-1]
        kinds = ("colophon-recipients", "colophon-cc", "colophon-printer", "colophon-date", "colophon-copies")
        moved = [ln for ln in last.lines if ln.kind in kinds]
        top = min((ln.baseline for ln in moved), default=self.H) - self.P
        rules = [r for r in last.rules if r.width >= self.W - EPS and r.y >= top]
        last.lines = [ln for ln in last.lines if ln not in moved]
        last.rules = [r for r in last.rules if r not in rules]
        pages.append(Page(0, lines=moved, rules=rules, pitch=self.P, footnote_top=self.H, numbered=False))

    def colophon_groups(self, doc: Document) -> list[list[list[Line]]]:
        """The 版记's parts (separated by rules) → its grid rows → the lines on each row."""
        c, h = doc.colophon, self.h
        st = Style("fangsong", float(h["sizes_pt"]["colophon"]))
        side = h["colophon"]["side_space_chars"] * st.size

        def at(runs: list[Run], right: bool, kind: str) -> Line:
            w = self.natural_width(runs)
            return Line(runs, self.W - side - w if right else side, 0, 0.0, w, kind)

        groups: list[list[list[Line]]] = []  # parts of the 版记 → grid rows → lines on the row
        # 主送 (moved to the 版记) and 抄送: 左右各空一字, wrapped lines aligned after the colon, no rule between
        top_group = []
        for text, kind in ((c.recipients_text, "colophon-recipients"), (c.cc_text, "colophon-cc")):
            if text:
                top_group += [
                    [ln]
                    for ln in self.paragraph_lines(
                        [Run(text, st)],
                        side,
                        side + self.natural_width([Run(text[:3], st)]),
                        avail=self.W - side,
                        ls=0.0,
                        kind=kind,
                    )
                ]
        if top_group:
            groups.append(top_group)
        # 印发机关 左空一字 and 印发日期 右空一字 on one line; a 印发机关 too long for the room left of the date
        # wraps, the date standing on its last line
        date = at([Run(c.print_date_text, st)], True, "colophon-date")
        room = date.x - side - st.size  # one character apart
        printer = self.paragraph_lines(
            [Run(c.printer, st)], 0.0, avail=room, ls=0.0, justify=False, kind="colophon-printer"
        )
        for ln in printer:
            ln.x = side
        rows_ = [[ln] for ln in printer]
        rows_[-1].append(date)
        groups.append(rows_)
        if c.copies_text:
            groups.append([[at([Run(c.copies_text, st)], True, "colophon-copies")]])
        return groups

    def colophon_height(self, doc: Document) -> float:
        return sum(len(g) for g in self.colophon_groups(doc)) * self.P

    def place_colophon(self, doc: Document, pages: list[Page]) -> None:
        """版记 at the foot of the last page: thick rule above its first row, thin rules between its
        parts, and its last (thick) rule with its bottom edge on the 版心 bottom edge (§7.4)."""
        h, P = self.h, self.P
        st = Style("fangsong", float(h["sizes_pt"]["colophon"]))
        thick = h["colophon"]["thick_rule_mm"] * MM
        thin = h["colophon"]["thin_rule_mm"] * MM
        groups = self.colophon_groups(doc)
        height = sum(len(g) for g in groups) * P

        last = pages[-1]
        bottom = last.footnote_top
        text_bottom = max(
            (ln.baseline + 0.12 * ln.style.size for ln in last.lines if ln.kind != "footnote"), default=0.0
        )
        if text_bottom + 0.2 * P + height > bottom + EPS:  # no room under the text: a page of its own
            last = Page(0, pitch=P, footnote_top=self.H)
            pages.append(last)
            bottom = last.footnote_top
        y = bottom - height
        for gi, group in enumerate(groups):
            w = thick if gi == 0 else thin
            last.rules.append(Rule(0.0, y - w / 2, self.W, w))
            for row in group:
                for ln in row:
                    ln.baseline = self.grid_baseline(y, st)
                    last.lines.append(ln)
                y += P
        last.rules.append(Rule(0.0, bottom - thick, self.W, thick))
