"""Speed and memory levers that reach into WeasyPrint's private internals, each one guarded.

WeasyPrint stays the PDF engine; these only stop it paying for what a build does not use. Each lever:

* is applied only to the WeasyPrint versions it was tested with (TESTED); any other version renders as
  WeasyPrint ships, slower but the same;
* checks that every private name it touches is there, and leaves WeasyPrint untouched otherwise;
* leaves the PDF byte for byte the same (tests/test_speed.py builds with and without the levers).

`applied()` says which levers are active (the benchmark prints it).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import re
import sys
import zlib
from pathlib import Path

TESTED = ("70.",)  # WeasyPrint versions the levers were measured and tested with

TESTED_PYDYF = ("0.13.",)  # pydyf versions whose Stream.data compressed_streams_kept reproduces
TESTED_CFFI = ("1.17.", "2.0.", "2.1.")  # cffi versions whose parser state cffi_declarations_cached keeps

_applied: dict[str, bool] = {}


def applied() -> dict[str, bool]:
    return dict(_applied)


def install() -> dict[str, bool]:
    """Apply every lever once (after `import weasyprint`)."""
    if _applied:
        return applied()
    try:
        import weasyprint

        version = getattr(weasyprint, "__version__", "")
    except ImportError:
        return {}
    _applied.update(
        dict.fromkeys(("lazy_font_files", "subset_memo", "ffi_array_types", "compressed_streams_kept"), False)
    )
    if version.startswith(TESTED):
        import pydyf
        import weasyprint.pdf.fonts as fonts_module
        import weasyprint.text.ffi as ffi_module

        for name, lever, module in (
            ("lazy_font_files", _lazy_font_files, fonts_module),
            ("subset_memo", _subset_memo, fonts_module),
            ("ffi_array_types", _ffi_array_types, ffi_module),
            ("compressed_streams_kept", _compressed_streams_kept, pydyf),
        ):
            try:
                _applied[name] = lever(module)
            except Exception:  # an internal that changed shape: leave WeasyPrint as it is
                pass
    return applied()


def _lazy_font_files(fm) -> bool:
    """Do not copy whole font files into Python.

    WeasyPrint's Font copies the face's entire file (Noto Serif CJK: 27 MB) into a bytes object when it
    first meets a font, although with HarfBuzz subsetting only the subset is ever embedded: with four CJK
    faces that is ~90 MB of copies, and every page of the mapped files made resident — most of a build's
    peak memory. Here `Font.file_content` is read from the face only when something asks for the whole
    file (the fontTools fallbacks for variable, colour or bitmap fonts still get it)."""
    Font, get = getattr(fm, "Font", None), getattr(fm, "get_hb_object_data", None)
    init = getattr(Font, "__init__", None)
    if Font is None or get is None or not hasattr(init, "__code__") or "file_content" in vars(Font):
        return False
    code = init.__code__
    if "get_hb_object_data" not in code.co_names:
        return False
    deferred = object()

    def get_hb_object_data(hb_object, *args, **kwargs):
        if not args and not kwargs and sys._getframe(1).f_code is code:
            return deferred  # the whole-file copy in Font.__init__: made on demand instead
        return get(hb_object, *args, **kwargs)

    class FileContent:
        """The face's file, copied the first time it is asked for; a subset replaces it."""

        def __get__(self, font, owner=None):
            if font is None:
                return self
            value = font.__dict__.get("_gongwen_file_content", deferred)
            if value is deferred:
                value = font.__dict__["_gongwen_file_content"] = get(font.hb_face)
            return value

        def __set__(self, font, value):
            font.__dict__["_gongwen_file_content"] = value

    Font.file_content = FileContent()
    fm.get_hb_object_data = get_hb_object_data
    return True


_KEPT: dict[str, bytes] = {}  # font subsets and their compressed forms, by file name (see _recall)
_cache_dir: list = [None]  # where they are also kept between builds (set_cache_dir); None: in memory only
CACHE_FILES = 128  # files kept on disk (subsets of 10–750 KB and their compressed forms); the least recently
# used are removed beyond this


def set_cache_dir(path) -> None:
    """Keep font subsets in `path`/subsets (path: output/.cache) as well as in memory, so that a build
    whose text brings no new character to a font reuses that font's subset from the build before."""
    from pathlib import Path

    _cache_dir[0] = Path(path) / "subsets" if path else None


def _recall(name: str) -> bytes | None:
    """A kept subset or compressed stream: from memory (watch mode), else from the cache folder (marked
    as used, so that the least recently used go first)."""
    data = _KEPT.get(name)
    folder = _cache_dir[0]
    if data is None and folder is not None:
        try:
            data = (folder / name).read_bytes()
            os.utime(folder / name)
        except OSError:
            return None
        _KEPT[name] = data
    return data


