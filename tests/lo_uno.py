"""Edits done to a DOCX the way a clerk does them, by LibreOffice through UNO (standing in for Word).

Run by the system Python that has LibreOffice's `uno` module (Debian: python3-uno), never imported by the
tests' interpreter:

    /usr/bin/python3 tests/lo_uno.py jobs.json

jobs.json: a list of {"input": DOCX, "docx": where to save the edited DOCX, "pdf": where to export it as
PDF (optional), "ops": [...]}. The operations are what a user does with the keyboard:

    ["enter_after", TEXT, NEW]   put the cursor at the end of the paragraph whose text starts with TEXT,
                                 press Enter and type NEW (the new paragraph takes the style and list of
                                 the one it was made from, as in Word)
    ["delete_from_to", A, B]     select from the start of the paragraph starting with A to the start of
                                 the one starting with B, and press Delete
    ["type_lines", TEXT, N]      at the end of the paragraph starting with TEXT, press Enter and type a
                                 line of text, N times
    ["append_text", TEXT, MORE]  at the end of the paragraph starting with TEXT, type MORE
    ["accept_all"] / ["reject_all"]   审阅 → 接受/拒绝所有修订
    ["replace", OLD, NEW]        查找和替换: every OLD becomes NEW

"txt" (optional): where to save the result as UTF-8 text (list numbers as displayed); "footnotes"
(optional): where to write the texts of its footnotes as JSON.

One soffice process serves every job (started here with its own profile, stopped at the end).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.text.ControlCharacter import PARAGRAPH_BREAK

DESKTOP_SM = DESKTOP_CTX = None


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(pipe: str, profile: str):
    proc = subprocess.Popen(
        [
            "soffice",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            f"-env:UserInstallation=file://{profile}",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    global DESKTOP_SM, DESKTOP_CTX
    for _ in range(240):
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            DESKTOP_SM, DESKTOP_CTX = ctx.ServiceManager, ctx
            return proc, ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:  # noqa: BLE001 — not listening yet
            time.sleep(0.25)
    proc.kill()
    raise SystemExit("soffice did not start")


def paragraphs(doc):
    """Every paragraph of the body, in order (tables' cells skipped)."""
    out = []
    enum = doc.Text.createEnumeration()
    while enum.hasMoreElements():
        el = enum.nextElement()
        if el.supportsService("com.sun.star.text.Paragraph"):
            out.append(el)
    return out


def find(doc, start: str):
    for p in paragraphs(doc):
        if p.getString().startswith(start):
            return p
    raise SystemExit(f"no paragraph starts with {start!r}")


def run_ops(doc, ops) -> None:
    text = doc.Text
    for op, *args in ops:
        if op == "enter_after":
            p = find(doc, args[0])
            cur = text.createTextCursorByRange(p.End)
            text.insertControlCharacter(cur, PARAGRAPH_BREAK, False)
            text.insertString(cur, args[1], False)
        elif op == "delete_from_to":
            a, b = find(doc, args[0]), find(doc, args[1])
            cur = text.createTextCursorByRange(a.Start)
            cur.gotoRange(b.Start, True)
            cur.setString("")
        elif op == "type_lines":
            p = find(doc, args[0])
            cur = text.createTextCursorByRange(p.End)
            for k in range(int(args[1])):
                text.insertControlCharacter(cur, PARAGRAPH_BREAK, False)
                text.insertString(cur, f"补充的第{k + 1}行文字，说明本条工作的具体安排。", False)
        elif op in ("accept_all", "reject_all"):
            frame = doc.getCurrentController().getFrame()
            dispatcher = DESKTOP_SM.createInstanceWithContext("com.sun.star.frame.DispatchHelper", DESKTOP_CTX)
            dispatcher.executeDispatch(
                frame,
                ".uno:AcceptAllTrackedChanges" if op == "accept_all" else ".uno:RejectAllTrackedChanges",
                "",
                0,
                (),
            )
        elif op == "replace":
            rd = doc.createReplaceDescriptor()
            rd.SearchString, rd.ReplaceString = args[0], args[1]
            doc.replaceAll(rd)
        elif op == "append_text":
            p = find(doc, args[0])
            cur = text.createTextCursorByRange(p.End)
            text.insertString(cur, args[1], False)
        else:
            raise SystemExit(f"unknown operation {op}")


def main() -> None:
    jobs = json.loads(open(sys.argv[1], encoding="utf-8").read())
    profile = tempfile.mkdtemp(prefix="gongwen-uno-")
    proc, desktop = connect(f"gongwen{os.getpid()}", profile)
    try:
        for job in jobs:
            url = uno.systemPathToFileUrl(os.path.abspath(job["input"]))
            doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
            run_ops(doc, job.get("ops", []))
            if job.get("docx"):
                doc.storeToURL(
                    uno.systemPathToFileUrl(os.path.abspath(job["docx"])), (prop("FilterName", "MS Word 2007 XML"),)
                )
            if job.get("txt"):
                doc.storeToURL(
                    uno.systemPathToFileUrl(os.path.abspath(job["txt"])),
                    (prop("FilterName", "Text (encoded)"), prop("FilterOptions", "UTF8")),
                )
            if job.get("footnotes"):
                notes = doc.getFootnotes()
                with open(job["footnotes"], "w", encoding="utf-8") as f:
                    json.dump([notes.getByIndex(k).getString() for k in range(notes.getCount())], f, ensure_ascii=False)
            if job.get("pdf"):
                doc.storeToURL(
                    uno.systemPathToFileUrl(os.path.abspath(job["pdf"])), (prop("FilterName", "writer_pdf_Export"),)
                )
            doc.close(True)
    finally:
        try:
            desktop.terminate()
        except Exception:  # noqa: BLE001 — the bridge goes down with the process
            pass
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
