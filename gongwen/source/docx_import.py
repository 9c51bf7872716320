"""Importing a Word draft (DOCX) into content/<year>/: the reader beside the YAML one.

The DOCX is read with lxml, as Word would show it with every tracked change accepted (inserted and
moved-to text kept, deleted and moved-from text dropped), footnotes in place as ^[…], tables and images
noted as lost. Each paragraph is then given its place in the content model, first by the paragraph style
this program writes (发文机关标志, 公文标题, 一级标题, 三级标题 …), else by what a drafted 公文 looks like:
the 文号 pattern, a line ending in “：” after the title, 一、 （一） 1. （1） typed at the start of a line
(1、 and 1． too), “附件：” lists, a date line under the 署名, 抄送/印发 lines. Typed numbers become
structure, never text. What cannot be placed is reported with its paragraph number and where it went.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import BuildError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


@dataclass
class Para:
    no: int  # paragraph number in the document, 1-based (what the report names)
    style: str  # style id
    text: str  # text with footnotes as ^[…]
    lead: str = ""  # the text of the leading run(s) in the 要点句 style or bold (an item's lead sentence)
    box: bool = False  # inside a text box (our 版记)


@dataclass
class Imported:
    notice: dict
    attachments: list[tuple[str, dict]]  # (file name, content)
    notes: list[str] = field(default_factory=list)  # what the reader should know (lost tables, changes accepted…)
    unplaced: list[str] = field(default_factory=list)  # paragraph → where it was put
    counts: dict = field(default_factory=dict)


# -- reading the package ---------------------------------------------------------------------------


def open_docx(path: Path) -> zipfile.ZipFile:
    """The DOCX package at `path`; a missing file, a .doc, an encrypted or corrupt file → one clear message."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise BuildError(f"找不到文件 {path}")
    if suffix == ".doc":
        raise BuildError(f"{path.name} 是旧版 Word 格式（.doc），本程序只读 .docx。请先在 Word/WPS 中另存为 .docx，或运行："
                         f"libreoffice --headless --convert-to docx \"{path}\"")
    head = path.read_bytes()[:8]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise BuildError(f"{path.name} 设有打开密码或不是 .docx 格式（加密的 Word 文件无法读取）。请在 Word 中取消密码后另存为 .docx")
    try:
        z = zipfile.ZipFile(path)
        z.getinfo("word/document.xml")
        return z
    except (zipfile.BadZipFile, KeyError):
        raise BuildError(f"{path.name} 不是有效的 Word 文件（.docx），可能已损坏") from None


def _drop_alternatives(root) -> None:
    """Markup compatibility: keep one branch of each mc:AlternateContent (the Choice, as Word does)."""
    for ac in list(root.iter(f"{{{MC}}}AlternateContent")):
        branch = ac.find(f"{{{MC}}}Choice")
        if branch is None:
            branch = ac.find(f"{{{MC}}}Fallback")
        parent = ac.getparent()
        idx = parent.index(ac)
        parent.remove(ac)
        if branch is not None:
            for k, child in enumerate(list(branch)):
                parent.insert(idx + k, child)