def _keep(name: str, data: bytes) -> None:
    if len(_KEPT) > 64:
        _KEPT.clear()
    _KEPT[name] = data
    folder = _cache_dir[0]
    if folder is None:
        return
    try:
        _write_atomic(folder / name, data)
        files = sorted((f for f in folder.iterdir() if not f.name.startswith(".")), key=lambda f: f.stat().st_mtime_ns)
        for old in files[:-CACHE_FILES]:
            old.unlink()
    except OSError:
        pass  # a cache that cannot be written only costs time


def _write_atomic(path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{os.getpid()}.tmp"
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    finally:  # a full disk leaves no half-written temporary behind
        with contextlib.suppress(OSError):
            tmp.unlink()


def _stored(font):
    d = font.__dict__
    return d.get("_gongwen_file_content", d.get("file_content"))


def _subset_library() -> str:
    """The HarfBuzz subsetter in use (path, size, date): a new version may cut fonts differently."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                if "libharfbuzz-subset" in line:
                    path = line.split(None, 5)[-1].strip()
                    st = os.stat(path)
                    return f"{path}|{st.st_size}|{st.st_mtime_ns}"
    except OSError:
        pass
    return "unknown"


def _subset_memo(fm) -> bool:
    """Reuse a font subset while the glyphs are the same. HarfBuzz cuts each CJK face twice (~25 ms a
    face); an edit seldom brings a new character, and the red 发文机关标志, the title and the headings
    keep their characters from build to build. The key is the face itself (its `head` table, whose
    checksum covers the whole file, its index and glyph count), the glyphs, the flags and the subsetter
    library; the subset is kept in memory (watch mode) and in the output's cache folder."""
    Font = getattr(fm, "Font", None)
    original = getattr(Font, "_harfbuzz_subset", None)
    ffi, harfbuzz = getattr(fm, "ffi", None), getattr(fm, "harfbuzz", None)
    if original is None or ffi is None or harfbuzz is None or getattr(original, "_gongwen", False):
        return False
    for name in ("hb_tag_from_string", "hb_face_reference_table", "hb_blob_get_data", "hb_blob_destroy"):
        if not hasattr(harfbuzz, name):
            return False
    library = []

    def head_table(font) -> bytes:
        blob = harfbuzz.hb_face_reference_table(font.hb_face, harfbuzz.hb_tag_from_string(b"head", -1))
        try:
            length = ffi.new("unsigned int *")
            data = harfbuzz.hb_blob_get_data(blob, length)
            return b"" if data == ffi.NULL else ffi.unpack(data, int(length[0]))
        finally:
            harfbuzz.hb_blob_destroy(blob)

    def _harfbuzz_subset(self, to_unicode, hinting):
        head = head_table(self)
        if not library:
            library.append(_subset_library())
        key = hashlib.sha256(
            repr(
                (
                    head,
                    self.index,
                    self.glyph_count,
                    sorted(to_unicode),
                    bool(hinting),
                    sorted(self.missing.items()),
                    library[0],
                )
            ).encode()
        ).hexdigest()
        name = f"{key}.font"
        hit = _recall(name) if head else None
        if hit is not None:
            self.file_content = hit
            return
        before = _stored(self)
        original(self, to_unicode, hinting)
        after = _stored(self)  # (not self.file_content: that would copy a whole file the subset did not replace)
        if after is not before and isinstance(after, bytes) and head:
            _keep(name, after)

    _harfbuzz_subset._gongwen = True
    Font._harfbuzz_subset = _harfbuzz_subset
    return True


BIG_STREAM = 64 * 1024


def _compressed_streams_kept(pydyf) -> bool:
    """Keep the compressed form of the large streams — the embedded font subsets — with the subsets:
    pydyf compresses each at level 9 (~45 ms a build for four CJK subsets), and a subset that comes from
    the cache compresses to the same bytes as last time. The compression is pydyf's own (same zlib call,
    same level, same dictionary entries); streams of other shapes are left to pydyf."""
    Stream, Dictionary = getattr(pydyf, "Stream", None), getattr(pydyf, "Dictionary", None)
    prop = getattr(Stream, "data", None) if Stream is not None else None
    if (
        Dictionary is None
        or not isinstance(prop, property)
        or getattr(prop.fget, "_gongwen", False)
        or not getattr(pydyf, "__version__", "").startswith(TESTED_PYDYF)
    ):
        return False
    original = prop.fget

    def data(self):
        items = self.stream
        if not (self.compress and len(items) == 1 and isinstance(items[0], bytes) and len(items[0]) >= BIG_STREAM):
            return original(self)
        raw = items[0]
        name = f"{hashlib.sha256(raw).hexdigest()}.z"
        packed = _recall(name)
        if packed is None:
            compressobj = zlib.compressobj(level=9)
            packed = compressobj.compress(raw) + compressobj.flush()
            _keep(name, packed)
        extra = Dictionary(self.extra.copy())
        extra["Filter"] = "/FlateDecode"
        extra["Length"] = len(packed)
        return b"\n".join((extra.data, b"stream", packed, b"endstream"))

    data._gongwen = True
    Stream.data = property(data)
    return True


_ARRAY = re.compile(r"^\s*([A-Za-z_][\w ]*?)\s*\[(\d+)\]\s*$")


def _ffi_array_types(ffm) -> bool:
    """`ffi.new("hb_codepoint_t[1234]", …)` with a new length each time makes cffi parse a new C type,
    ~10 ms each with WeasyPrint's declarations (a dozen a build, one per font and pass). The same array
    made as `ffi.new("hb_codepoint_t[]", …)` (cffi's documented form for a length known at run time)
    parses its type once."""
    ffi = getattr(ffm, "ffi", None)
    new = getattr(ffi, "new", None)
    if new is None or getattr(new, "_gongwen", False):
        return False

    def ffi_new(cdecl, init=None):
        m = _ARRAY.match(cdecl) if isinstance(cdecl, str) else None
        if m is not None:
            n = int(m.group(2))
            if init is None:
                return new(f"{m.group(1)}[]", n)
            try:
                if len(init) == n:
                    return new(f"{m.group(1)}[]", init)
            except TypeError:
                pass
        return new(cdecl, init)

    ffi_new._gongwen = True
    ffi.new = ffi_new
    return True


def ours_alone(d) -> bool:
    """The folder `d` (made 0700 if it is not there) is a directory, not a link, owned by this user, with
    no access for group or others. Raises OSError when it can be neither made nor read."""
    import stat

    Path(d).mkdir(mode=0o700, exist_ok=True)
    st = os.lstat(d)
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077


def private_dir(base) -> "Path | None":
    """`base`/private if it is ours_alone(), checked before each use; None when it is not so: nothing
    code-bearing (cffi's pickled parser state) is then read or kept."""
    d = Path(base) / "private"
    try:
        return d if ours_alone(d) else None
    except OSError:
        return None


def _own_file(path) -> bool:
    """A regular file (not a link) of this user's that no one else may write."""
    import stat

    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o022


@contextlib.contextmanager
def cffi_declarations_cached(folder):
    """While WeasyPrint is imported: its 460 lines of C declarations are parsed by cffi (with pycparser)
    at every start, ~0.1 s of each build. Parsed once, the parser's declarations are kept in `folder`
    (output/.cache), keyed by the declarations' text and the cffi and Python versions, and given back to
    cffi's parser instead of parsing again. Only a first parse with no options is kept; anything else, an
    untested cffi version or a parser without the expected fields is parsed as usual.

    The state is a pickle (cffi's own objects), so it is kept only in private_dir(folder) — 0700, this
    user's, checked before every read — and read only from a file of this user's that no one else can
    write; otherwise the declarations are parsed as usual."""
    try:
        import cffi
        import cffi.cparser
    except ImportError:
        yield
        return
    Parser = cffi.cparser.Parser
    original = getattr(Parser, "parse", None)
    fields = (
        "_declarations",
        "_included_declarations",
        "_anonymous_counter",
        "_options",
        "_int_constants",
        "_recomplete",
        "_uses_new_feature",
    )
    probe = Parser()
    if (
        folder is None
        or original is None
        or not getattr(cffi, "__version__", "").startswith(TESTED_CFFI)
        or any(not hasattr(probe, f) for f in fields)
    ):
        yield
        return
    folder = private_dir(folder)
    if folder is None:
        yield
        return

    def parse(self, csource, override=False, packed=False, pack=None, dllexport=False):
        if override or packed or pack or dllexport or self._declarations or not isinstance(csource, str):
            return original(self, csource, override, packed, pack, dllexport)
        key = hashlib.sha256(f"{cffi.__version__}|{sys.version}|{csource}".encode()).hexdigest()[:24]
        path = folder / f"cffi-{key}.pickle"
        try:
            if private_dir(folder.parent) != folder or not _own_file(path):
                raise PermissionError(path)  # not ours alone: not read
            state = pickle.loads(path.read_bytes())
            if isinstance(state, dict) and set(state) == set(fields):
                self.__dict__.update(state)
                return None
        except Exception:
            pass
        result = original(self, csource, override, packed, pack, dllexport)
        try:
            _write_atomic(path, pickle.dumps({f: getattr(self, f) for f in fields}, protocol=pickle.HIGHEST_PROTOCOL))
        except Exception:
            pass  # a cache that cannot be written only costs time
        return result

    Parser.parse = parse
    try:
        yield
    finally:
        Parser.parse = original
