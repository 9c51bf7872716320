"""gongwen: structured content → GB/T 9704-2012 official documents (PDF and DOCX)."""

__version__ = "0.1.0"
