"""Command line: `python build.py --year 2024` → output/2024/*.pdf and *.docx; --new, --compare, --watch,
--preview for drafting the next year.

Every message is Chinese; bad content exits with status 2 and one line per problem, never a traceback;
outputs are written to a temporary file and renamed, so a failed build leaves the last good files intact.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from .errors import BuildError, ContentError, Problem

ROOT = Path(__file__).resolve().parent.parent


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # Chinese usage errors, exit 2
        self.print_usage(sys.stderr)
        print(f"错误：{_zh_usage_error(message)}", file=sys.stderr)
        sys.exit(2)

    def format_usage(self):
        return super().format_usage().replace("usage:", "用法：", 1)

    def format_help(self):
        return (
            super()
            .format_help()
            .replace("usage:", "用法：", 1)
            .replace("options:", "选项：")
            .replace("optional arguments:", "选项：")
        )


_USAGE_ERRORS = [
    (r"one of the arguments (.+) is required", r"必须指定其中一个：\1"),
    (r"argument (\S+): not allowed with argument (\S+)", r"\1 不能与 \2 同时使用"),
    (r"argument (\S+): expected one argument", r"\1 后面需要一个值"),
    (r"argument (\S+): invalid choice: (.+?) \(choose from (.+)\)", r"\1 的值 \2 无效（可选：\3）"),
    (r"argument (\S+): (.+)", r"\1：\2"),
    (r"unrecognized arguments: (.+)", r"无法识别的参数：\1"),
    (r"the following arguments are required: (.+)", r"缺少参数：\1"),
    (r"ambiguous option: (\S+) could match (.+)", r"选项 \1 有歧义，可能是：\2"),
    (r"expected one argument", "需要一个值"),
]


def _zh_usage_error(message: str) -> str:
    """argparse's English messages in Chinese."""
    for pattern, zh in _USAGE_ERRORS:
        if re.search(pattern, message):
            return re.sub(pattern, zh, message)
    return message


def _year(value: str) -> str:
    if not re.fullmatch(r"[0-9]{4}", value):  # ASCII only: ２０２４ would name a folder output/２０２４/
        import unicodedata

        plain = unicodedata.normalize("NFKC", value).strip()
        tip = f"，是不是 {plain}？请用半角数字" if re.fullmatch(r"[0-9]{4}", plain) else ""
        raise argparse.ArgumentTypeError(f"年度应为四位数字（半角），如 2024（收到的是“{value}”{tip}）")
    return value


