"""Opening a Word file without trusting it: the package, its parts and their XML.

A DOCX is a ZIP of XML parts. Here nothing is inflated before its size is known: each part's size is read
from the ZIP directory and refused when over its bound, then counted again while it is inflated (the
directory can lie). Every part is parsed by one parser that resolves no entities, loads no DTD and reaches
no network, and any DOCTYPE is refused, so that no entity is ever expanded whatever lxml version is
installed. Files that are not DOCX (a .doc or .wps, an encrypted document, an .odt, a PDF, a web page saved
as .doc) are recognised by their signature and told how to convert. Every refusal is a BuildError in
Chinese naming the file.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from ..errors import BuildError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
# ISO 29500 Strict names the same vocabulary differently; read as Transitional
STRICT = {
    b"http://purl.oclc.org/ooxml/wordprocessingml/main": W.encode(),
    b"http://purl.oclc.org/ooxml/officeDocument/relationships": R.encode(),
}

MAX_FILE = 200 * 2**20  # the file itself (pictures make real drafts large; they are never inflated)
MAX_ENTRIES = 10_000  # parts in the package
MAX_MAIN = 12 * 2**20  # word/document.xml inflated: Word writes ~45 KB a page, so some 250 pages
MAX_PART = 4 * 2**20  # any other XML part inflated (styles, numbering, notes, comments, headers)
MAX_TOTAL = 24 * 2**20  # all the parts read, inflated
MAX_PARAGRAPHS = 50_000  # paragraphs of the main text (the 2024 plan has ~60)

PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
    collect_ids=False,
)

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _mb(n: int) -> str:
    return f"{n / 2**20:.0f} MB"


def _ole_message(path: Path, data: bytes) -> str:
    """An OLE compound file: which kind, by the names of its streams (UTF-16 in the directory)."""

    def has(name: str) -> bool:
        return name.encode("utf-16-le") in data

    name = path.name
    if has("EncryptedPackage") or has("EncryptionInfo"):
        return (
            f"{name} 设有打开密码（加密的 Word 文件无法读取）。请在 Word 或 WPS 中打开它，取消密码"
            "（Word：文件 → 信息 → 保护文档 → 用密码进行加密，清空密码），再另存为 .docx"
        )
    if has("WordDocument"):
        return (
            f"{name} 是旧版 Word（.doc）或 WPS 文字（.wps）格式，本程序只读 .docx。请在 Word 或 WPS 中"
            f'“另存为”Word 文档（*.docx），或运行：libreoffice --headless --convert-to docx "{path}"'
        )
    if has("Workbook") or has("Book"):
        return f"{name} 是 Excel 表格，不是 Word 文件"
    if has("PowerPoint Document"):
        return f"{name} 是 PowerPoint 演示文稿，不是 Word 文件"
    if has("MatOST") or has("CONTENTS"):
        return (
            f"{name} 是 Microsoft Works 等旧格式的文件，本程序只读 .docx。请在 Word 或 WPS 中另存为 .docx，"
            f'或运行：libreoffice --headless --convert-to docx "{path}"'
        )
    return (
        f"{name} 是旧版 Office 格式（不是 .docx）。请在 Word 或 WPS 中另存为 .docx，或运行："
        f'libreoffice --headless --convert-to docx "{path}"'
    )


def _not_docx(path: Path, head: bytes) -> str:
    """What a file that is not a ZIP is, in a sentence."""
    name = path.name
    if not head:
        return f"{name} 是空文件"
    if head.startswith(b"%PDF"):
        return f"{name} 是 PDF 文件，不能导入：请找原始的 Word 稿（或先用 Word/WPS 把 PDF 转成 .docx）"
    if head.lstrip(b"\xef\xbb\xbf").startswith(b"{\\rtf"):
        return f"{name} 是 RTF 文件（可能改过扩展名）：请在 Word 或 WPS 中另存为 .docx"
    low = head[:2048].lower()
    if (
        b"mime-version" in low
        or b"<html" in low
        or b"<!doctype html" in low
        or b'xmlns:w="urn:schemas-microsoft' in low
    ):
        return f"{name} 是网页格式（Word 另存的“网页”或 .mht）：请在 Word 或 WPS 中另存为 .docx"
    if b'<?mso-application progid="word.document"?>' in low or b"<w:worddocument" in low:
        return f"{name} 是 Word 2003 XML 格式：请在 Word 或 WPS 中另存为 .docx"
    return f"{name} 不是有效的 Word 文件（.docx），可能已损坏"


class Package:
    """The parts of a DOCX, read with bounds. `main` is the main document part's name."""

    def __init__(self, path: Path):
        self.path = path
        self.name = path.name
        self.total = 0
        if not path.is_file():
            raise BuildError(f"找不到文件 {path}")
        size = path.stat().st_size
        if size > MAX_FILE:
            raise BuildError(f"{self.name} 有 {_mb(size)}，超过可导入的上限 {_mb(MAX_FILE)}")
        with open(path, "rb") as f:
            head = f.read(8)
            if head[:4] == _OLE[:4]:
                raise BuildError(_ole_message(path, head + f.read(min(size, 64 * 2**20))))
            head += f.read(4096)
        if not head.startswith(b"PK"):
            raise BuildError(_not_docx(path, head))
        try:
            self.zip = zipfile.ZipFile(path)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            raise BuildError(f"{self.name} 不是有效的 Word 文件（.docx），可能已损坏") from None
        if len(infos) > MAX_ENTRIES:
            self.zip.close()
            raise BuildError(
                f"{self.name} 中有 {len(infos)} 个部件，超过上限 {MAX_ENTRIES}，拒绝读取（文件可能被构造过）"
            )
        self.infos = {i.filename: i for i in infos}
        self.main = self._main_part()

    def close(self) -> None:
        self.zip.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def has(self, name: str) -> bool:
        return name in self.infos

    def _main_part(self) -> str:
        rels = self.rels("")
        main = next((t for typ, t in rels.values() if typ.endswith("/officeDocument")), None)
        if main and self.has(main):
            return main
        if self.has("word/document.xml"):
            return "word/document.xml"
        names = set(self.infos)
        self.close()
        if "mimetype" in names or "content.xml" in names:
            raise BuildError(
                f"{self.name} 是 OpenDocument 文本（.odt）等格式：请在 WPS 或 LibreOffice 中另存为 .docx，"
                f'或运行：libreoffice --headless --convert-to docx "{self.path}"'
            )
        if "xl/workbook.xml" in names:
            raise BuildError(f"{self.name} 是 Excel 表格，不是 Word 文件")
        if "ppt/presentation.xml" in names:
            raise BuildError(f"{self.name} 是 PowerPoint 演示文稿，不是 Word 文件")
        if "OFD.xml" in names:
            raise BuildError(f"{self.name} 是 OFD 版式文件，不能导入：请找原始的 Word 稿")
        raise BuildError(f"{self.name} 不是有效的 Word 文件（.docx），可能已损坏")

    def read(self, name: str, limit: int = MAX_PART) -> bytes | None:
        """A part's bytes, or None if absent; refused when its inflated size passes `limit` (by the
        directory, and again while inflating) or when all parts read pass MAX_TOTAL."""
        info = self.infos.get(name)
        if info is None:
            return None
        what = f"{self.name} 中的 {name}"
        if info.file_size > limit:
            raise BuildError(
                f"{what} 解压后有 {_mb(info.file_size)}，超过上限 {_mb(limit)}，拒绝读取（可能是“压缩炸弹”）"
            )
        if info.flag_bits & 0x1:
            raise BuildError(f"{what} 是加密的，无法读取：请在 Word 中取消密码后另存为 .docx")
        out = bytearray()
        try:
            with self.zip.open(info) as f:
                while chunk := f.read(2**20):
                    out += chunk
                    if len(out) > limit:
                        raise BuildError(
                            f"{what} 解压后超过上限 {_mb(limit)}（与压缩包目录中记载的大小不符），"
                            "拒绝读取（可能是“压缩炸弹”）"
                        )
                    if self.total + len(out) > MAX_TOTAL:
                        raise BuildError(f"{self.name} 的各部件解压后合计超过上限 {_mb(MAX_TOTAL)}，拒绝读取")
        except BuildError:
            raise
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, RuntimeError, zlib.error):
            raise BuildError(f"{what} 无法解压，文件可能已损坏") from None
        self.total += len(out)
        return bytes(out)

    def xml(self, name: str, limit: int = MAX_PART):
        """A part parsed safely, or None if absent."""
        data = self.read(name, limit)
        return None if data is None else parse_xml(data, f"{self.name} 中的 {name}")

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """The relationships of `part` ('' for the package): id → (type, target part name)."""
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", base + ".rels") if part else "_rels/.rels"
        root = self.xml(rels_name)
        out: dict[str, tuple[str, str]] = {}
        if root is None:
            return out
        for rel in root.iter(f"{{{PR}}}Relationship"):
            target = rel.get("Target") or ""
            if rel.get("TargetMode") == "External":
                continue
            if target.startswith("/"):
                name = target.lstrip("/")
            else:
                name = posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id") or ""] = (rel.get("Type") or "", name)
        return out

    def related(self, part: str, kind: str) -> list[str]:
        """Names of the parts related to `part` by a relationship type ending in `kind` (e.g. '/styles')."""
        return [t for typ, t in self.rels(part).values() if typ.endswith(kind) and self.has(t)]


