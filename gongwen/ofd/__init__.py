"""OFD (GB/T 33190-2016), the national fixed-layout format of electronic 公文: written from the composed pages."""

from .writer import write_ofd

__all__ = ["write_ofd"]
