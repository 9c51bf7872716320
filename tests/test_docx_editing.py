"""The DOCX survives the editing it is handed out for: edits done as a clerk does them — with LibreOffice
through UNO (tests/lo_uno.py) standing in for Word — then the result rendered by LibreOffice and measured.

Expected values come from the content (content/2024 as loaded), never from our DOCX: the part sizes, the
leads, the numbering rule (items run on through the plan).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, displayed_numbers, libreoffice_text

SYSTEM_PYTHON = "/usr/bin/python3"


def cn(n: int) -> str:
    digits = "〇一二三四五六七八九"
    return digits[n] if n < 10 else ("" if n < 20 else digits[n // 10]) + "十" + (digits[n % 10] if n % 10 else "")


def expected_numbers(part_sizes: list[int]) -> list[str]:
    """一、 then its items 1. 2. … running on, for parts of these sizes (the 2024 plan's rule)."""
    out, item = [], 0
    for k, size in enumerate(part_sizes, 1):
        out.append(f"{cn(k)}、")
        for _ in range(size):
            item += 1
            out.append(f"{item}.")
    return out


def run_uno(jobs: list[dict], tmp: Path, fontconfig: Path | None = None) -> None:
    """Run the edits of `jobs` in one LibreOffice (with the build's font aliases, for PDFs to measure)."""
    import os

    assert shutil.which(SYSTEM_PYTHON) and subprocess.run([SYSTEM_PYTHON, "-c", "import uno"]).returncode == 0, (
        "LibreOffice's Python bridge is missing: bash scripts/setup.sh --test installs python3-uno"
    )
    job_file = tmp / "jobs.json"
    job_file.write_text(json.dumps(jobs, ensure_ascii=False), encoding="utf-8")
    env = dict(os.environ, **({"FONTCONFIG_FILE": str(fontconfig)} if fontconfig else {}))
    r = subprocess.run(
        [SYSTEM_PYTHON, str(ROOT / "tests" / "lo_uno.py"), str(job_file)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert r.returncode == 0, r.stderr


def font_aliases(pdf_path: Path) -> Path:
    confs = sorted((pdf_path.parent.parent / ".cache").glob("fontconfig-*/fonts-aliases.conf"))
    assert confs, "the build wrote no fontconfig alias file"
    return confs[0]


@pytest.fixture(scope="module")
def plan():
    from gongwen.source import load_year
    from gongwen.transforms import resolve

    return resolve(load_year(ROOT / "content" / "2024")[0])


@pytest.fixture(scope="module")
def edited(pdf_path, plan, tmp_path_factory) -> dict[str, Path]:
    """The 2024 DOCX as built, edited in LibreOffice: an item inserted after 8., part 四 deleted."""
    tmp = tmp_path_factory.mktemp("edited")
    docx = pdf_path.with_suffix(".docx")
    parts = plan.attachments[0].parts
    lead = lambda s: "".join(x.text for x in s.heading)  # noqa: E731
    item8 = next(i for i in plan.items if i.label == "8.")
    jobs = [
        {
            "input": str(docx),
            "docx": str(tmp / "inserted.docx"),
            "ops": [["enter_after", lead(item8), "开展人工智能教育试点。在全区中小学开设人工智能通识课程。"]],
        },
        {
            "input": str(docx),
            "docx": str(tmp / "deleted.docx"),
            "ops": [["delete_from_to", lead(parts[3]), lead(parts[4])]],
        },
    ]
    run_uno(jobs, tmp)
    return {"inserted": tmp / "inserted.docx", "deleted": tmp / "deleted.docx", "tmp": tmp}


def test_an_item_inserted_after_8_renumbers_everything_after_it(edited, plan, tmp_path):
    sizes = [len(p.children) for p in plan.attachments[0].parts]
    shown = displayed_numbers(libreoffice_text(edited["inserted"], tmp_path))
    shown = shown[shown.index("一、") :]
    sizes[1] += 1  # item 8 is in part 二
    assert shown == expected_numbers(sizes)
    lines = libreoffice_text(edited["inserted"], tmp_path / "again")
    k = next(i for i, line in enumerate(lines) if "开展人工智能教育试点" in line)
    assert lines[k].startswith("9.") and lines[k + 1].startswith("10.")  # the new item is 9., the old 9. is 10.


def test_deleting_part_four_renumbers_the_parts_and_items_after_it(edited, plan, tmp_path):
    sizes = [len(p.children) for p in plan.attachments[0].parts]
    del sizes[3]
    shown = displayed_numbers(libreoffice_text(edited["deleted"], tmp_path))
    shown = shown[shown.index("一、") :]
    assert shown == expected_numbers(sizes)
    lines = libreoffice_text(edited["deleted"], tmp_path / "again")
    five = "".join(x.text for x in plan.attachments[0].parts[4].heading)
    assert any(line.startswith("四、") and five[:10] in line for line in lines)  # old 五、 now reads 四、


def test_the_edited_docx_imports_with_the_numbers_it_shows(edited, tmp_path):
    """The edited DOCX comes back (--import) with its structure: the numbers the imported content is
    printed with are those LibreOffice shows in the edited DOCX."""
    from gongwen.source import load_year
    from gongwen.source.docx_import import import_docx, write_content
    from gongwen.transforms import resolve

    for name in ("inserted", "deleted"):
        result = import_docx(edited[name])
        assert result.unplaced == [], result.unplaced
        target = tmp_path / name / "2030"
        write_content(result, target, edited[name])
        doc = resolve(load_year(target)[0])
        labels = [s.label for s in _walk(doc.attachments[0].parts)]
        shown = displayed_numbers(libreoffice_text(edited[name], tmp_path / f"{name}-lo"))
        assert labels == shown[shown.index("一、") :]


def _walk(sections):
    for s in sections:
        yield s
        yield from _walk(s.children)


def test_the_signature_stays_centred_on_the_date_when_the_clerk_changes_the_date(pdf_path, tmp_path):
    """2024年2月4日 → 2024年12月24日 (two digits more) in LibreOffice: the 署名 is still centred on the date
    (centres within 0.5 mm). Both are centred on one tab stop, so the longer date reaches half its extra
    width further right: 右空四字 as built, 3½ characters in Word after this edit. LibreOffice sets digits
    beside Chinese wider (it ignores w:autoSpaceDE), so there the date stands ~0.6 character further right
    already as built, ~3 after the edit."""
    import pdfplumber
    from conftest import TYPE_RIGHT_MM, mm, text_lines

    docx = pdf_path.with_suffix(".docx")
    jobs = [
        {"input": str(docx), "pdf": str(tmp_path / "as-built.pdf")},
        {
            "input": str(docx),
            "pdf": str(tmp_path / "edited.pdf"),
            "ops": [["replace", "2024年2月4日", "2024年12月24日"]],
        },
    ]
    run_uno(jobs, tmp_path, font_aliases(pdf_path))
    for name, date in (("as-built", "2024年2月4日"), ("edited", "2024年12月24日")):
        with pdfplumber.open(tmp_path / f"{name}.pdf") as pdf:
            lines = [ln for page in pdf.pages for ln in text_lines(page)]
        k = next(i for i, ln in enumerate(lines) if ln.text.strip() == date)
        sig, day = lines[k - 1], lines[k]
        assert sig.text.strip() == "上海市宝山区教育局", sig.text
        assert abs((sig.x0 + sig.x1) / 2 - (day.x0 + day.x1) / 2) < 0.5, (name, sig.x0, sig.x1, day.x0, day.x1)
        right_chars = (TYPE_RIGHT_MM - day.x1) / mm(16.0)
        assert (3.2 < right_chars < 4.2) if name == "as-built" else (2.5 < right_chars < 3.7), (name, right_chars)


def colophon_facts(pdf_path: Path, last_lead: str = "") -> dict:
    """Where LibreOffice put the 版记: its page, whether that is the last page, the body lines on it, its
    last rule (mm from the paper top), whether each row's text is there, and the lines of the body from
    the line where `last_lead` starts to the end of the page."""
    import pdfplumber
    from conftest import mm, read_page, text_lines

    with pdfplumber.open(pdf_path) as pdf:
        pages = list(pdf.pages)
        at = [i for i, p in enumerate(pages) if any("印发" in ln.text for ln in text_lines(p))]
        page = pages[at[-1]] if at else pages[-1]
        rules = sorted(
            mm(r["top"] + r["bottom"]) / 2
            for r in page.lines + page.rects
            if abs(mm(r["x1"] - r["x0"]) - 156) < 1 and mm(r["bottom"] - r["top"]) < 1
        )
        texts = [ln.text.replace(" ", "") for ln in text_lines(page)]
        body = [ln.text.replace(" ", "") for ln in read_page(page).body if ln.size >= 15.5]
        tail = next((len(body) - i for i, t in enumerate(body) if last_lead and last_lead in t), 0)
        return {
            "pages": len(pages),
            "page": at[-1] + 1 if at else None,
            "rules": rules,
            "body": len(body),
            "tail": tail,
            "rows": all(
                any(x in t for t in texts) for x in ("上海市宝山区教育局办公室", "2024年2月4日印发", "共印350份")
            ),
        }


def test_the_colophon_stays_at_the_foot_of_the_last_page_over_a_sweep_of_added_lines(pdf_path, plan, tmp_path):
    """1–12 lines added after the last item as a clerk adds them (Enter at its end, then a line of text),
    and 1–12 lines' worth of text typed at the end of the last item, rendered by LibreOffice. Whenever the last item, the added lines and the 版记 fit on one page, the 版记
    is on the last page, its last rule on the 版心 bottom edge, every row there, with body text above it.
    Past that (the end of the body longer than a page can hold with the 版记) it stays on the page where
    the last item starts — with that item, never alone on a page and never clipped."""
    from conftest import LINES_PER_PAGE

    docx = pdf_path.with_suffix(".docx")
    lead = "".join(x.text for x in plan.items[-1].lead)
    line = "加强督导检查，确保各项工作任务落到实处并取得实效，形成长效机制。"[:28]  # one full line of the 版心
    jobs = [
        {"input": str(docx), "pdf": str(tmp_path / f"add{k}.pdf"), "ops": [["type_lines", lead, k]] if k else []}
        for k in range(0, 13)
    ]
    jobs += [
        {"input": str(docx), "pdf": str(tmp_path / f"in{k}.pdf"), "ops": [["append_text", lead, line * k]]}
        for k in range(1, 13)
    ]
    run_uno(jobs, tmp_path, font_aliases(pdf_path))
    first = colophon_facts(tmp_path / "add0.pdf", lead)
    item_lines, rows = first["tail"], 3
    assert item_lines >= 5, first  # the last item, kept whole with the 版记
    fitting = [k for k in range(0, 13) if item_lines + k + rows < LINES_PER_PAGE]
    assert fitting[-1] >= 7  # the sweep of the issue (7–9 lines left the 版记 alone) is inside it
    bad = []
    for name, k in [("add", k) for k in range(0, 13)] + [("in", k) for k in range(1, 13)]:
        f = colophon_facts(tmp_path / f"{name}{k}.pdf", lead)
        foot = bool(f["rules"]) and abs(f["rules"][-1] - 262.0) < 0.5 and f["rows"] and f["body"] > 0
        if not foot or (k in fitting and f["page"] != f["pages"]):
            bad.append((name, k, f))
    assert bad == [], bad
