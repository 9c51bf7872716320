"""WeasyPrint as the PDF engine: importing it quickly, rendering HTML to a PDF file, and a render process.

A cold build spends about half a second importing WeasyPrint (cffi declarations, CSS tables, fontTools)
before it can draw anything, while reading, checking and composing the content needs none of it. So the
command line starts a render process first (`RenderWorker`, a fork): it imports WeasyPrint while the
build reads and composes the content on the other core, then renders the HTML it is sent, while the build
writes the DOCX. The HTML and every page position come from the build; the process only draws them, so
the PDF is the same as one rendered in-process (tests/test_speed.py compares the bytes).
"""

from __future__ import annotations

import contextlib
import gc
import glob
import os
import pickle
import signal
import sys

from ..errors import BuildError

LIB_DIRS = (
    "/usr/lib/x86_64-linux-gnu",
    "/lib/x86_64-linux-gnu",
    "/usr/lib/aarch64-linux-gnu",
    "/lib/aarch64-linux-gnu",
    "/usr/lib64",
    "/usr/lib",
    "/lib",
    "/usr/local/lib",
)


@contextlib.contextmanager
def _fast_library_lookup():
    """While WeasyPrint loads Pango, HarfBuzz… through cffi, every name it tries that is not a file
    (“libgobject-2.0-0”, “gobject-2.0”…) makes cffi call ctypes.util.find_library, which spawns ldconfig
    and gcc: some eighty processes, ~0.2 s of each build. Here find_library looks for lib<name>.so* in
    the usual library folders without spawning anything. ctypes is public API; WeasyPrint itself is not
    touched, and a library found no other way is still loaded by its full soname."""
    import ctypes.util

    original = ctypes.util.find_library

    def find_library(name):
        for d in LIB_DIRS:
            hits = sorted(glob.glob(os.path.join(d, f"lib{glob.escape(name)}.so*")))
            if hits:
                return os.path.basename(hits[0])
        if not any(os.path.isdir(d) for d in LIB_DIRS):
            return original(name)  # an unusual system: ask the original
        # not there: a name for another platform ("gobject-2.0-0", "…-0.dll"); WeasyPrint's next try is the
        # full soname ("libgobject-2.0.so.0"), which the dynamic loader finds by itself
        return None

    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = original


def _stand_in(name: str, functions: tuple[str, ...] = ()):
    """A module registered under `name` that imports the real module the first time anything is asked of
    it; the `functions` named are stand-ins too, that import it when called (for `from M import f`)."""
    import importlib
    import types

    def real():
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        return importlib.import_module(name)

    class StandIn(types.ModuleType):
        def __getattr__(self, attr):
            if attr.startswith("__") and attr.endswith("__"):
                raise AttributeError(attr)  # the import system's questions do not load the module
            return getattr(real(), attr)

    def deferred(function):
        def call(*args, **kwargs):
            return getattr(real(), function)(*args, **kwargs)

        call.__name__ = function
        return call

    stand_in = StandIn(name)
    top, _, rest = name.partition(".")
    package = sys.modules.get(top)
    for base in getattr(package, "__path__", []):  # a package: its submodules stay importable
        folder = os.path.join(base, *rest.split("."))
        if os.path.isfile(os.path.join(folder, "__init__.py")):
            stand_in.__path__ = [folder]
            break
    for function in functions:
        setattr(stand_in, function, deferred(function))
    sys.modules[name] = stand_in


def _defer_font_tools() -> None:
    """WeasyPrint imports two parts of fontTools that a build with HarfBuzz's subsetter and static fonts
    never calls: fontTools.subset (its fallback subsetter) and fontTools.varLib.instancer (for variable
    fonts). Together they pull in the CFF, OpenType-layout, SVG (lxml) and variation tables, ~0.15 s of
    every start. Both are imported on first use instead: stand-in modules (plain Python, no private name
    of WeasyPrint or fontTools) import the real module when WeasyPrint first asks anything of it."""
    import fontTools  # noqa: F401  (the package is imported before stand-ins take its submodules' places)

    for name, functions in (("fontTools.subset", ()), ("fontTools.varLib.instancer", ("instantiateVariableFont",))):
        if name not in sys.modules:
            _stand_in(name, functions)


_HTML: list = []  # WeasyPrint's HTML class once imported: later renders skip the import machinery


