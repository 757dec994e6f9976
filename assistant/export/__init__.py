"""Export a draft to an office format (.docx in the GB/T 9704-2012 layout)."""

from __future__ import annotations

from assistant.export.docx_writer import docx_bytes, export_docx

__all__ = ["docx_bytes", "export_docx"]
