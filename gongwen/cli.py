"""Command line: `python build.py --year 2024` → output/2024/*.pdf.

Every message is Chinese; bad content exits with status 2 and one line per problem, never a traceback;
outputs are written to a temporary file and renamed, so a failed build leaves the last good files intact.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from .errors import BuildError, ContentError

ROOT = Path(__file__).resolve().parent.parent


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # Chinese usage errors, exit 2
        message = (message.replace("unrecognized arguments", "无法识别的参数")
                   .replace("the following arguments are required", "缺少参数")
                   .replace("expected one argument", "需要一个值")
                   .replace("invalid choice", "无效的选项"))
        self.print_usage(sys.stderr)
        print(f"错误：{message}", file=sys.stderr)
        sys.exit(2)


def _year(value: str) -> str:
    if not re.fullmatch(r"\d{4}", value):
        raise argparse.ArgumentTypeError(f"年度应为四位数字，如 2024（收到的是“{value}”）")
    return value


def make_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python build.py",
        description="把 content/<年度>/ 下的 YAML 内容排成符合 GB/T 9704-2012 的红头公文：打印用的 PDF 和可继续编辑的 DOCX。",
        epilog="示例：python build.py --year 2024    # 生成 output/2024/ 下的 PDF 和 DOCX",
        add_help=False,
    )
    p.add_argument("-h", "--help", action="help", help="显示本帮助并退出")
    p.add_argument("--year", required=True, metavar="年度", type=_year, help="要生成的年度（四位数字，如 2024），内容取自 content/<年度>/")
    p.add_argument("--content", metavar="目录", default=str(ROOT / "content"), help="内容根目录（默认：content/）")
    p.add_argument("--output", metavar="目录", default=str(ROOT / "output"), help="输出根目录（默认：output/）")
    p.add_argument("--font-dir", metavar="目录", action="append", default=[],
                   help="另外查找字体的目录（可多次指定），用于放置单位自有的正式字体，如 方正小标宋简体、仿宋_GB2312")
    p.add_argument("--format", choices=["all", "pdf", "docx"], default="all", metavar="格式",
                   help="只生成一种格式：pdf 或 docx（默认 all，两种都生成）")
    p.add_argument("-q", "--quiet", action="store_true", help="只输出错误")
    return p


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return _build(args)
    except ContentError as exc:
        print(f"内容有 {len(exc.problems)} 处问题，未生成文件（原有输出保持不变）：", file=sys.stderr)
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        return 2
    except BuildError as exc:
        print(f"生成失败：{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: say so in Chinese, keep the details short
        print(f"生成失败（程序内部错误，请把以下信息报告给维护人员）：{type(exc).__name__}: {exc}", file=sys.stderr)
        if os.environ.get("GONGWEN_DEBUG"):
            raise
        return 1


def _build(args) -> int:
    say = (lambda *a: None) if args.quiet else (lambda *a: print(*a, flush=True))
    content_root = Path(args.content)
    year_dir = content_root / args.year
    if not year_dir.is_dir():
        years = sorted(d.name for d in content_root.glob("[0-9][0-9][0-9][0-9]") if d.is_dir())
        have = f"现有年度：{'、'.join(years)}" if years else "content/ 下还没有任何年度"
        print(f"错误：找不到 {year_dir}（{have}）", file=sys.stderr)
        return 2
    out_dir = Path(args.output) / args.year
    t0 = time.perf_counter()

    from .house import load_house
    from .content import load_document
    from .transforms import resolve

    house = load_house()
    doc = resolve(load_document(year_dir))
    say(f"读取内容：{year_dir}（附件 {len(doc.attachments)} 个，"
        f"条目 {sum(len(p.items) for a in doc.attachments for p in a.parts)} 条，脚注 {len(doc.footnotes)} 个）")

    from .fonts import resolve_fonts
    fonts = resolve_fonts(house["fonts"], _cache_dir(Path(args.output)), [Path(d) for d in args.font_dir])
    os.environ["FONTCONFIG_FILE"] = str(fonts.config_file)  # WeasyPrint sees the same fonts
    from .fonts import check_coverage
    check_coverage(doc, fonts)
    for rf in fonts.roles.values():
        say(f"  字体 {rf.describe()}")

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BuildError(f"无法创建输出目录 {out_dir}：{_os_reason(exc)}") from None
    name = doc.notice.number.text
    if args.format in ("all", "pdf"):
        from .pdf import harfbuzz_subset_missing, write_pdf
        if harfbuzz_subset_missing():
            print("警告：未安装 libharfbuzz-subset0，生成 PDF 会慢很多（约 40 倍）。"
                  "请运行 bash scripts/setup.sh 或 sudo apt-get install libharfbuzz-subset0", file=sys.stderr)
        t1 = time.perf_counter()
        target = out_dir / f"{name}.pdf"
        pages = _atomic(target, lambda tmp: write_pdf(doc, house, fonts, tmp))
        _warn_missing_glyphs(say)
        say(f"已生成 {target}（{len(pages)} 页，{_kb(target)}），用时 {time.perf_counter() - t1:.2f} 秒")
    if args.format in ("all", "docx"):
        from .docx_writer import write_docx
        t1 = time.perf_counter()
        target = out_dir / f"{name}.docx"
        _atomic(target, lambda tmp: write_docx(doc, house, tmp))
        fonts.alias_config()
        say(f"已生成 {target}（{_kb(target)}），用时 {time.perf_counter() - t1:.2f} 秒")
    say(f"完成，共用时 {time.perf_counter() - t0:.2f} 秒")
    return 0


def _kb(path: Path) -> str:
    return f"{max(1, round(path.stat().st_size / 1024))} KB"


def _os_reason(exc: OSError) -> str:
    import errno
    return {errno.EEXIST: "已有同名文件", errno.ENOENT: "路径不存在或无法创建", errno.EACCES: "没有写入权限",
            errno.EPERM: "没有写入权限", errno.ENOSPC: "磁盘已满", errno.EROFS: "只读文件系统",
            errno.ENOTDIR: "路径中有同名文件"}.get(exc.errno, exc.strerror or str(exc))


def _cache_dir(output: Path) -> Path:
    """output/.cache (fontconfig file, glyph advances); a temporary folder if output/ is not writable."""
    for d in (output / ".cache", Path(tempfile.gettempdir()) / f"gongwen-cache-{os.getuid()}"):
        try:
            d.mkdir(parents=True, exist_ok=True)
            if os.access(d, os.W_OK):
                return d
        except OSError:
            continue
    raise BuildError(f"无法创建缓存目录 {output / '.cache'}：请检查输出目录的写入权限")


def _atomic(target: Path, write):
    """Write through a temporary file in the same folder, then rename over the target."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=target.suffix, dir=target.parent)
    except OSError as exc:
        raise BuildError(f"无法写入输出目录 {target.parent}：{_os_reason(exc)}") from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        result = write(tmp_path)
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, target)
        return result
    except OSError as exc:
        if isinstance(exc, (PermissionError, FileNotFoundError)) or exc.errno in (28, 30):  # ENOSPC, EROFS
            raise BuildError(f"无法写入 {target}：{_os_reason(exc)}") from None
        raise
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def _warn_missing_glyphs(say) -> None:
    """Characters the chosen font lacks are drawn by a fallback font, off the grid: say which."""
    from .layout import _METRICS
    for m in _METRICS.values():
        if m.missing:
            chars = "".join(sorted(m.missing))[:40]
            print(f"警告：字体文件 {Path(m.file).name} 中没有这些字：{chars}（将用其他字体代替，该行可能不齐）",
                  file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