_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY")


def parse_xml(data: bytes, what: str):
    """XML bytes → element, with no entity resolved, no DTD loaded and no network; any DOCTYPE refused."""
    head = data[:65536]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        head = head.decode("utf-16", "ignore").encode("utf-8")
    if _DOCTYPE.search(head):
        raise BuildError(f"{what} 含有 DOCTYPE（文档类型声明、实体），Word 不会写出这样的内容，为安全起见拒绝读取")
    for strict, transitional in STRICT.items():
        if strict in data:
            data = data.replace(strict, transitional)
    try:
        root = etree.fromstring(data, PARSER)
    except etree.XMLSyntaxError as exc:
        if "depth" in str(exc).lower():
            raise BuildError(f"{what} 的元素嵌套超过 256 层（表格套表格……），远超任何真实的稿件，拒绝读取") from None
        raise BuildError(f"{what} 不是合法的 XML，文件可能已损坏") from None
    except ValueError:
        raise BuildError(f"{what} 无法读取，文件可能已损坏") from None
    if root.getroottree().docinfo.doctype:
        raise BuildError(f"{what} 含有 DOCTYPE（文档类型声明、实体），Word 不会写出这样的内容，为安全起见拒绝读取")
    return root


def open_package(path: Path) -> Package:
    """The DOCX at `path`, or a BuildError saying in Chinese what the file is and what to do."""
    return Package(Path(path))