def make_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python build.py",
        description="把 content/<年度>/ 下的 YAML 内容排成符合 GB/T 9704-2012 的红头公文：打印用的 PDF 和可继续编辑的 DOCX。",
        epilog=(
            "示例：\n"
            "  python build.py --year 2024                  生成 output/2024/ 下的 PDF 和 DOCX\n"
            "  python build.py --new 2025                   以最近一年为底稿，新建 content/2025/\n"
            "  python build.py --year 2025 --compare 2024   另外生成与 2024 年度的对照稿（修订模式 DOCX 和彩色 PDF）\n"
            "  python build.py --year 2025 --watch          保存内容文件后自动重新生成\n"
            "  python build.py --year 2025 --preview        另外生成各页预览图和总览图\n"
            "  python build.py --year 2025 --check          只校对内容（错别字、标点、文号、日期……）\n"
            "  python build.py --check-file 稿件.docx        校对一份部门送来的稿件（.txt 或 .docx）\n"
            "  python build.py --import 稿件.docx --year 2026  把 Word 稿件导入为 content/2026/ 的内容"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        add_help=False,
    )
    p.add_argument("-h", "--help", action="help", help="显示本帮助并退出")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--year", metavar="年度", type=_year, help="要生成的年度（四位数字，如 2024），内容取自 content/<年度>/"
    )
    what.add_argument(
        "--new", metavar="年度", type=_year, help="新建一个年度的内容目录，以此前最近一年的内容为底稿，并列出待改事项"
    )
    what.add_argument(
        "--check-file", metavar="文件", help="校对一份稿件（.txt 或 .docx），不生成文件；有错误时退出码为 1"
    )
    p.add_argument(
        "--half-width",
        action="store_true",
        help="与 --check-file 同用：稿件的标点都成了半角（如从网页复制），不报半角标点，只查其他问题",
    )
    p.add_argument("--content", metavar="目录", default=str(ROOT / "content"), help="内容根目录（默认：content/）")
    p.add_argument("--output", metavar="目录", default=str(ROOT / "output"), help="输出根目录（默认：output/）")
    p.add_argument("--house", metavar="文件", help="版式文件（默认 styles/house.yaml），本单位另有版式时用")
    p.add_argument(
        "--font-dir",
        metavar="目录",
        action="append",
        default=[],
        help="另外查找字体的目录（可多次指定），用于放置单位自有的正式字体，如 方正小标宋简体、仿宋_GB2312",
    )
    from .writers import FORMATS, VARIANT_HELP, VARIANTS

    p.add_argument(
        "--format",
        choices=["all", *FORMATS],
        default="all",
        metavar="格式",
        help=f"只生成一种格式：{'、'.join(FORMATS)}（默认 all，都生成）",
    )
    p.add_argument(
        "--from",
        dest="base",
        metavar="年度",
        type=_year,
        help="与 --new 同用：以指定年度的内容为底稿（默认为此前最近一年）",
    )
    p.add_argument(
        "--import",
        dest="import_file",
        metavar="文件",
        help="把一份 Word 稿件（.docx）导入为 content/<年度>/ 的内容（与 --year 同用），不生成文件",
    )
    p.add_argument("--force", action="store_true", help="与 --import 同用：该年度目录（或同名片段文件）已存在时覆盖它")
    p.add_argument(
        "--into",
        metavar="附件文件",
        help="与 --import 同用：把没有版头的片段（几个部分、小节或条目）并入该年度已有的附件文件，如 attachment.yaml",
    )
    p.add_argument(
        "--after",
        metavar="序号",
        help="与 --into 同用：并入到哪一项之后，写生成的文件中的序号，如 二（部分）、二（一）（小节）、12（条目）；"
        "不写则放在最后",
    )
    p.add_argument("--blank", action="store_true", help="与 --new 同用：不用底稿，新建一份待填写的最简文件")
    p.add_argument(
        "--variant",
        action="append",
        choices=list(VARIANTS),
        default=[],
        metavar="用途",
        help="另外生成：" + "、".join(f"{k} {v}" for k, v in VARIANT_HELP.items()) + "（可写两次）",
    )
    p.add_argument(
        "--print",
        dest="print_",
        action="store_true",
        help="生成后用 CUPS 打印（份数取版记的印数，双面长边翻转，A4，不缩放）",
    )
    p.add_argument("--copies", metavar="份数", type=int, help="打印份数或分份 PDF 的份数（默认取版记的印数）")
    p.add_argument("--printer", metavar="打印机", help="打印机名称（lpstat -p 列出的名称；默认用系统默认打印机）")
    p.add_argument("--dry-run", action="store_true", help="与 --print 同用：只显示打印命令和页数，不打印")
    p.add_argument(
        "--copies-pdf", action="store_true", help="有份号的文件：另外生成一个逐份编号（000001、000002……）的 PDF，供印制"
    )
    p.add_argument("--check", action="store_true", help="只校对该年度的内容，不生成文件；有错误时退出码为 1")
    p.add_argument(
        "--compare", metavar="年度", type=_year, help="与另一年度的工作意见对照，生成修订模式的 DOCX 和彩色标注的 PDF"
    )
    p.add_argument(
        "--preview", action="store_true", help="另外生成每页的 PNG 预览图和一张总览图（output/<年度>/预览/）"
    )
    p.add_argument(
        "--watch", action="store_true", help="持续监视内容、模板和版式文件，保存后自动重新生成（Ctrl+C 退出）"
    )
    p.add_argument("-q", "--quiet", action="store_true", help="只输出错误和警告")
    return p


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    import signal

    for sig in (signal.SIGTERM, signal.SIGHUP):
        with contextlib.suppress(ValueError, OSError):  # not the main thread (a test calling main)
            signal.signal(sig, _interrupt)
    try:
        if args.new:
            try:
                return _new_year(args)
            except ContentError as exc:
                print(f"未新建 {args.new} 年度：", file=sys.stderr)
                for p in exc.problems:
                    print(f"  {p}", file=sys.stderr)
                return 2
        if args.check_file:
            return _check_file(Path(args.check_file), args.half_width)
        if args.import_file:
            if not args.year:
                raise BuildError("导入时请用 --year 指定年度，如：python build.py --import 稿件.docx --year 2026")
            return _import(args)
        if args.watch:
            return Builder(args).watch()
        worker = None
        if args.format in ("all", "pdf") and not args.check:
            # WeasyPrint is imported in a render process while this one reads and composes the content
            from .pdf.engine import RenderWorker

            worker = RenderWorker(_cache_dir(Path(args.output)))
        try:
            return Builder(args, worker).build()
        finally:
            if worker is not None:
                worker.close()
    except ContentError as exc:
        _report(exc)
        return 2
    except BuildError as exc:
        print(f"生成失败：{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已停止。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the output was piped into a program that stopped reading (… | head)
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:  # a bug: say so in Chinese, keep the details short
        print(f"生成失败（程序内部错误，请把以下信息报告给维护人员）：{type(exc).__name__}: {exc}", file=sys.stderr)
        if os.environ.get("GONGWEN_DEBUG"):
            raise
        return 1


def _interrupt(signum, frame) -> None:
    """SIGTERM and SIGHUP (the terminal closed) end a build as Ctrl+C does: nothing is replaced, the
    temporaries are removed."""
    raise KeyboardInterrupt


def _report(exc: ContentError) -> None:
    print(f"内容有 {len(exc.problems)} 处问题，未生成文件（原有输出保持不变）：", file=sys.stderr)
    for p in exc.problems:
        print(f"  {p}", file=sys.stderr)


def _warn(message: str) -> None:
    print(f"警告：{message}", file=sys.stderr, flush=True)


class Builder:
    """One year's build. Kept alive by --watch, so fonts, imports and caches stay warm between rebuilds."""

    def __init__(self, args, worker=None):
        self.args = args
        self.worker = worker  # a RenderWorker (pdf/engine.py), or None: render in this process
        self.say = (lambda *a: None) if args.quiet else (lambda *a: print(*a, flush=True))
        self.content_root = Path(args.content)
        self.year_dir = self.content_root / args.year
        self.out_dir = Path(args.output) / args.year
        self.fonts = None
        self.font_key = None
        self.font_config = None  # WeasyPrint's, kept across rebuilds in watch mode
        self.page_caches: dict = {}  # watch mode: laid-out pages per document (pdf/writer.py PageCache)
        self.txn: _Transaction | None = None  # the outputs of the build under way, replaced together
        self.after: list = []  # what waits for the outputs to be in place (printing)

    def _atomic(self, target: Path, write):
        """Write `target` through a temporary file in its folder; during a build the file joins the
        build's transaction and replaces the old one only when every output of the build is complete."""
        if self.txn is None:
            return _atomic(target, write)
        pending = _Pending(target)
        result = pending.run(write)
        pending.complete()
        self.txn.add(pending)
        return result

    def _kb(self, path: Path) -> str:
        """The size of an output just written (its temporary file while the build is under way)."""
        tmp = self.txn.temporary(path) if self.txn is not None else None
        return _kb(tmp or path)

    def check_year(self) -> None:
        if not self.year_dir.is_dir():
            years = sorted(d.name for d in self.content_root.glob("[0-9][0-9][0-9][0-9]") if d.is_dir())
            have = f"现有年度：{'、'.join(years)}" if years else "content/ 下还没有任何年度"
            hint = f"；新建这一年度请运行 python build.py --new {self.args.year}"
            raise ContentError([Problem(self.year_dir, None, "", f"找不到这个年度的内容（{have}{hint}）")])

    def load(self, year_dir: Path, house=None):
        """Every document of a year folder, resolved."""
        from .source import load_year
        from .transforms import resolve

        return [resolve(d, house) for d in load_year(year_dir)]

    def build(self, first: bool = True) -> int:
        args, say = self.args, self.say
        self.check_year()
        t0 = time.perf_counter()
        from .house import load_house

        house = load_house(Path(self.args.house) if self.args.house else None)
        docs = self.load(self.year_dir, house)  # every document is read and checked before anything is written
        from .drafting import pending_dates
        from .proofread import ERROR, proofread_document, summary

        found: dict[int, list] = {}
        for i, doc in enumerate(docs):
            if first:
                levels = _level_counts(doc)
                say(
                    f"读取内容：{doc.source_file}（{doc.notice.number.text}：附件 {len(doc.attachments)} 个，"
                    f"{levels}脚注 {len(doc.footnotes)} 个）"
                )
            found[i] = proofread_document(doc, int(args.year))
            for f in found[i]:
                print(f"校对：{f}", file=sys.stderr, flush=True)
            for label in pending_dates(doc):
                _warn(
                    f"{doc.source_file} 第 {doc.lines.get(label, 0)} 行「{label}」：待定，文件中暂排为“{args.year}年　月　日”"
                )

        all_found = [f for v in found.values() for f in v]
        if args.check:
            print(summary(all_found) + ("。" if all_found else "，没有发现问题。"), file=sys.stderr)
            return 1 if any(f.level == ERROR for f in all_found) else 0
        if all_found and first:
            say(summary(all_found) + "（见上；不影响生成。要只校对不生成，加 --check）")

        from .fonts import check_coverage, resolve_fonts

        key = repr(house["fonts"])
        if self.fonts is None or key != self.font_key:
            self.fonts = resolve_fonts(house["fonts"], _cache_dir(Path(args.output)), [Path(d) for d in args.font_dir])
            self.font_key = key
            self.font_config = None
            self.page_caches = {}
            os.environ["FONTCONFIG_FILE"] = str(self.fonts.config_file)  # WeasyPrint sees the same fonts
            if first:
                for rf in self.fonts.roles.values():
                    say(f"  字体 {rf.describe()}")
        fonts = self.fonts
        for doc in docs:
            check_coverage(doc, fonts)
        olds = None
        if args.compare:
            old_dir = self.content_root / args.compare
            if not old_dir.is_dir():
                raise ContentError([Problem(old_dir, None, "", "找不到要对照的年度的内容")])
            olds = self.load(old_dir, house)

        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BuildError(f"无法创建输出目录 {self.out_dir}：{_os_reason(exc)}") from None
        _remove_stale_temporaries(self.out_dir)
        written = []
        self.txn, self.after = _Transaction(), []
        try:
            for i, doc in enumerate(docs):
                written.append(self.write_document(doc, house, fonts, first))
                if args.format in ("all", "docx"):
                    self.write_review(doc, house, fonts, found[i])
                if olds is not None and i < len(olds):
                    self.write_comparison(olds[i], doc, house, fonts)
            self.txn.commit()  # every output complete: all are put in place together
        except BaseException:
            if self.worker is not None:
                self.worker.stop()  # a PDF still being drawn is not finished into a temporary file
            self.txn.discard()  # none is replaced; the temporaries go
            raise
        finally:
            self.txn = None
        for action in self.after:  # printing: from the files in place
            action()
        for doc, (pdf, pages) in zip(docs, written):
            if args.preview:
                if pdf is None:
                    raise BuildError("预览图由 PDF 生成：请不要同时使用 --format docx 和 --preview")
                from .drafting.preview import page_keys, write_previews

                folder = self.out_dir / "预览" if len(docs) == 1 else self.out_dir / "预览" / doc.notice.number.text
                folder.parent.mkdir(parents=True, exist_ok=True)
                t1 = time.perf_counter()
                folder, sheet = write_previews(pdf, folder, keys=page_keys(pages))
                say(f"已生成预览图 {folder}/（总览：{sheet.name}），用时 {time.perf_counter() - t1:.2f} 秒")
        say(f"完成，共用时 {time.perf_counter() - t0:.2f} 秒")
        return 0

    def write_review(self, doc, house, fonts, found) -> None:
        """The 校对意见 DOCX: the document with a Word comment (批注) at each finding; removed when a
        build finds nothing, so that an old one is never taken for current."""
        target = self.out_dir / f"{doc.notice.number.text}-校对意见.docx"
        if not found:
            if target.exists():
                self.txn.remove(target) if self.txn is not None else target.unlink()
            return
        from .layout import Composer
        from .proofread.review import write_review_docx

        n = doc.notice
        mark = Composer(house, fonts).mark_geometry(n.issuer_organs, n.issuer_suffix)  # as in the DOCX
        self._atomic(target, lambda tmp: write_review_docx(doc, house, found, tmp, mark))
        self.say(f"已生成 {target}（{len(found)} 条校对意见，以批注标在文中）")

    def write_document(self, doc, house, fonts, first: bool):
        """The PDF and the DOCX of one document, named by its 文号. Returns (the PDF's path or None, the
        composed pages or None). With a render process the PDF is drawn there while the DOCX is written."""
        args, say = self.args, self.say
        name = doc.notice.number.text
        pdf = pages = None
        finish_pdf = None
        from .layout import Composer

        Composer(house, fonts).resolve_titles(doc)  # both outputs break the titles where the PDF does
        from .writers import VARIANTS

        if first and (
            args.format in ("all", "pdf") or any(w.suffix.endswith(".pdf") for v in args.variant for w in VARIANTS[v])
        ):
            from .pdf import harfbuzz_subset_missing

            if harfbuzz_subset_missing():
                _warn(
                    "未安装 libharfbuzz-subset0，生成 PDF 会慢很多（约 40 倍）。"
                    "请运行 bash scripts/setup.sh 或 sudo apt-get install libharfbuzz-subset0"
                )
        if args.format in ("all", "pdf"):
            from .pdf import write_pdf

            t1 = time.perf_counter()
            pdf = self.out_dir / f"{name}.pdf"
            if self.args.watch and self.font_config is None:
                from weasyprint.text.fonts import FontConfiguration

                self.font_config = FontConfiguration()
            if self.worker is not None:
                pending = _Pending(pdf)
                if self.txn is not None:
                    self.txn.watch(pending)  # removed on failure even while the render process draws it
                pages = pending.run(lambda tmp: write_pdf(doc, house, fonts, tmp, worker=self.worker, background=True))

                def finish_pdf():
                    if self.txn is None:
                        pending.finish(self.worker.wait)
                    else:
                        pending.complete(self.worker.wait)
                        self.txn.add(pending)
            else:
                cache = None
                if self.args.watch:
                    from .pdf.writer import PageCache

                    cache = self.page_caches.setdefault(name, PageCache())
                pages = self._atomic(
                    pdf, lambda tmp: write_pdf(doc, house, fonts, tmp, self.font_config, page_cache=cache)
                )
        from .writers import PAGE_WRITERS, Context

        chosen = [w for w in PAGE_WRITERS.values() if args.format in ("all", w.name)]
        said = []
        try:  # the other formats are written from the composed pages while the PDF is drawn
            laid = pages if pages is not None or not chosen else Composer(house, fonts).compose(doc)
            for w in chosen:
                t2 = time.perf_counter()
                target = self.out_dir / f"{name}{w.suffix}"
                self._atomic(target, lambda tmp, w=w: w.write(doc, house, fonts, laid, tmp, Context()))
                count = f"{len(laid)} 页，" if w.counts_pages else ""
                said.append(f"已生成 {target}（{count}{self._kb(target)}），用时 {time.perf_counter() - t2:.2f} 秒")
        except BaseException:
            if finish_pdf is not None:
                with contextlib.suppress(Exception):
                    finish_pdf()
            raise
        if finish_pdf is not None:
            finish_pdf()
        if pdf is not None:
            _warn_missing_glyphs()
            say(f"已生成 {pdf}（{len(pages)} 页，{self._kb(pdf)}），用时 {time.perf_counter() - t1:.2f} 秒")
            self.pdf_extras(doc, house, fonts, name, pdf, pages)
        for line in said:
            say(line)
        if args.variant:
            if laid is None:
                laid = Composer(house, fonts).compose(doc)
            self.write_variants(doc, house, fonts, name, laid)
        _warn_missing_glyphs()  # (said already with the PDF's message when there is one)
        if args.format in ("all", "docx"):
            aliases = fonts.alias_config()
            if first and shutil.which("libreoffice"):
                import shlex

                # a profile of its own per font mapping: a profile that cached other fonts ignores the file
                profile = Path(tempfile.gettempdir()) / f"gongwen-libreoffice-{aliases.parent.name}"
                say(
                    "  在本机用 LibreOffice 查看（正式字体名对应到本机字体），复制这一行运行：\n"
                    f"  FONTCONFIG_FILE={shlex.quote(str(aliases.resolve()))} libreoffice "
                    f"-env:UserInstallation={profile.as_uri()} "
                    f"{shlex.quote(str((self.out_dir / f'{name}.docx').resolve()))}"
                )
        return pdf, pages

    def pdf_extras(self, doc, house, fonts, name, pdf, pages) -> None:
        """Numbered copies and printing of a written PDF."""
        args, say = self.args, self.say

        duplex = bool(house["print"]["duplex"])
        copies = args.copies or doc.colophon.copies or 1
        to_print, print_copies = pdf, copies
        if doc.notice.copy_number and (args.copies_pdf or args.print_):
            from .pdf.copies import numbered_copies

            target = self.out_dir / f"{name}-分份.pdf"
            n_pages = self._atomic(
                target, lambda tmp: numbered_copies(doc, house, fonts, pages, copies, tmp, duplex, self.worker)
            )
            say(f"已生成 {target}（{copies} 份，逐份编号 000001–{copies:06d}，共 {n_pages} 页）")
            to_print, print_copies = target, 1
        elif args.copies_pdf:
            raise BuildError("这份文件没有份号：只有标注了份号的文件才需要分份编号（在发文文件中写“份号: 000001”）")
        if args.print_:
            count = len(pages) if to_print == pdf else n_pages

            def send():  # once the build's files are in place: the printer gets the file as it is named
                from .pdf.copies import print_command, send_to_printer

                cmd = print_command(to_print, print_copies, args.printer)
                import shlex

                shown = " ".join(shlex.quote(c) for c in cmd)
                if args.dry_run:
                    say(f"打印（试运行，未打印）：{shown}\n  {count} 页 × {print_copies} 份，双面长边翻转，A4，不缩放")
                else:
                    out = send_to_printer(cmd)
                    say(f"已送打印：{shown}（{count} 页 × {print_copies} 份）{('：' + out) if out else ''}")

            self.after.append(send) if self.txn is not None else send()

    def write_variants(self, doc, house, fonts, name, pages) -> None:
        """The --variant copies (writers.VARIANTS), each from the composed pages."""
        from .writers import VARIANTS, Context

        ctx = Context(self.font_config, self.worker)
        for variant in dict.fromkeys(self.args.variant):
            for w in VARIANTS[variant]:
                t = time.perf_counter()
                target = self.out_dir / f"{name}{w.suffix}"
                self._atomic(target, lambda tmp, w=w: w.write(doc, house, fonts, pages, tmp, ctx))
                count = f"{len(pages)} 页，" if w.counts_pages else ""
                self.say(f"已生成 {target}（{w.zh}，{count}{self._kb(target)}），用时 {time.perf_counter() - t:.2f} 秒")

    def write_comparison(self, old, doc, house, fonts) -> None:
        from .drafting.compare import compare
        from .drafting.compare_writers import write_compare_docx, write_compare_pdf

        cmp = compare(old, doc)
        base = self.out_dir / f"{doc.notice.number.text}-与{old.year}年度对照"
        self._atomic(base.with_suffix(".docx"), lambda tmp: write_compare_docx(doc, house, cmp, tmp))
        if self.args.format in ("all", "pdf"):
            self._atomic(
                base.with_suffix(".pdf"), lambda tmp: write_compare_pdf(doc, house, fonts, cmp, tmp, self.worker)
            )
        for line in cmp.summary_lines():
            self.say(f"  {line}")
        self.say(f"已生成对照稿 {base}.docx（修订模式）" + ("和 .pdf" if self.args.format in ("all", "pdf") else ""))

    # -- watch mode ------------------------------------------------------------------------------
    def watched_files(self) -> dict[Path, float]:
        files = {}
        dirs = [self.year_dir, ROOT / "templates", ROOT / "styles"]
        if self.args.compare:
            dirs.append(self.content_root / self.args.compare)
        for d in dirs:
            for f in d.glob("*"):
                if f.is_file() and not f.name.startswith("."):
                    try:
                        files[f] = f.stat().st_mtime_ns
                    except OSError:
                        pass
        return files

    def watch(self, interval: float = 0.05) -> int:
        self.say("监视模式：保存内容、模板或版式文件后自动重新生成，按 Ctrl+C 退出。")
        seen = self.watched_files()  # before building: a save during the first build is not missed
        self._guarded(first=True)
        while True:
            time.sleep(interval)
            now = self.watched_files()
            if now == seen:
                continue
            changed = sorted({f.name for f in now.keys() | seen.keys() if now.get(f) != seen.get(f)})
            seen = now
            t0 = time.perf_counter()
            self.say(f"检测到修改：{'、'.join(changed)}，正在重新生成……")
            if self._guarded(first=False):
                self.say(f"已重新生成，用时 {time.perf_counter() - t0:.2f} 秒。继续监视……")
            else:
                self.say("本次未生成，上一次的文件保持不变。修改后保存即可重试。继续监视……")

    def _guarded(self, first: bool) -> bool:
        try:
            self.build(first=first)
            return True
        except ContentError as exc:
            _report(exc)
        except BuildError as exc:
            print(f"生成失败：{exc}", file=sys.stderr, flush=True)
        except Exception as exc:  # a bug must not end the watch: report it and keep watching
            print(
                f"生成失败（程序内部错误，请把以下信息报告给维护人员）：{type(exc).__name__}: {exc}",
                file=sys.stderr,
                flush=True,
            )
            if os.environ.get("GONGWEN_DEBUG"):
                raise
        return False


def _new_year(args) -> int:
    """--new YEAR: the scaffold and its checklist."""
    from .source import load_document
    from .drafting import latest_year_before, scaffold_new_year, stale_year_findings
    from .drafting import scaffold_blank_year

    root = Path(args.content)
    year = int(args.new)
    exists = ContentError(
        [
            Problem(
                root / args.new,
                None,
                "",
                "这个年度的内容目录已经存在，没有改动任何文件"
                f"（要重新生成文件请运行 python build.py --year {args.new}）",
            )
        ]
    )
    if args.blank and args.base:
        raise ContentError([Problem(root, None, "", "--blank 和 --from 只能选一个")])
    if args.blank:
        try:
            root.mkdir(parents=True, exist_ok=True)
            target = scaffold_blank_year(root, year)
        except FileExistsError:
            raise exists from None
        source = None
    else:
        base = (root / args.base) if args.base else (latest_year_before(root, year) if root.is_dir() else None)
        if args.base and not base.is_dir():
            raise ContentError([Problem(base, None, "", f"找不到作底稿的 {args.base} 年度内容")])
        if base is not None and not (root / args.new).exists():
            load_document(base)  # a broken base year is reported before anything is created
        try:
            target, source = scaffold_new_year(root, year, base)
        except FileExistsError:
            raise exists from None
        except LookupError:
            raise ContentError(
                [
                    Problem(
                        root,
                        None,
                        "",
                        f"没有早于 {year} 年的年度内容可作底稿：用 --from 年度 指定底稿，或用 --blank 新建一份空白文件",
                    )
                ]
            ) from None
    from .source import load_year

    docs = load_year(target)
    print(
        f"已新建 {target}/（" + (f"以 {source.name} 年度为底稿" if source else "空白文件，待填写") + "）。请逐项修改："
    )
    n = 0

    def item(text: str) -> None:
        nonlocal n
        n += 1
        print(f"  {n}. {text}")

    for d in docs:  # every document of the year (a year may issue several)
        nf = d.source_file
        item(f"{nf} 第 {d.lines.get('成文日期', 0)} 行「成文日期」：已设为“待定”，定稿后填写，如 {year}-02-04")
        item(f"{nf} 第 {d.lines.get('版记.印发日期', 0)} 行「版记.印发日期」：已设为“待定”，印发前填写")
        what = (
            f"保留底稿的 {d.notice.number.sequence}（{d.notice.number.text}）"
            if len(docs) > 1
            else f"已设为 1（{d.notice.number.text}）"
        )
        item(f"{nf} 第 {d.lines.get('发文字号.序号', 0)} 行「发文字号.序号」：{what}，请按本年度发文顺序确认")
        for f in stale_year_findings(d, year):
            item(f"{f}，请改写")
        for path, line, field, text in d.texts:
            if "请填写" in text:
                item(f"{path} 第 {line} 行「{field}」：{text}")
    count = sum(len(d.items) for d in docs)
    item(f"逐条审阅附件的 {count} 条工作：删改、新增或调整顺序（序号自动重编，不用手改）")
    item("核对印数、抄送等版记内容")
    print(
        f"改好后运行：python build.py --year {year}"
        + (f"；与底稿年度对照：python build.py --year {year} --compare {source.name}" if source else "")
    )
    return 0


def _level_counts(doc) -> str:
    """“一级标题 7 个，条目 32 条，” — how many sections of each level the document has."""
    from .model import walk

    counts = {1: 0, 2: 0, 3: 0, 4: 0}
    for tree in [doc.notice.sections] + [a.parts for a in doc.attachments]:
        for s in walk(tree):
            counts[s.level] += 1
    names = {1: ("一级标题", "个"), 2: ("二级标题", "个"), 3: ("条目", "条"), 4: ("分项", "项")}
    return "".join(f"{names[lv][0]} {c} {names[lv][1]}，" for lv, c in counts.items() if c or lv == 3)


def _import(args) -> int:
    """--import FILE --year YEAR: a Word draft into content/<year>/, with a report that accounts for every
    paragraph. A fragment (no 版头) becomes an attachment file, or is merged into one with --into."""
    from .source import load_year
    from .source.docx_import import fragment_file_name, import_docx, write_content, write_fragment

    source = Path(args.import_file)
    target = Path(args.content) / args.year
    if args.after and not args.into:
        raise BuildError("--after 要与 --into 同用，如：--into attachment.yaml --after 二")
    if not args.into and not args.force and target.exists() and not target.is_dir():
        raise BuildError(f"{target} 不是目录")
    result = import_docx(source)
    c = result.counts
    counted = "，".join(
        f"{name} {c[lv]} {unit}"
        for lv, name, unit in ((1, "一级标题", "个"), (2, "二级标题", "个"), (3, "条目", "条"), (4, "分项", "项"))
        if c.get(lv)
    )
    footnotes = result.footnote_count()
    written: list[Path] = []
    told: list[str] = []
    if result.fragment is None:
        if args.into:
            raise BuildError(
                f"{source.name} 是一份完整的发文（有版头），不是片段，不能用 --into 并入；"
                f"请去掉 --into，导入为一个年度：python build.py --import {source} --year {args.year}"
            )
        if target.exists() and not args.force:
            raise ContentError(
                [Problem(target, None, "", "这个年度的内容目录已经存在，没有改动任何文件（要覆盖请加 --force）")]
            )
        written = write_content(result, target, source)
        head = f"已导入 {source} → {target}/：{counted + '，' if counted else ''}附件 {len(result.attachments)} 个，脚注 {footnotes} 个"
    else:
        kind = result.fragment_kind
        what = "一份附件（有标题，没有版头）" if kind == "附件" else f"一份片段（没有版头，最上一层是{kind}）"
        if args.into:
            from .source.merge import merge_fragment

            into = target / args.into
            if not target.is_dir():
                raise BuildError(f"--into：年度目录 {target} 不存在")
            if into.resolve().parent != target.resolve() or not into.is_file():
                raise BuildError(f"--into：{target} 中没有附件文件 {args.into}（写文件名，如 attachment.yaml）")
            if result.leftovers:
                raise BuildError(
                    f"{source.name} 中有 {len(result.leftovers)} 段文字未能确定位置，没有并入（以免丢字）："
                    "请先不加 --into 导入为单独的文件，核对后再并入"
                )
            told = merge_fragment(
                into, result.fragment, kind if kind != "附件" else _top_kind(result.fragment), args.after, source.name
            )
            written = [into]
            head = f"已导入 {source}，{what}：{counted + '，' if counted else ''}脚注 {footnotes} 个"
        else:
            out = target / fragment_file_name(source)
            if out.exists() and not args.force:
                raise ContentError(
                    [
                        Problem(
                            out,
                            None,
                            "",
                            "同名的文件已经存在，没有改动任何文件（要覆盖请加 --force，"
                            "要并入已有附件请用 --into attachment.yaml）",
                        )
                    ]
                )
            written = [write_fragment(result, out, source)]
            head = f"已导入 {source} → {out}，{what}：{counted + '，' if counted else ''}脚注 {footnotes} 个"
    print(head)
    for f in written:
        print(f"  写出 {f}")
    for line in told:
        print(f"  {line}")
    for note in result.notes:
        print(f"  注意：{note}")
    for line in result.skipped:
        print(f"  未导入：{line}")
    for u in result.unplaced:
        print(f"  未能确定位置：{u}")
    t = result.tally
    extra = "，".join(
        f"{name} {t[key]} {unit}"
        for key, name, unit in (
            ("表格", "表格", "个"),
            ("脚注", "脚注", "个"),
            ("尾注", "尾注", "个"),
            ("批注", "批注", "条"),
        )
        if t.get(key)
    )
    print(
        f"稿件正文共 {t['段落']} 段（空段 {t['空段']} 段"
        + (f"、目录 {t['目录']} 段" if t.get("目录") else "")
        + f"）；未能确定位置 {t['未能归位']} 段"
        + (f"；{extra}" if extra else "")
        + "。"
    )
    if result.leftovers:
        _warn(
            f"有 {len(result.leftovers)} 段文字未能确定位置，已原样保留在 {written[0].name} 末尾的注释中：请移到合适的字段后再生成"
        )
        return 0
    if result.fragment is not None and not args.into:
        print(
            f"这是{what}：在发文文件的“附件”中列出 {written[0].name}，或用 --into 并入已有附件，"
            f"如：python build.py --import {source} --year {args.year} --into attachment.yaml --after 二"
        )
        return 0
    try:
        load_year(target)
    except ContentError as exc:
        print("导入的内容还需补充（生成前请修改）：")
        for p in exc.problems:
            print(f"  {p}")
        return 0
    print(f"可以生成了：python build.py --year {args.year}")
    return 0


def _top_kind(fragment: dict) -> str:
    return next((k for k in ("部分", "小节", "条目") if k in fragment), "段落")


def _check_file(path: Path, half_width: bool = False) -> int:
    """--check-file: proofread a draft (.txt or .docx); exit 1 when there is an error-level finding.
    `half_width`: a draft whose punctuation was folded to ASCII (a web copy): the half-width rules are off,
    and the output says so; without it, such a draft gets one line telling of the option."""
    from .proofread import ERROR, HALF_WIDTH_RULES, folded_punctuation, proofread_paragraphs, read_draft, summary

    paragraphs, unit = read_draft(path)
    found = proofread_paragraphs(str(path), paragraphs, unit)
    if half_width:
        found = [f for f in found if f.finding.rule not in HALF_WIDTH_RULES]
        print("按半角标点稿件校对：半角的逗号、句号、冒号、括号等不报（--half-width）。")
    for f in found:
        print(f"校对：{f}")
    folded = not half_width and folded_punctuation(paragraphs)
    if folded:
        n = sum(1 for f in found if f.finding.rule in HALF_WIDTH_RULES)
        print(f"提示：这份稿件的标点大多是半角的（{n} 处），像是从网页复制来的；只看其他问题时加 --half-width。")
    print(summary(found) + ("。" if found else "，没有发现问题。"))
    return 1 if any(f.level == ERROR for f in found) else 0


def _kb(path: Path) -> str:
    return f"{max(1, round(path.stat().st_size / 1024))} KB"


def _os_reason(exc: OSError) -> str:
    import errno

    return {
        errno.EEXIST: "已有同名文件",
        errno.ENOENT: "路径不存在或无法创建",
        errno.EACCES: "没有写入权限",
        errno.EPERM: "没有写入权限",
        errno.ENOSPC: "磁盘已满",
        errno.EROFS: "只读文件系统",
        errno.ENOTDIR: "路径中有同名文件",
    }.get(exc.errno, exc.strerror or str(exc))


def _cache_dir(output: Path) -> Path:
    """output/.cache (fontconfig file, glyph advances, font subsets); if output/ is not writable, a folder
    of this user's in the system's temporary folder — gongwen-cache-<uid>, used only when it is a real
    directory owned by this user with no access for others (created 0700), else a fresh private one."""
    d = output / ".cache"
    try:
        d.mkdir(parents=True, exist_ok=True)
        if os.access(d, os.W_OK):
            return d
    except OSError:
        pass
    from .pdf.levers import ours_alone

    shared = Path(tempfile.gettempdir()) / f"gongwen-cache-{os.getuid()}"
    try:
        if ours_alone(shared):
            return shared
        _warn(f"临时目录中的 {shared} 不是本用户独有的目录（可能是别人建的），不使用它，改用一个新的私有缓存目录")
        return Path(tempfile.mkdtemp(prefix="gongwen-cache-"))
    except OSError:
        pass
    raise BuildError(f"无法创建缓存目录 {output / '.cache'}：请检查输出目录的写入权限")


def _atomic(target: Path, write):
    """Write through a temporary file in the same folder, then rename over the target."""
    pending = _Pending(target)
    result = pending.run(write)
    pending.finish()
    return result


class _Pending:
    """A file written through a temporary file in its folder and renamed over the target when complete
    (`finish`), so that a failed build leaves the previous file as it was. `run(write)` starts the
    writing; `finish(wait)` first waits for a writer that works in the background (the render process)."""

    def __init__(self, target: Path):
        self.target = target
        if target.is_dir() and not target.is_symlink():
            raise BuildError(f"{target} 是一个文件夹，不能用生成的文件替换它：请把它移走或改名后重试")
        try:
            fd, tmp = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{os.getpid()}-", suffix=target.suffix, dir=target.parent)
        except OSError as exc:
            raise BuildError(f"无法写入输出目录 {target.parent}：{_os_reason(exc)}") from None
        os.close(fd)
        self.tmp = Path(tmp)

    def run(self, write):
        with self._cleanup(done=False):
            return write(self.tmp)

    def finish(self, wait=None) -> None:
        self.complete(wait)
        self.commit()

    def complete(self, wait=None) -> None:
        """Wait for a background writer; the temporary file is then complete, not yet in place."""
        with self._cleanup(done=False):
            if wait is not None:
                wait()
            os.chmod(self.tmp, 0o644)

    def commit(self) -> None:
        with self._cleanup(done=True):
            os.replace(self.tmp, self.target)

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.tmp.unlink()

    @contextlib.contextmanager
    def _cleanup(self, done: bool):
        ok = False
        try:
            yield
            ok = True
        except OSError as exc:
            if isinstance(exc, (PermissionError, FileNotFoundError)) or exc.errno in (28, 30):  # ENOSPC, EROFS
                raise BuildError(f"无法写入 {self.target}：{_os_reason(exc)}") from None
            raise
        finally:
            if (done or not ok) and self.tmp.exists():
                self.tmp.unlink()


TMP_PREFIX = ".tmp-"  # the temporaries of outputs: .tmp-<pid>-<random>.pdf beside the file they replace


class _Transaction:
    """The outputs of one build (PDF, DOCX, 校对意见, 对照稿, variants of every document of the year):
    each written complete to its temporary file first; `commit` then puts all in place, `discard` (any
    failure, Ctrl+C, SIGTERM, SIGHUP) removes the temporaries and leaves every previous output as it was."""

    def __init__(self):
        self.pending: list[_Pending] = []
        self.watched: list[_Pending] = []
        self.removed: list[Path] = []

    def add(self, pending: "_Pending") -> None:
        if pending in self.watched:
            self.watched.remove(pending)
        self.pending.append(pending)

    def watch(self, pending: "_Pending") -> None:
        self.watched.append(pending)  # not complete yet: only to be removed if the build fails

    def remove(self, target: Path) -> None:
        self.removed.append(target)  # an output that this build no longer makes (an old 校对意见)

    def temporary(self, target: Path) -> Path | None:
        return next((p.tmp for p in self.pending if p.target == target), None)

    def commit(self) -> None:
        for p in self.pending:
            if not p.tmp.is_file():
                raise BuildError(f"生成 {p.target.name} 的临时文件不见了，未替换任何文件")
        for p in self.pending:
            p.commit()
        for t in self.removed:
            with contextlib.suppress(OSError):
                t.unlink()
        self.pending, self.removed = [], []

    def discard(self) -> None:
        for p in self.pending + self.watched:
            p.discard()
        self.pending, self.watched, self.removed = [], [], []


def _remove_stale_temporaries(folder: Path) -> None:
    """Temporaries a crashed or killed build left (.tmp-<pid>-…, the pid no longer running): removed."""
    for f in folder.glob(f"{TMP_PREFIX}*"):
        pid = f.name[len(TMP_PREFIX) :].split("-", 1)[0]
        alive = pid.isdigit() and int(pid) == os.getpid()
        if pid.isdigit() and not alive:
            try:
                os.kill(int(pid), 0)
                alive = True
            except ProcessLookupError:
                alive = False
            except PermissionError:
                alive = True  # another user's process: not ours to judge
        if not alive and f.is_file() and not f.is_symlink():
            with contextlib.suppress(OSError):
                f.unlink()


def _warn_missing_glyphs() -> None:
    """Characters the chosen font lacks are drawn by a fallback font, off the grid: say which."""
    from .layout import _METRICS

    for m in _METRICS.values():
        if m.missing:
            chars = "".join(sorted(m.missing))[:40]
            _warn(f"字体文件 {Path(m.file).name} 中没有这些字：{chars}（将用其他字体代替，该行可能不齐）")
            m.missing.clear()


if __name__ == "__main__":
    sys.exit(main())