def _weasyprint_html(cache_dir=None):
    """Import WeasyPrint (with the guarded levers of levers.py), turning a missing system library into one
    clear instruction. `cache_dir` (output/.cache): where cffi's parsed declarations are kept."""
    if _HTML:
        return _HTML[0]
    levers = not os.environ.get("GONGWEN_NO_LEVERS")
    try:
        if levers and "weasyprint" not in sys.modules and not harfbuzz_subset_missing():
            _defer_font_tools()
        from .levers import cffi_declarations_cached

        with _fast_library_lookup(), cffi_declarations_cached(cache_dir if levers else None):
            from weasyprint import HTML
    except OSError as exc:
        raise BuildError(
            "缺少生成 PDF 所需的系统库（Pango）。请运行 bash scripts/setup.sh，或执行 "
            f"sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0（详情：{exc}）"
        ) from None
    except ImportError as exc:
        raise BuildError(f"缺少 Python 包 WeasyPrint：请运行 bash scripts/setup.sh（详情：{exc}）") from None
    if levers:
        from .levers import install

        off = [name for name, on in install().items() if not on]
        if off:  # said once, never silent: the build is the same, only slower
            import weasyprint

            print(
                f"提示：WeasyPrint {getattr(weasyprint, '__version__', '?')} 不是提速措施测试过的版本"
                f"（WeasyPrint 70.x、pydyf 0.13.x），以下提速措施未启用：{'、'.join(off)}。"
                "PDF 不受影响，只是生成慢一些；运行 bash scripts/setup.sh 可装回测试过的版本。",
                file=sys.stderr,
                flush=True,
            )
    _HTML.append(HTML)
    return HTML


def harfbuzz_subset_missing() -> bool:
    """Without libharfbuzz-subset0 WeasyPrint subsets fonts with fontTools: the PDF is right but ~40× slower."""
    import ctypes.util

    with _fast_library_lookup():
        return ctypes.util.find_library("harfbuzz-subset") is None


def no_fetch_fetcher(allowed: frozenset[str] = frozenset()):
    """A WeasyPrint URL fetcher that refuses every URL: the document needs no external resource (fonts
    come from fontconfig), and nothing written in the content may make the build read a file or the net.
    `allowed`: the file URLs the build itself reads (the print variant's ICC profile, the seal images)."""
    from weasyprint.urls import URLFetcher

    class NoFetch(URLFetcher):
        def fetch(self, url, headers=None):
            if url in allowed:
                return super().fetch(url, headers)
            raise ValueError(f"外部资源已禁止：{url}")

    return NoFetch()


@contextlib.contextmanager
def _gc_paused():
    """The render allocates hundreds of thousands of short-lived objects and no cycles worth collecting:
    pausing the cyclic garbage collector meanwhile saves a fifth of the time on long documents."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def laid_out(
    html: str,
    base_url: str | None = None,
    allowed: frozenset[str] = frozenset(),
    font_config=None,
    cache_dir=None,
    pdf_variant: str | None = None,
):
    """HTML → WeasyPrint's laid-out Document (pages not yet painted); the variant is given to both steps,
    as WeasyPrint's own HTML.write_pdf does. `cache_dir`: output/.cache."""
    HTML = _weasyprint_html(cache_dir)
    from .levers import set_cache_dir

    set_cache_dir(cache_dir)
    with _gc_paused():
        return HTML(string=html, url_fetcher=no_fetch_fetcher(allowed), base_url=base_url).render(
            font_config=font_config, pdf_variant=pdf_variant
        )


def paint(document, target, pdf_variant: str | None = None) -> None:
    """A laid-out Document → PDF file. PDF/X-4's XMP names the document by a random UUID in WeasyPrint;
    here it is one made from the document (title, date, pages), so equal content gives equal bytes."""
    import uuid

    from weasyprint.pdf import metadata

    meta = document.metadata
    seed = f"gongwen:{meta.title}|{meta.keywords}|{meta.created}|{len(document.pages)}"
    saved = getattr(metadata, "uuid4", None)
    if saved is not None:
        metadata.uuid4 = lambda: uuid.uuid5(uuid.NAMESPACE_URL, seed)
    try:
        with _gc_paused():
            document.write_pdf(str(target), pdf_variant=pdf_variant)
    finally:
        if saved is not None:
            metadata.uuid4 = saved


def render(
    html: str,
    target,
    base_url: str | None = None,
    pdf_variant: str | None = None,
    allowed: frozenset[str] = frozenset(),
    font_config=None,
    cache_dir=None,
) -> None:
    """HTML → PDF file, in this process. `cache_dir` (output/.cache): where font subsets and cffi's
    declarations are kept between builds."""
    paint(laid_out(html, base_url, allowed, font_config, cache_dir, pdf_variant), target, pdf_variant)


RENDER_MEMORY_BYTES = 8 << 30  # the render process's address space: far above a real plan's (~0.5 GB)
RENDER_TIMEOUT_S = 20 * 60  # and its time for one PDF (a plan of 100× the 2024 one takes about two minutes)