class _Reader:
    def __init__(self, z: zipfile.ZipFile):
        self.notes_lost: list[str] = []
        self.changes = 0
        self.comments = 0
        self.footnotes: dict[str, str] = {}
        if "word/footnotes.xml" in z.namelist():
            for fn in etree.fromstring(z.read("word/footnotes.xml")).iter(q("footnote")):
                if fn.get(q("type")) in ("separator", "continuationSeparator", "continuationNotice"):
                    continue
                text = "".join(self.par_text(p)[0] for p in fn.iter(q("p"))).strip()
                self.footnotes[fn.get(q("id"))] = re.sub(r"^[①-⑳㉑-㉟㊱-㊿]\s*", "", text)  # a custom mark
        if "word/comments.xml" in z.namelist():
            self.comments = len(etree.fromstring(z.read("word/comments.xml")).findall(q("comment")))
        self.root = etree.fromstring(z.read("word/document.xml"))
        _drop_alternatives(self.root)

    def par_text(self, p) -> tuple[str, str]:
        """(text, lead) of a paragraph: changes accepted, footnotes as ^[…]; `lead` is the opening run(s)
        in the 要点句 style (this program's DOCX) or in bold (a typed draft), after the typed number."""
        p_in_box = any(a.tag == q("txbxContent") for a in p.iterancestors())
        segments: list[tuple[str, bool]] = []  # (text, in the lead style)
        skip_mark = False
        for r in p.iter(q("r")):
            anc = [a.tag for a in r.iterancestors()]
            if q("txbxContent") in anc and not p_in_box:
                continue  # a text box anchored here (the 版记): read as paragraphs of its own
            if q("del") in anc or q("moveFrom") in anc:
                self.changes += 1
                continue
            if q("ins") in anc or q("moveTo") in anc:
                self.changes += 1
            rpr = r.find(q("rPr"))
            rstyle = rpr.find(q("rStyle")) if rpr is not None else None
            bold = rpr.find(q("b")) if rpr is not None else None
            is_lead = (rstyle is not None and rstyle.get(q("val")) == "GwLead") or (
                bold is not None and bold.get(q("val"), "1") not in ("0", "false"))
            for child in r:
                tag = child.tag
                if tag == q("t"):
                    if skip_mark:
                        skip_mark = False
                        continue
                    segments.append((child.text or "", is_lead))
                elif tag == q("tab"):
                    segments.append(("\t", False))
                elif tag == q("br"):
                    segments.append(("\n", False))
                elif tag == q("footnoteReference"):
                    note = self.footnotes.get(child.get(q("id")), "")
                    if note:
                        segments.append((f"^[{note}]", is_lead))
                    skip_mark = child.get(q("customMarkFollows")) in ("1", "true")
                elif tag in (q("drawing"), q("pict")) and not list(child.iter(q("txbxContent"))):
                    self.notes_lost.append("图片")
        text = "".join(t for t, _ in segments)
        lead = []
        k = 0
        while k < len(segments) and not segments[k][1] and re.fullmatch(
                r"\s*[（(]?[\d一二三四五六七八九十]*[）)]?[.．、]?\s*", segments[k][0]):
            k += 1  # the typed or generated number before the lead
        while k < len(segments) and segments[k][1]:
            lead.append(segments[k][0])
            k += 1
        return text, "".join(lead)

    def paragraphs(self) -> list[Para]:
        body = self.root.find(q("body"))
        out: list[Para] = []
        no = 0
        for p in body.iter(q("p")):
            in_box = any(a.tag == q("txbxContent") for a in p.iterancestors())
            if any(a.tag == q("tbl") for a in p.iterancestors()) and not in_box:
                continue  # tables: below
            if any(a.tag == q("del") for a in p.iterancestors()):
                continue
            no += 1
            style = p.find(f"{q('pPr')}/{q('pStyle')}")
            text, lead = self.par_text(p)
            mark = p.find(f"{q('pPr')}/{q('rPr')}/{q('del')}")
            if mark is not None and not text.strip():
                continue  # a paragraph deleted whole
            out.append(Para(no, style.get(q("val")) if style is not None else "", text.strip(" \t\u3000\u00a0"),
                            lead.strip(), in_box))
        tables = [t for t in body.iter(q("tbl")) if not any(a.tag in (q("txbxContent"), q("tbl")) for a in t.iterancestors())]
        # a borderless one-row table at the top is a joint mark (ours): keep its text as paragraphs
        for t in tables:
            cells = t.findall(f"{q('tr')}/{q('tc')}")
            if len(t.findall(q("tr"))) == 1 and any(p.find(f"{q('pPr')}/{q('pStyle')}") is not None and
                                                   p.find(f"{q('pPr')}/{q('pStyle')}").get(q("val")) == "GwMarkJoint"
                                                   for c in cells for p in c.iter(q("p"))):
                continue
            self.notes_lost.append("表格")
        return out

    def joint_mark(self) -> tuple[list[str], str] | None:
        for t in self.root.iter(q("tbl")):
            cells = t.findall(f"{q('tr')}/{q('tc')}")
            paras = [[self.par_text(p)[0].strip() for p in c.iter(q("p"))] for c in cells]
            styles = [p.find(f"{q('pPr')}/{q('pStyle')}") for c in cells for p in c.iter(q("p"))]
            if styles and all(s is not None and s.get(q("val")) == "GwMarkJoint" for s in styles):
                organs = [x for x in paras[0] if x]
                suffix = paras[1][0] if len(paras) > 1 and paras[1] else ""
                return organs, suffix
        return None


