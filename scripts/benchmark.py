#!/usr/bin/env python3
"""基准：在本机上并列实测，打印中位数（机器忙时绝对值会波动，请看同一次运行中的比值）。

  1. 冷启动生成（PDF + DOCX，整次 python build.py）与 LibreOffice 把同一 DOCX 转成 PDF 的用时，及两者之比；
     另测缓存为空（第一次生成，或换了内容的所有字体都有新字）时的用时，以及只用一个进程（GONGWEN_SERIAL=1）
     和不用任何 WeasyPrint 加速（GONGWEN_NO_LEVERS=1）时的用时；
  2. 监视模式（--watch）下保存内容文件到新 PDF 写出的用时；
  3. 生成一次的内存峰值：生成进程与渲染进程同时刻 RSS 之和（每 3 毫秒采样），以及单进程时的峰值；
  4. 2024 年内容的 1 倍、3 倍、10 倍（部分和条目重复）每页的生成用时；
  5. 在同一进程中，从排好的 2024 年页面写出 DOCX、交换用 OFD、存档用 OFD/A（字体换成 TrueType 字形）各自的用时。

用法：python scripts/benchmark.py [--runs 5] [--no-libreoffice]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BUILD = [sys.executable, str(ROOT / "build.py")]


def timed(cmd: list[str], **kw) -> tuple[float, int]:
    """Wall time (s) and peak RSS (KB) of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"失败：{' '.join(cmd)}\n{err}")
    return elapsed, usage.ru_maxrss


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            return next((int(ln.split()[1]) for ln in f if ln.startswith("VmRSS:")), 0)
    except OSError:
        return 0


