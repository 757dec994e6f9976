"""Read .txt/.md/.docx files whatever their encoding; a bad file is reported, not fatal."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import InputError

SUPPORTED = (".txt", ".md", ".markdown", ".docx")


@dataclass
class LoadedFile:
    path: Path
    text: str
    encoding: str


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """Decode by BOM, then strict UTF-8, then GB18030 (a superset of GBK/GB2312)."""
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(enc), enc
    if b"\x00" in data[:4096]:
        raise InputError(f"{name}: looks like a binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: cannot decode as UTF-8 or GB18030 (byte {exc.start})") from None
    # GB18030 decodes almost any byte soup; demand that the result reads as Chinese text.
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    if cjk < max(1, len(text) // 10):
        raise InputError(f"{name}: not UTF-8, and GB18030 gives no readable Chinese text")
    return text, "gb18030"


def _read_docx(path: Path) -> str:
    import zipfile

    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        doc = Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise InputError(f"{path}: not a readable .docx file ({type(exc).__name__})") from None
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")


def load_file(path: Path) -> LoadedFile:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.suffix.lower() == ".docx":
        return LoadedFile(path, normalize_newlines(_read_docx(path)), "docx")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    text, enc = decode_bytes(data, str(path))
    return LoadedFile(path, normalize_newlines(text), enc)


def iter_files(paths: list[Path]) -> list[Path]:
    """Files named directly, and every supported file under a folder, in a stable order."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED))
        else:
            out.append(p)
    return out