# -- placing the paragraphs ------------------------------------------------------------------------

RX_NUMBER = re.compile(r"^(?P<prefix>[\u4e00-\u9fff]{1,10})〔(?P<year>\d{4})〕(?P<seq>\d+)号")
RX_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
RX_PENDING = re.compile(r"^(\d{4})年\s*月\s*日$")
RX_L1 = re.compile(r"^([一二三四五六七八九十百]+)[、.．]\s*(.*)$")
RX_L2 = re.compile(r"^[（(]([一二三四五六七八九十]+)[）)][、.．]?\s*(.*)$")
RX_L3 = re.compile(r"^(\d{1,3})\s*[.．、]\s*(.*)$")
RX_L4 = re.compile(r"^[（(](\d{1,3})[）)][、.．]?\s*(.*)$")
RX_ATT_NOTE = re.compile(r"^附件[：:]\s*(?:1[.．]\s*)?(.+)$")
RX_ATT_MORE = re.compile(r"^(\d+)[.．]\s*(.+)$")
RX_ATT_LABEL = re.compile(r"^附件\s*(\d*)$")
RX_CC = re.compile(r"^抄送[：:]\s*(.+?)[。.]?$")
RX_MAIN = re.compile(r"^主送[：:]\s*(.+?)[。.]?$")
RX_PRINTED = re.compile(r"^(.+?)\s+(\d{4}年\d{1,2}月\d{1,2}日|\d{4}年\s*月\s*日)\s*印发$")
RX_COPIES = re.compile(r"^[（(]?共印\s*(\d+)\s*份[）)]?$")
RX_SIGNER = re.compile(r"签发人[：:]\s*(.+)$")


def _date(s: str):
    m = RX_DATE.match(s.replace(" ", ""))
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    return "待定" if RX_PENDING.match(s) else None


def _split_lead(text: str, lead: str) -> tuple[str, str]:
    """An item's lead sentence and the rest: the 要点句/bold opening if the DOCX marks one, else the first
    sentence when it is short (a lead sentence), else no lead."""
    if lead and text.startswith(lead):
        return lead, text[len(lead):]
    m = re.match(r"^([^。；！？]{2,40}[。！？])(.*)$", text, re.S)
    if m and "^[" not in m.group(1):
        return m.group(1), m.group(2)
    return "", text


