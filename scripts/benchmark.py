#!/usr/bin/env python3
"""基准：整次 `python build.py --year 2024` 的耗时（多次运行取中位数）和 PDF 大小。

用法：python scripts/benchmark.py [--runs 7] [--year 2024]
打印的是本机的实测值；机器忙时绝对值会波动，请看中位数。
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description="公文生成基准")
    ap.add_argument("--runs", type=int, default=7, help="运行次数（默认 7）")
    ap.add_argument("--year", default="2024", help="年度（默认 2024）")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, str(ROOT / "build.py"), "--year", args.year, "--output", tmp, "-q"],
                           check=True, cwd=ROOT)
            times.append(time.perf_counter() - t0)
        pdfs = list((Path(tmp) / args.year).glob("*.pdf"))
        size = pdfs[0].stat().st_size if pdfs else 0
        # in-process phases of one warm build (imports already done)
        sys.path.insert(0, str(ROOT))
        import os
        from gongwen.source import load_document
        from gongwen.fonts import resolve_fonts
        from gongwen.house import load_house
        from gongwen.pdf import build_html, write_pdf
        from gongwen.transforms import resolve
        t0 = time.perf_counter()
        house = load_house()
        doc = resolve(load_document(ROOT / "content" / args.year))
        t1 = time.perf_counter()
        fonts = resolve_fonts(house["fonts"], Path(tmp) / ".cache")
        os.environ["FONTCONFIG_FILE"] = str(fonts.config_file)
        t2 = time.perf_counter()
        build_html(doc, house, fonts)
        t3 = time.perf_counter()
        write_pdf(doc, house, fonts, Path(tmp) / "x.pdf")
        t4 = time.perf_counter()
        from gongwen.docx import write_docx
        from gongwen.libreoffice import docx_to_pdf
        docx_times, lo_times = [], []
        profile = Path(tmp) / "lo-profile"
        for _ in range(args.runs):
            a = time.perf_counter()
            write_docx(doc, house, Path(tmp) / "x.docx")
            docx_times.append(time.perf_counter() - a)
        for _ in range(min(args.runs, 3)):
            a = time.perf_counter()
            docx_to_pdf(Path(tmp) / "x.docx", Path(tmp) / "lo", fonts.alias_config(), profile=profile)
            lo_times.append(time.perf_counter() - a)
    saves = watch_rebuild_times(args.year, args.runs)
    print(f"整次构建（PDF + DOCX，{args.runs} 次）：中位数 {statistics.median(times):.2f} 秒，"
          f"最快 {min(times):.2f} 秒，最慢 {max(times):.2f} 秒")
    print(f"PDF 大小：{size / 1024:.0f} KB")
    print(f"进程内分段（第二次，模块已加载）：读取与转换 {t1 - t0:.3f} 秒，字体 {t2 - t1:.3f} 秒，"
          f"分行分页+HTML {t3 - t2:.3f} 秒，WeasyPrint 全部 {t4 - t3:.3f} 秒")
    print(f"DOCX 写出（进程内，{args.runs} 次）：中位数 {statistics.median(docx_times):.3f} 秒；"
          f"同一 DOCX 由 LibreOffice 转 PDF（{len(lo_times)} 次，首次含建配置）：中位数 {statistics.median(lo_times):.2f} 秒，"
          f"为 DOCX 写出的 {statistics.median(lo_times) / statistics.median(docx_times):.0f} 倍")
    print(f"监视模式：保存后到新 PDF 写好（{len(saves)} 次保存）：中位数 {statistics.median(saves):.2f} 秒，"
          f"最快 {min(saves):.2f} 秒，最慢 {max(saves):.2f} 秒")
    return 0


def watch_rebuild_times(year: str, saves: int) -> list[float]:
    """Seconds from saving a content file to the watcher reporting the new PDF, for several saves."""
    import shutil
    from queue import Queue
    from threading import Thread
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        shutil.copytree(ROOT / "content" / year, content / year)
        proc = subprocess.Popen([sys.executable, "-u", str(ROOT / "build.py"), "--year", year, "--content", str(content),
                                 "--output", str(Path(tmp) / "out"), "--format", "pdf", "--watch"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        lines: Queue = Queue()
        Thread(target=lambda: [lines.put(ln) for ln in proc.stdout], daemon=True).start()

        def wait(word: str) -> None:
            while word not in lines.get(timeout=120):
                pass
        try:
            wait("完成")
            times = []
            att = content / year / "attachment.yaml"
            for k in range(saves):
                text = att.read_text(encoding="utf-8")
                t0 = time.perf_counter()
                att.write_text(text.replace("。", f"。{k}" if k == 0 else "。", 1) if k == 0 else text + f"# {k}\n",
                               encoding="utf-8")
                wait("已生成")
                times.append(time.perf_counter() - t0)
                wait("继续监视")
            return times
        finally:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
