"""Read .txt/.md/.docx files whatever their encoding; a bad file is reported, not fatal.

Every file that is not read is named with its reason (SkippedFile): .pdf, .doc and .wps are not
supported yet, and an empty, unreadable, binary or undecodable file is skipped. Hidden files
(.DS_Store, .git/…) inside a folder are passed over silently: they are never someone's report."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import InputError
from assistant.i18n import N_, _

SUPPORTED = (".txt", ".md", ".markdown", ".docx")

# Formats people do keep their reports in, and what to do about each (kind, reason).
_UNSUPPORTED = {
    ".pdf": ("pdf", N_("暂不支持 PDF，请另存为 .docx 或 .txt")),
    ".doc": ("doc", N_("暂不支持旧版 Word 文档（.doc），请在 Word 中另存为 .docx")),
    ".wps": ("wps", N_("暂不支持 WPS 文档（.wps），请另存为 .docx")),
}


class SkippedFile(InputError):
    """A file that cannot be read as a report. kind is a stable word (pdf, doc, wps, unsupported,
    lock, empty, unreadable, binary, undecodable, bad_docx, no_text); reason is the Chinese why."""

    def __init__(self, path: Path | str, kind: str, reason: str) -> None:
        super().__init__(_("{path}：{reason}", path=path, reason=reason))
        self.path = str(path)
        self.kind = kind
        self.reason = reason


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
        raise SkippedFile(name, "binary", _("是二进制文件，不是文本"))
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise SkippedFile(
            name, "undecodable", _("无法按 UTF-8 或 GB18030 解码（第 {byte} 字节）", byte=exc.start)
        ) from None
    # GB18030 decodes almost any byte soup; demand that the result reads as Chinese text.
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    if cjk < max(1, len(text) // 10):
        raise SkippedFile(name, "undecodable", _("不是 UTF-8 编码，按 GB18030 解码也不是可读的中文"))
    return text, "gb18030"


def _read_docx(path: Path) -> str:
    import zipfile

    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        doc = Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise SkippedFile(
            path, "bad_docx", _("不是可读的 .docx 文件（{kind}）", kind=type(exc).__name__)
        ) from None
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")


def load_file(path: Path) -> LoadedFile:
    if not path.exists():
        raise InputError(_("{path}：找不到这个文件", path=path))
    skip = unsupported_reason(path)
    if skip is not None:
        raise SkippedFile(path, *skip)
    try:
        if path.suffix.lower() == ".docx":
            loaded = LoadedFile(path, normalize_newlines(_read_docx(path)), "docx")
        else:
            data = path.read_bytes()
            text, enc = decode_bytes(data, str(path))
            loaded = LoadedFile(path, normalize_newlines(text), enc)
    except OSError as exc:
        raise SkippedFile(
            path, "unreadable", _("无法读取（{detail}）", detail=exc.strerror or type(exc).__name__)
        ) from None
    if not loaded.text.strip():
        raise SkippedFile(path, "empty", _("是空文件"))
    return loaded


def unsupported_reason(path: Path) -> tuple[str, str] | None:
    """(kind, reason) when a file's type is one we cannot read yet, else None."""
    if path.name.startswith("~$"):
        return "lock", _("是 Office 打开文档时留下的临时文件")
    known = _UNSUPPORTED.get(path.suffix.lower())
    return (known[0], _(known[1])) if known else None


def scan_paths(paths: list[Path]) -> tuple[list[Path], list[SkippedFile]]:
    """The files to read under paths, in a stable order, and the files passed over with why.

    A file named directly is read whatever its suffix (unless it is a known unsupported format); in a
    folder only .txt, .md and .docx are read and every other file is reported as skipped."""
    files: list[Path] = []
    skipped: list[SkippedFile] = []
    for p in paths:
        if not p.is_dir():
            reason = unsupported_reason(p)
            if reason is None:
                files.append(p)
            else:
                skipped.append(SkippedFile(p, *reason))
            continue
        for f in sorted(p.rglob("*")):
            if not f.is_file() or any(part.startswith(".") for part in f.relative_to(p).parts):
                continue
            reason = unsupported_reason(f)
            if reason is None and f.suffix.lower() not in SUPPORTED:
                reason = ("unsupported", _("不是支持的格式（支持 .txt、.md、.docx）"))
            if reason is None:
                files.append(f)
            else:
                skipped.append(SkippedFile(f, *reason))
    return files, skipped


def iter_files(paths: list[Path]) -> list[Path]:
    """Files named directly, and every supported file under a folder, in a stable order."""
    return scan_paths(paths)[0]