class _Builder:
    """Turns the paragraphs of one body (the notice's, or an attachment's) into 部分/小节/条目/分项."""

    def __init__(self, report):
        self.report = report
        self.top: list[dict] = []
        self.intro: list[str] = []
        self.stack: list[tuple[int, dict]] = []  # (level, node)
        self.counts = {1: 0, 2: 0, 3: 0, 4: 0}
        self.top_level = 1
        self.item_numbers: list[int] = []  # the typed or generated numbers of the 1. items, in order

    def add(self, p: Para, level: int | None, heading: str, body: str = "") -> None:
        from ..model import HEADING_KEY, LEVEL_KEYS, TEXT_KEY
        if level is None:  # a plain paragraph: under the innermost section, or the intro
            if not self.stack:
                self.intro.append(p.text)
                return
            lvl, node = self.stack[-1]
            node.setdefault(TEXT_KEY[lvl], []).append(p.text)
            return
        if level == 3:
            m = RX_L3.match(p.text)
            if m:
                self.item_numbers.append(int(m.group(1)))
        node: dict = {}
        if heading:
            node[HEADING_KEY[level]] = heading
        if body:
            node[TEXT_KEY[level]] = [body]
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        if self.stack:
            parent_level, parent = self.stack[-1]
            key = LEVEL_KEYS[level]
            if any(k in parent for k in LEVEL_KEYS.values() if k != key):
                self.report(p, f"放在上一个{LEVEL_KEYS[parent_level]}下（同一层不能混用{key}和其他层次）")
            parent.setdefault(key, []).append(node)
        else:
            if not self.top:
                self.top_level = level
            elif level != self.top_level:
                self.report(p, f"层次与前面不一致，按{LEVEL_KEYS[self.top_level]}之外的同层处理")
            self.top.append(node)
        self.stack.append((level, node))
        self.counts[level] += 1

    def result(self, into: dict) -> None:
        from ..model import ITEMS_RESTART, LEVEL_KEYS
        if self.top:
            into[LEVEL_KEYS[self.top_level]] = self.top
        if 1 in self.item_numbers[1:]:  # 1. again after the first item: numbered per part
            into["条目编号"] = ITEMS_RESTART
        for node in _walk(self.top):
            for k in ("导语", "内容"):
                if k in node and len(node[k]) == 1:
                    node[k] = node[k][0]


def _walk(nodes):
    for n in nodes:
        yield n
        for k in ("小节", "条目", "分项"):
            yield from _walk(n.get(k, []))


def _level_of(p: Para) -> tuple[int | None, str, str]:
    """(level, heading or lead, rest) of a paragraph that starts a section, else (None, '', '')."""
    style, text = p.style, p.text
    if style == "GwHeading1" or (not style.startswith("Gw") and RX_L1.match(text) and len(text) < 60):
        m = RX_L1.match(text)
        return (1, m.group(2) if m else text, "") if m else (1, text, "")
    if style == "GwHeading2" or (not style.startswith("Gw") and RX_L2.match(text) and not RX_L4.match(text)):
        m = RX_L2.match(text)
        if m:
            head = m.group(2)
            if len(head) > 40:  # （一）加强党建。正文……: a run-in second level
                lead, rest = _split_lead(head, p.lead)
                return 2, lead or head, rest if lead else ""
            return 2, head, ""
    for level, rx, st in ((4, RX_L4, "GwItem4"), (3, RX_L3, "GwItem")):
        m = rx.match(text)
        if m and (style == st or not style.startswith("Gw") or style in ("GwItem", "GwItem4")):
            lead_text = p.lead
            lead_text = re.sub(r"^\s*[（(]?\d+[）)]?[.．、]?\s*", "", lead_text)
            lead, rest = _split_lead(m.group(2), lead_text)
            return level, lead, rest
    return None, "", ""


