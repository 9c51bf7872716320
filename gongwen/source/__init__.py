"""Reading: content/<year>/*.yaml → the document model, every field checked (file, line and field in
every message). A DOCX reader would sit beside the YAML one."""

from .content import document_files, load_document, load_year

__all__ = ["document_files", "load_document", "load_year"]
