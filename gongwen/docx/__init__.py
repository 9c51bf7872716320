"""The DOCX writer: the resolved model → an editable Word file (python-docx, with the WordprocessingML that
python-docx lacks in `ooxml`)."""

from .writer import DocxWriter, write_docx

__all__ = ["DocxWriter", "write_docx"]