def place(paras: list[Para], joint: tuple[list[str], str] | None, source: str) -> Imported:
    notice: dict = {}
    attachments: list[tuple[str, dict]] = []
    unplaced: list[str] = []
    counts = {1: 0, 2: 0, 3: 0, 4: 0}

    def report(p: Para, where: str) -> None:
        unplaced.append(f"{source} 第 {p.no} 段“{p.text[:20]}{'…' if len(p.text) > 20 else ''}”：{where}")

    body = [p for p in paras if p.text and not p.box]
    box = [p for p in paras if p.text and p.box]
    i = 0
    # 版头: 份号, 密级, 紧急程度, the mark, the 文号 (with 签发人)
    while i < len(body) and not RX_NUMBER.match(body[i].text) and body[i].style not in ("GwDocNumber", "GwTitle"):
        p = body[i]
        if p.style == "GwCopyNumber" or re.fullmatch(r"\d{6}", p.text):
            notice["份号"] = p.text
        elif p.style == "GwSecrecy" or re.match(r"^(绝密|机密|秘密)", p.text):
            level, _, term = p.text.partition("★")
            notice["密级"] = level.strip()
            if term:
                notice["保密期限"] = term.strip()
        elif p.style == "GwUrgency" or p.text in ("特急", "加急", "特提", "平急"):
            notice["紧急程度"] = p.text
        elif joint is None:
            notice["发文机关标志"] = (notice.get("发文机关标志", "") + p.text) if isinstance(notice.get("发文机关标志", ""), str) else p.text
        i += 1
    if joint:
        notice["发文机关标志"] = {"机关": joint[0], **({"后缀": joint[1]} if joint[1] else {})}
    signers: list[str] = []
    while i < len(body) and (RX_NUMBER.match(body[i].text) or body[i].style in ("GwDocNumber", "GwSignerRow")):
        p = body[i]
        m = RX_NUMBER.match(p.text)
        if m:
            notice["发文字号"] = {"机关代字": m.group("prefix"), "年份": int(m.group("year")), "序号": int(m.group("seq"))}
        s = RX_SIGNER.search(p.text)
        if s:
            signers += [x for x in re.split(r"[\s\u3000]+", s.group(1).strip()) if x]
        elif p.style == "GwSignerRow":
            signers += [x for x in re.split(r"[\s\u3000]+", p.text.strip()) if x]
        i += 1
    if signers:
        notice["签发人"] = signers if len(signers) > 1 else signers[0]
    # title: up to the recipients line (ending in ：) or the first body paragraph
    title: list[str] = []
    while i < len(body) and (body[i].style == "GwTitle" or (not body[i].style.startswith("Gw") and not title)
                             or (not body[i].style.startswith("Gw") and len(body[i].text) <= 30
                                 and not body[i].text.endswith(("：", ":", "。", "；", "！", "？")) and len(title) < 3
                                 and not RX_L1.match(body[i].text))):
        title += body[i].text.split("\n")
        i += 1
        if i < len(body) and body[i].text.endswith(("：", ":")):
            break
    notice["标题"] = title if len(title) > 1 else (title[0] if title else "")
    if i < len(body) and (body[i].style == "GwRecipients" or (body[i].text.endswith(("：", ":")) and len(body[i].text) < 80)):
        notice["主送机关"] = body[i].text.rstrip("：:")
        i += 1

    # the notice's body, to the 附件说明 or the 署名
    def section_end(k: int) -> bool:
        p = body[k]
        return (p.style in ("GwAttachNote", "GwSignature", "GwDate", "GwAttachLabel") or RX_ATT_NOTE.match(p.text)
                or RX_ATT_LABEL.match(p.text) or _date(p.text) is not None
                or (k + 1 < len(body) and _date(body[k + 1].text) is not None and len(p.text) <= 40))

    def build_body(i: int, stop) -> tuple[_Builder, int]:
        """The paragraphs from `i` up to the first where `stop(k)` holds, as sections and plain paragraphs."""
        b = _Builder(report)
        while i < len(body) and not stop(i):
            level, head, rest = _level_of(body[i])
            b.add(body[i], level, head, rest)
            i += 1
        for lv, c in b.counts.items():
            counts[lv] += c
        return b, i

    b, i = build_body(i, section_end)
    notice["正文"] = b.intro
    b.result(notice)
    # 附件说明
    names: list[str] = []
    while i < len(body) and (body[i].style in ("GwAttachNote", "GwAttachNoteMore") or RX_ATT_NOTE.match(body[i].text)
                             or (names and RX_ATT_MORE.match(body[i].text) and _date(body[i].text) is None
                                 and not section_end(i) or (names and body[i].style == "GwAttachNoteMore"))):
        t = body[i].text
        m = RX_ATT_NOTE.match(t)
        names.append((m.group(1) if m else (RX_ATT_MORE.match(t).group(2) if RX_ATT_MORE.match(t) else t)).strip())
        i += 1
    # 署名 and 成文日期
    sigs: list[str] = []
    while i < len(body) and _date(body[i].text) is None and not RX_ATT_LABEL.match(body[i].text):
        p = body[i]
        sigs += [x.strip() for x in re.split(r"\t|\s{2,}", p.text) if x.strip()]
        i += 1
    if i < len(body) and _date(body[i].text) is not None:
        notice["发文机关署名"] = sigs if len(sigs) > 1 else (sigs[0] if sigs else "")
        notice["成文日期"] = _date(body[i].text)
        i += 1
    if i < len(body) and re.match(r"^[（(].+[）)]$", body[i].text) and not RX_ATT_LABEL.match(body[i].text):
        notice["附注"] = body[i].text[1:-1]
        i += 1
    # attachments (and 版记 lines typed at the end of a draft)
    typed_colophon: list[Para] = []
    while i < len(body):
        p = body[i]
        m = RX_ATT_LABEL.match(p.text)
        if any(rx.match(p.text.replace("\t", " ")) for rx in (RX_CC, RX_MAIN, RX_PRINTED)) or RX_COPIES.match(
                p.text.replace(" ", "")):
            typed_colophon.append(p)
            i += 1
            continue
        if not (p.style == "GwAttachLabel" or m):
            pub = re.match(r"^公开属性[：:]\s*(.+)$", p.text)
            if pub:
                notice["公开属性"] = pub.group(1)
            else:
                report(p, "无法归位，未导入" if not attachments else f"放在附件{len(attachments)}的最后")
                if attachments:
                    attachments[-1][1].setdefault("导语", []).append(p.text)
            i += 1
            continue
        i += 1
        att: dict = {}
        tlines: list[str] = []
        while i < len(body) and (body[i].style == "GwAttachTitle" or (not body[i].style.startswith("Gw") and not tlines)):
            tlines += body[i].text.split("\n")
            i += 1
        att["标题"] = tlines if len(tlines) > 1 else (tlines[0] if tlines else "")
        if i < len(body) and (body[i].style == "GwAttachSubtitle" or re.fullmatch(r"[（(][^（）()]{2,20}[）)]", body[i].text)):
            att["副标题"] = body[i].text
            i += 1
        ab, i = build_body(i, lambda k: bool(
            body[k].style == "GwAttachLabel" or RX_ATT_LABEL.match(body[k].text) or re.match(r"^公开属性[：:]", body[k].text)
            or RX_CC.match(body[k].text) or RX_PRINTED.match(body[k].text.replace("\t", " "))))
        if ab.intro:
            att["导语"] = ab.intro if len(ab.intro) > 1 else ab.intro[0]
        ab.result(att)
        attachments.append(("attachment.yaml" if not attachments else f"attachment{len(attachments) + 1}.yaml", att))
    # 附件 list and names
    if attachments:
        refs = []
        for k, (fname, att) in enumerate(attachments):
            title_text = "".join(att["标题"]) if isinstance(att["标题"], list) else att["标题"]
            name = names[k] if k < len(names) else ""
            if name and name != title_text:
                refs.append({"文件": fname, "名称": name})
            else:
                refs.append(fname)
        notice["附件"] = refs
        if not names:
            notice["附件说明"] = "否"
    # 版记: the text box (ours) or plain lines at the end (a typed draft)
    colo: dict = {}
    for p in box + [p for p in body if p.style == "GwColophon"] + typed_colophon:
        for line in p.text.split("\n"):
            line = line.replace("\t", " ").strip()
            if (m := RX_CC.match(line)):
                colo["抄送"] = [x for x in re.split(r"[，、,]", m.group(1)) if x]
            elif (m := RX_MAIN.match(line)):
                colo["主送"] = m.group(1)
            elif (m := RX_PRINTED.match(line)):
                colo["印发机关"], colo["印发日期"] = m.group(1).strip(), _date(m.group(2))
            elif (m := RX_COPIES.match(line.replace(" ", ""))):
                colo["印数"] = int(m.group(1))
            elif line and _date(line.replace("印发", "")) is not None and line.endswith("印发"):
                colo["印发日期"] = _date(line[:-2])
            elif line and "印发机关" not in colo and not line.endswith("印发"):
                colo["印发机关"] = line
    if colo:
        notice["版记"] = colo
    result = Imported(notice, attachments, unplaced=unplaced, counts=counts)
    if names and len(names) > len(attachments):
        missing = "、".join(names[len(attachments):])
        result.notes.append(f"附件说明列出的附件（{missing}）不在这个文件中，没有导入；请另行整理为附件内容文件，"
                            "并写进发文文件的“附件”")
    return result


