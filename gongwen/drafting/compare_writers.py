"""Writers of the year-over-year comparison: a DOCX with real tracked changes (Word's 审阅 pane lists
them and can accept or reject each) and a PDF showing insertions and deletions in colour. Both open with
the summary (items added, removed, changed, moved)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2

from docx.oxml.ns import qn

from ..docx import DocxWriter
from ..docx import ooxml as ox
from ..docx.writer import LEVEL_STYLES
from .compare import NOTE_CHAR, Comparison
from ..fonts import FontSet
from ..house import House
from ..model import Document


def label_ops(old: str, new: str) -> list[tuple[str, str]]:
    """A number as a change of its own: kept, or the old one deleted and the new one inserted, so that
    Reject All shows every old number and Accept All every new one."""
    if old == new:
        return [("equal", new)] if new else []
    return ([("delete", old)] if old else []) + ([("insert", new)] if new else [])


class CompareDocx(DocxWriter):
    """The comparison as tracked changes: Accept All gives the new year, Reject All the old one — words,
    numbers (typed here, each a change of its own) and footnotes (real Word footnotes, a note added or
    removed as a tracked reference)."""

    def __init__(self, doc: Document, house: House, cmp: Comparison):
        super().__init__(doc, house)
        self.cmp = cmp
        date = dt.datetime.combine(doc.notice.stamp_date, dt.time(0, 0)).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.rev = ox.Revisions(f"{cmp.old_year}→{cmp.new_year}年度对照", date)

    def para(self, style: str, runs: list | None = None, text: str | None = None):
        p = super().para(style, runs, text)
        if style in LEVEL_STYLES:  # the numbers are typed revisions here, not the list the styles name
            ox.put(p.find(qn("w:pPr")), ox.numbering(0, 0), ox.PPR_ORDER)
        return p

    def runs(self, op: str, text: str) -> list:
        """Runs of one diff stretch: text, and a footnote reference for each footnote character."""
        out = []
        pos = 0
        for m in list(NOTE_CHAR.finditer(text)) + [None]:
            chunk = text[pos : m.start()] if m else text[pos:]
            if chunk:
                out.append(
                    ox.text_run(chunk)
                    if op == "equal"
                    else self.rev.inserted(chunk)
                    if op == "insert"
                    else self.rev.deleted(chunk)
                )
            if m:
                ref = self.notes.add(self.cmp.notes.texts.get(m.group(), ""))
                out.append(ref if op == "equal" else self.rev.wrap("ins" if op == "insert" else "del", ref))
                pos = m.end()
        return out

    def tracked(
        self, style: str, ops: list[tuple[str, str]], number: list[tuple[str, str]] | None = None, whole: str = ""
    ) -> None:
        """Paragraph(s) from diff runs; a "\\n" inside the runs starts a new paragraph.

        A paragraph mark ends its paragraph, so a "\\n" inserted or deleted tracks the mark of the paragraph
        it closes. `whole` ("ins" / "del") marks a paragraph inserted or deleted entirely, marks included.
        `number`: the number's own ops (label_ops)."""
        ops = list(number or []) + list(ops)
        merged: list[tuple[str, str]] = []
        for op, text in ops:  # one revision per stretch: "3." and its text are one deletion
            if merged and merged[-1][0] == op:
                merged[-1] = (op, merged[-1][1] + text)
            else:
                merged.append((op, text))
        p = self.para(style)
        paragraphs = [p]
        for op, text in merged:
            for k, chunk in enumerate(text.split("\n")):
                if k:
                    if op != "equal" and not whole:
                        self.rev.mark_paragraph(p, "ins" if op == "insert" else "del")
                    p = self.para("Normal")
                    paragraphs.append(p)
                for r in self.runs(op, chunk):
                    p.append(r)
        if whole:
            for q in paragraphs:
                self.rev.mark_paragraph(q, whole)

    def build(self) -> bytes:
        m, cmp = self.m, self.cmp
        self.install_styles()
        title = cmp.title
        head = self.para("GwTitle", text=title)
        head.append(ox.break_run())
        head.append(ox.text_run(f"（与{cmp.old_year}年度对照稿）"))
        for line in cmp.summary_lines():
            self.para("GwRecipients", text=line)
        if cmp.notice:  # the notice, field by field
            self.para("GwRecipients", text="发文通知")
            for name, ops in cmp.notice:
                self.tracked("GwRecipients", ops, number=[("equal", f"{name}：")])
        if m.attachments:
            self.para("GwAttachLabel", text="附件")
            self.tracked("GwAttachTitle", cmp.title_ops)
        self.tracked("Normal", cmp.preamble_ops)
        for part in cmp.parts:
            style = LEVEL_STYLES[min(part.level, 2) - 1]  # 一、 or （一）
            whole = {"added": "ins", "removed": "del"}.get(part.kind, "")
            if part.old_title or part.new_title:  # (none: items with no 一、 heading above them)
                self.tracked(style, part.title_ops(), label_ops(part.old_label, part.new_label), whole=whole)
            if part.old_intro or part.new_intro:  # its own paragraphs (导语)
                self.tracked("Normal", part.intro_ops(), whole=whole)
            for e in part.entries:
                if e.kind in ("removed", "moved-from"):
                    self.tracked("GwItem", e.ops(), [("delete", e.old_label)], whole="del")
                elif e.kind in ("added", "moved"):
                    self.tracked("GwItem", e.ops(), [("insert", e.new_label)], whole="ins")
                else:
                    self.tracked("GwItem", e.ops(), label_ops(e.old_label, e.new_label))
        return self.finish(title=f"{title}（与{cmp.old_year}年度对照稿）")


def write_compare_docx(doc: Document, house: House, cmp: Comparison, target: Path) -> None:
    target.write_bytes(CompareDocx(doc, house, cmp).build())


def write_compare_pdf(doc: Document, house: House, fonts: FontSet, cmp: Comparison, target: Path, worker=None) -> None:
    """`worker`: the build's render process, if it has one."""
    from ..layout import PAGE_NUMBER
    from ..pdf import TEMPLATES
    from ..pdf.engine import render

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=jinja2.StrictUndefined
    )
    family = {role: rf.family for role, rf in fonts.roles.items()}
    html = env.get_template("compare.html.j2").render(
        cmp=cmp,
        title=cmp.title,
        attachment=bool(doc.attachments),
        fonts=family,
        created=doc.notice.stamp_date.isoformat(),
        red=house["colors"]["red"],
        page_number=PAGE_NUMBER.split("{}"),  # “— N —”, as the document's pages write it
    )
    (worker.render if worker is not None else render)(html, target)