def _bound_render_process(parent: int) -> None:
    """The render process dies with the build (Linux PR_SET_PDEATHSIG: even after kill -9 of the build
    it does not live on to write a PDF nobody waits for) and is bounded in memory (RLIMIT_AS)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the build ended before the line above took effect
        os._exit(1)
    with contextlib.suppress(Exception):
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = RENDER_MEMORY_BYTES if hard == resource.RLIM_INFINITY else min(hard, RENDER_MEMORY_BYTES)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


class RenderWorker:
    """A forked process that imports WeasyPrint at once and then renders the jobs it is sent.

    `submit()` sends a job and returns at once; `wait()` returns when the PDF is written, raising what the
    render raised. Without fork (or with GONGWEN_SERIAL=1 in the environment) there is no process and
    jobs are rendered in-process by `wait()`."""

    def __init__(self, cache_dir=None):
        self.pid = None
        self._job = None
        self._used = False
        if not hasattr(os, "fork") or os.environ.get("GONGWEN_SERIAL"):
            return
        sys.stdout.flush()
        sys.stderr.flush()
        job_r, job_w = os.pipe()
        res_r, res_w = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the render process: never returns
            code = 1
            try:
                os.close(job_w)
                os.close(res_r)
                for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                    signal.signal(sig, signal.SIG_DFL)  # Ctrl+C or kill: the build reports it, this just ends
                _bound_render_process(parent)
                _serve(os.fdopen(job_r, "rb"), os.fdopen(res_w, "wb"), cache_dir)
                code = 0
            finally:
                os._exit(code)
        os.close(job_r)
        os.close(res_w)
        self.pid = pid
        self._jobs = os.fdopen(job_w, "wb")
        self._results = os.fdopen(res_r, "rb")

    def submit(self, html: str, target, **options) -> None:
        self._used = True
        job = {
            "html": html,
            "target": str(target),
            "options": options,
            "env": {k: os.environ[k] for k in ("FONTCONFIG_FILE",) if k in os.environ},
        }
        if self.pid is None:
            self._job = job
            return
        try:
            pickle.dump(job, self._jobs, protocol=pickle.HIGHEST_PROTOCOL)
            self._jobs.flush()
        except OSError:
            self._job = job  # the process is gone: render here instead
            self._close()
            return
        self._job = "sent"

    def wait(self) -> None:
        job, self._job = self._job, None
        if job is None:
            return
        if job != "sent":
            render(job["html"], job["target"], **job["options"])
            return
        import select

        ready, _, _ = select.select([self._results], [], [], RENDER_TIMEOUT_S)
        if not ready:
            self._close(kill=True)
            raise BuildError(f"生成 PDF 超过 {RENDER_TIMEOUT_S // 60} 分钟仍未完成，已停止（内容是否过长？）")
        try:
            status, payload = pickle.load(self._results)
        except (EOFError, OSError, pickle.UnpicklingError):
            self._close()
            raise BuildError(
                "生成 PDF 的进程意外退出（可能是内存不足）。请重试；如仍失败，设置环境变量 GONGWEN_SERIAL=1 后再运行"
            ) from None
        if status != "ok":
            if isinstance(payload, MemoryError):
                raise BuildError(f"生成 PDF 时内存不足（上限 {RENDER_MEMORY_BYTES >> 30} GB），已停止：内容是否过长？")
            raise payload

    def render(self, html: str, target, **options) -> None:
        self.submit(html, target, **options)
        self.wait()

    def _close(self, kill: bool = False) -> None:
        if self.pid is None:
            return
        if kill:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        for f in (self._jobs, self._results):
            with contextlib.suppress(OSError):
                f.close()
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self.pid = None

    def stop(self) -> None:
        """The build failed or was interrupted: end the render process now, whatever it is drawing."""
        self._job = None
        self._close(kill=True)

    def close(self) -> None:
        """End the render process: it exits when its job pipe closes; one that was never sent a job (the
        content had errors) is stopped at once rather than waited for while it imports WeasyPrint."""
        self._close(kill=not self._used)


def _serve(jobs, results, cache_dir=None) -> None:
    """The render process: import WeasyPrint, then render each job until the pipe closes."""
    try:
        _weasyprint_html(cache_dir)
        failed = None
    except BuildError as exc:
        failed = exc
    while True:
        try:
            job = pickle.load(jobs)
        except (EOFError, OSError, pickle.UnpicklingError):
            return
        try:
            if failed is not None:
                raise failed
            os.environ.update(job["env"])
            render(job["html"], job["target"], **job["options"])
            reply = ("ok", None)
        except BaseException as exc:  # sent back and raised in the build, which reports it
            reply = ("error", exc)
        try:
            data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            exc = reply[1]
            data = pickle.dumps(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
        results.write(data)
        results.flush()