def _typed_notes(paras: list[Para]) -> list[Para]:
    """Notes typed as ①… paragraphs (a hand-made draft): each becomes ^[…] after its mark in the text."""
    notes = {p.text[0]: p for p in paras if p.text[:1] and "①" <= p.text[0] <= "⑳" and len(p.text) > 1}
    if not notes:
        return paras
    used = set()
    out = []
    for p in paras:
        if p in notes.values():
            continue
        text = p.text
        for mark, np_ in notes.items():
            if mark in text and mark not in used:
                text = text.replace(mark, f"^[{np_.text[1:].strip()}]", 1)
                used.add(mark)
        out.append(Para(p.no, p.style, text, p.lead, p.box))
    return out + [p for m, p in notes.items() if m not in used]


def import_docx(path: Path) -> Imported:
    z = open_docx(path)
    with z:
        r = _Reader(z)
        paras = r.paragraphs()
        joint = r.joint_mark()
    paras = _typed_notes(paras)
    result = place(paras, joint, path.name)
    if r.changes:
        result.notes.append(f"文件中有修订（{r.changes} 处），已按“接受全部修订”后的文字导入，删除的文字没有导入")
    if r.comments:
        result.notes.append(f"文件中的 {r.comments} 条批注没有导入")
    for what in sorted(set(r.notes_lost)):
        result.notes.append(f"文件中的{what}没有导入（内容格式不含{what}），请另行处理")
    return result


