"""Validate every XML part of a DOCX against the ECMA-376 Transitional schemas (tests/data/ooxml-xsd/),
after processing markup compatibility the way Word does (ECMA-376 Part 3):

* in `mc:AlternateContent`, the first `mc:Choice` whose `Requires` namespaces the schemas know is kept,
  else the `mc:Fallback`;
* elements and attributes of the namespaces a part lists in `mc:Ignorable` are dropped.

An extension element outside `mc:AlternateContent` and not ignorable (e.g. `wps:wsp` straight in
`a:graphicData`) is then a schema error, as it is for Word.
"""

from __future__ import annotations

import zipfile
from functools import lru_cache
from pathlib import Path

from lxml import etree

XSD = Path(__file__).resolve().parent / "data" / "ooxml-xsd"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XML_NS = "http://www.w3.org/XML/1998/namespace"

# part content type → schema file
SCHEMAS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "wml.xsd",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml": "wml.xsd",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml": "wml.xsd",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml": "wml.xsd",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml": "wml.xsd",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml": "wml.xsd",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml": "wml.xsd",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml": "wml.xsd",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml": "wml.xsd",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml": "wml.xsd",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.webSettings+xml": "wml.xsd",
    "application/vnd.openxmlformats-officedocument.theme+xml": "dml-main.xsd",
    "application/vnd.openxmlformats-package.core-properties+xml": "opc/opc-coreProperties.xsd",
    "application/vnd.openxmlformats-officedocument.extended-properties+xml": "shared-documentPropertiesExtended.xsd",
    "application/vnd.openxmlformats-officedocument.custom-properties+xml": "shared-documentPropertiesCustom.xsd",
    "application/vnd.openxmlformats-package.relationships+xml": "opc/opc-relationships.xsd",
}
CONTENT_TYPES_SCHEMA = "opc/opc-contentTypes.xsd"

_XML_XSD = f"""<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="{XML_NS}"
  xmlns:xml="{XML_NS}" elementFormDefault="qualified">
  <xsd:attribute name="space"><xsd:simpleType><xsd:restriction base="xsd:NCName">
    <xsd:enumeration value="default"/><xsd:enumeration value="preserve"/></xsd:restriction></xsd:simpleType>
  </xsd:attribute>
  <xsd:attribute name="lang" type="xsd:language"/>
</xsd:schema>"""

# Dublin Core as the core properties use it: any text in dc:* and dcterms:* elements
_DC_XSD = """<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="{ns}"
  elementFormDefault="qualified">{elements}</xsd:schema>"""
DC_NS = "http://purl.org/dc/elements/1.1/"
DCTERMS_NS = "http://purl.org/dc/terms/"
DC_ELEMENTS = [
    "title",
    "subject",
    "creator",
    "description",
    "language",
    "identifier",
    "publisher",
    "contributor",
    "coverage",
    "date",
    "format",
    "relation",
    "rights",
    "source",
    "type",
]
DCTERMS_ELEMENTS = ["created", "modified"]


def _schema_file(name: str, text: str, tmp: Path) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


@lru_cache(maxsize=None)
def schema(rel: str) -> etree.XMLSchema:
    """The compiled schema `rel` (relative to tests/data/ooxml-xsd), with the namespaces it imports
    without a location (xml:, dc:, dcterms:) given small local schemas."""
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="gongwen-xsd-"))
    local = {
        XML_NS: _schema_file("xml.xsd", _XML_XSD, tmp),
        DC_NS: _schema_file(
            "dc.xsd",
            _DC_XSD.format(
                ns=DC_NS, elements="".join(f'<xsd:element name="{e}" type="xsd:anyType"/>' for e in DC_ELEMENTS)
            ),
            tmp,
        ),
        DCTERMS_NS: _schema_file(
            "dcterms.xsd",
            _DC_XSD.format(
                ns=DCTERMS_NS,
                elements="".join(f'<xsd:element name="{e}" type="xsd:anyType"/>' for e in DCTERMS_ELEMENTS)
                + '<xsd:complexType name="W3CDTF"><xsd:simpleContent><xsd:extension base="xsd:dateTime"/>'
                "</xsd:simpleContent></xsd:complexType>",
            ),
            tmp,
        ),
    }
    tree = etree.parse(str(XSD / rel))
    for imp in tree.getroot().iter("{http://www.w3.org/2001/XMLSchema}import"):
        ns = imp.get("namespace")
        if ns in local and not imp.get("schemaLocation"):
            imp.set("schemaLocation", local[ns].as_uri())
        elif ns in local:
            imp.set("schemaLocation", local[ns].as_uri())
    return etree.XMLSchema(tree)


@lru_cache(maxsize=None)
def known_namespaces() -> frozenset[str]:
    """Target namespaces of every schema in the folder: what a validator (and Word 2007) understands."""
    out = {XML_NS}
    for f in XSD.rglob("*.xsd"):
        ns = etree.parse(str(f)).getroot().get("targetNamespace")
        if ns:
            out.add(ns)
    return frozenset(out)


def process_mc(root: etree._Element) -> etree._Element:
    """Markup compatibility processing (ECMA-376 Part 3, §10) of one part, in place."""
    known = known_namespaces()
    ignorable: set[str] = set()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        ign = el.get(f"{{{MC}}}Ignorable")
        if ign:
            ignorable |= {el.nsmap.get(p) for p in ign.split() if el.nsmap.get(p)}
    for ac in list(root.iter(f"{{{MC}}}AlternateContent")):
        chosen = None
        for choice in ac.findall(f"{{{MC}}}Choice"):
            req = [choice.nsmap.get(p) for p in choice.get("Requires", "").split()]
            if all(ns in known for ns in req):
                chosen = choice
                break
        if chosen is None:
            chosen = ac.find(f"{{{MC}}}Fallback")
        parent = ac.getparent()
        idx = parent.index(ac)
        parent.remove(ac)
        if chosen is not None:
            for i, child in enumerate(list(chosen)):
                parent.insert(idx + i, child)
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        for attr in list(el.attrib):
            ns = etree.QName(attr).namespace
            if ns in ignorable or ns == MC:
                del el.attrib[attr]
        if etree.QName(el).namespace in ignorable and el.getparent() is not None:
            el.getparent().remove(el)
    return root


def validate_docx(path: Path) -> list[str]:
    """Schema errors of every XML part of the DOCX at `path`, as readable lines (empty: valid)."""
    problems = []
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        ct_root = etree.fromstring(z.read("[Content_Types].xml"))
        ns = {"ct": "http://schemas.openxmlformats.org/package/2006/content-types"}
        overrides = {o.get("PartName").lstrip("/"): o.get("ContentType") for o in ct_root.findall("ct:Override", ns)}
        defaults = {d.get("Extension"): d.get("ContentType") for d in ct_root.findall("ct:Default", ns)}
        for name in names:
            if name == "[Content_Types].xml":
                rel = CONTENT_TYPES_SCHEMA
            else:
                ctype = overrides.get(name) or defaults.get(name.rsplit(".", 1)[-1])
                if not (name.endswith(".xml") or name.endswith(".rels")):
                    continue  # images, fonts…
                rel = SCHEMAS.get(ctype or "")
                if rel is None:
                    problems.append(f"{name}: no schema for content type {ctype}")
                    continue
            root = process_mc(etree.fromstring(z.read(name)))
            sch = schema(rel)
            if not sch.validate(root):
                for e in sch.error_log:
                    problems.append(f"{name}:{e.line}: {e.message}")
    return problems