def tree_peak_rss(cmd: list[str], env: dict | None = None) -> int:
    """Peak of the summed RSS (KB) of a process and its children, sampled every 3 ms."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    peak = 0
    while proc.poll() is None:
        pids, seen = [proc.pid], []
        while pids:
            p = pids.pop()
            seen.append(p)
            pids.extend(_children(p))
        peak = max(peak, sum(_rss_kb(p) for p in seen))
        time.sleep(0.003)
    if proc.returncode != 0:
        raise SystemExit(f"失败：{' '.join(cmd)}")
    return peak


def scaled_content(root: Path, factor: int) -> Path:
    """content/2024 with its parts repeated `factor` times (as year 2024 under `root`)."""
    target = root / f"x{factor}" / "2024"
    shutil.copytree(ROOT / "content" / "2024", target)
    att = target / "attachment.yaml"
    data = yaml.safe_load(att.read_text(encoding="utf-8"))
    data["部分"] = data["部分"] * factor
    att.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9), encoding="utf-8")
    return target.parent


def pages_of(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return int(next(ln.split()[-1] for ln in out.splitlines() if ln.startswith("Pages:")))


def watch_save_to_pdf(tmp: Path, saves: int) -> list[float]:
    """Seconds from a save of the attachment to the new PDF on disk, in a running --watch."""
    content = tmp / "watch"
    shutil.copytree(ROOT / "content" / "2024", content / "2024")
    out = tmp / "watch-out"
    proc = subprocess.Popen(
        [*BUILD, "--year", "2024", "--content", str(content), "--output", str(out), "--format", "pdf", "--watch", "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    pdf = out / "2024" / "宝教〔2024〕1号.pdf"
    try:
        deadline = time.time() + 120
        while not pdf.exists() and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)
        att = content / "2024" / "attachment.yaml"
        results = []
        for k in range(saves):
            before = pdf.stat().st_mtime_ns
            text = att.read_text(encoding="utf-8").replace("。", "。" if k % 2 else "。 ", 1)
            t0 = time.perf_counter()
            att.write_text(text, encoding="utf-8")
            while pdf.stat().st_mtime_ns == before and time.perf_counter() - t0 < 60:
                time.sleep(0.005)
            results.append(time.perf_counter() - t0)
            time.sleep(0.5)
        return results
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> int:
    ap = argparse.ArgumentParser(description="公文生成基准")
    ap.add_argument("--runs", type=int, default=5, help="每项运行次数（默认 5，取中位数）")
    ap.add_argument("--no-libreoffice", action="store_true", help="不测 LibreOffice 的转换")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        out = tmp / "out"
        subprocess.run([*BUILD, "--year", "2024", "--output", str(out), "-q"], check=True)  # warm caches
        docx = out / "2024" / "宝教〔2024〕1号.docx"
        aliases = sorted((out / ".cache").glob("fontconfig-*/fonts-aliases.conf"))[0]
        cold, lo, empty, serial, plain = [], [], [], [], []
        soffice = shutil.which("soffice")
        profile = tmp / "lo-profile"
        lo_cmd = [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp / "lo"),
            str(docx),
        ]
        lo_env = {**os.environ, "FONTCONFIG_FILE": str(aliases)}
        use_lo = soffice and not args.no_libreoffice
        if use_lo:  # a warm LibreOffice profile, as a user's would be
            timed(lo_cmd, env=lo_env)
        cmd = [*BUILD, "--year", "2024", "--output", str(out), "-q"]
        for _ in range(args.runs):  # side by side, alternating
            cold.append(timed(cmd)[0])
            if use_lo:
                lo.append(timed(lo_cmd, env=lo_env)[0])
            for kept in (out / ".cache").glob("cffi-*.pickle"):
                kept.unlink()
            shutil.rmtree(out / ".cache" / "subsets", ignore_errors=True)
            empty.append(timed(cmd)[0])
            serial.append(timed(cmd, env={**os.environ, "GONGWEN_SERIAL": "1"})[0])
            plain.append(timed(cmd, env={**os.environ, "GONGWEN_SERIAL": "1", "GONGWEN_NO_LEVERS": "1"})[0])
        med = statistics.median
        print("1. 冷启动生成 2024 年文件（PDF + DOCX）：中位数 {:.2f} 秒".format(med(cold)))
        if lo:
            print(
                "   LibreOffice 把同一 DOCX 转成 PDF：中位数 {:.2f} 秒；比值 {:.2f}".format(
                    med(lo), med(cold) / med(lo)
                )
            )
        print(
            "   缓存为空（字体子集、cffi 声明都要重做）：中位数 {:.2f} 秒{}".format(
                med(empty), "；与 LibreOffice 之比 {:.2f}".format(med(empty) / med(lo)) if lo else ""
            )
        )
        print("   只用一个进程：{:.2f} 秒；一个进程且不用 WeasyPrint 加速：{:.2f} 秒".format(med(serial), med(plain)))
        saves = watch_save_to_pdf(tmp, max(args.runs, 3))
        print(
            "2. 监视模式保存到新 PDF：中位数 {:.2f} 秒（{}）".format(
                statistics.median(saves), "、".join(f"{s:.2f}" for s in saves)
            )
        )
        both = [tree_peak_rss(cmd) for _ in range(3)]
        alone = [tree_peak_rss(cmd, {**os.environ, "GONGWEN_SERIAL": "1"}) for _ in range(3)]
        print(
            "3. 生成一次的内存峰值：两个进程合计 {:.0f} MB；只用一个进程 {:.0f} MB".format(
                statistics.median(both) / 1024, statistics.median(alone) / 1024
            )
        )
        active = subprocess.run(
            [
                sys.executable,
                "-c",
                "from gongwen.pdf.engine import _weasyprint_html; _weasyprint_html(); "
                "from gongwen.pdf import levers; import weasyprint; "
                "print(weasyprint.__version__, ' '.join(k for k, v in levers.applied().items() if v) or '无')",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        print(f"   WeasyPrint 版本与启用的改动（pdf/levers.py）：{active}")
        per_page = {}
        for factor in (1, 3, 10):
            content = scaled_content(tmp, factor)
            o = tmp / f"out{factor}"
            runs = [
                timed(
                    [*BUILD, "--year", "2024", "--content", str(content), "--output", str(o), "--format", "pdf", "-q"]
                )[0]
                for _ in range(max(3, args.runs // 2))
            ]
            n = pages_of(o / "2024" / "宝教〔2024〕1号.pdf")
            per_page[factor] = statistics.median(runs) / n
            print(
                "4. {:>2} 倍内容：{:>3} 页，中位数 {:.2f} 秒，每页 {:.3f} 秒".format(
                    factor, n, statistics.median(runs), per_page[factor]
                )
            )
        print("   每页用时 10 倍 / 1 倍 = {:.2f}".format(per_page[10] / per_page[1]))
        writers_from_pages(tmp, args.runs)
    return 0


def writers_from_pages(tmp: Path, runs: int) -> None:
    """Item 5: each page writer timed in this process on the same composed pages, alternating."""
    from gongwen.fonts import resolve_fonts
    from gongwen.house import load_house
    from gongwen.layout import Composer
    from gongwen.source import load_year
    from gongwen.transforms import resolve
    from gongwen.writers import PAGE_WRITERS, VARIANTS, Context

    house = load_house()
    fonts = resolve_fonts(house["fonts"], tmp / "fonts-cache")
    doc = resolve(load_year(ROOT / "content" / "2024")[0], house)
    composer = Composer(house, fonts)
    composer.resolve_titles(doc)
    pages = composer.compose(doc)
    chosen = [("DOCX", PAGE_WRITERS["docx"]), ("OFD", PAGE_WRITERS["ofd"])]
    chosen += [("OFD/A", w) for w in VARIANTS["archive"] if w.suffix.endswith(".ofd")]
    times: dict[str, list[float]] = {name: [] for name, _ in chosen}
    for _ in range(max(runs, 3)):
        for name, w in chosen:
            t = time.perf_counter()
            w.write(doc, house, fonts, pages, tmp / f"bench{w.suffix}", Context())
            times[name].append(time.perf_counter() - t)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(
        "5. 从排好的 {} 页写出（同一进程，中位数）：".format(len(pages))
        + "、".join(f"{k} {v:.2f} 秒" for k, v in med.items())
        + "；OFD/A 与 OFD 之比 {:.1f}".format(med["OFD/A"] / med["OFD"])
    )


if __name__ == "__main__":
    sys.exit(main())