def to_yaml(data: dict, header: str) -> str:
    """Content as a clerk would write it: keys in the usual order, each paragraph on one line."""
    import yaml

    class _Dumper(yaml.SafeDumper):
        def increase_indent(self, flow=False, indentless=False):  # list items indented under their key
            return super().increase_indent(flow, False)

    def _str(dumper, value):
        style = None
        if "\n" in value:
            style = "|"
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, _str)
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10 ** 9, default_flow_style=False,
                     indent=2)
    lines = body.splitlines()
    out = []
    for k, line in enumerate(lines):  # a blank line between top-level fields, as hand-written content has
        if k and line and not line[0].isspace() and not line.startswith("-"):
            out.append("")
        out.append(line)
    return header + "\n".join(out) + "\n"


def write_content(result: Imported, target: Path, source: Path) -> list[Path]:
    """Write the imported content into `target` (a new folder, created whole or not at all)."""
    import shutil
    import tempfile
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.import-", dir=target.parent))
    try:
        written = []
        header = f"# 由 {source.name} 导入（python build.py --import）。格式说明见 README.md「内容格式」。\n\n"
        (tmp / "notice.yaml").write_text(to_yaml(result.notice, header), encoding="utf-8")
        written.append(target / "notice.yaml")
        for fname, att in result.attachments:
            (tmp / fname).write_text(to_yaml(att, "# 附件（由 Word 稿导入）。序号由程序自动生成，不要手工输入。\n\n"),
                                     encoding="utf-8")
            written.append(target / fname)
        if target.exists():
            old = target.with_name(target.name + ".old-import")
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
            tmp.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(target)
        return written
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
