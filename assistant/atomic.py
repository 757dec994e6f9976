"""The one way the tool writes a file: into a temporary file beside the target, then os.replace, so
a reader (or a crash, or Ctrl-C) finds the old file or the new one, never half of one.

Private files (facts, the config with its key, anything the user's own words are in) get
`mode=PRIVATE`: the temporary file is 600 from its first byte, so the text is never readable by
others even for a moment. Without a mode an existing file keeps its mode and a new one gets the
umask's default, as an editor's save does."""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from assistant.errors import AssistantError
from assistant.i18n import _

PRIVATE = 0o600


def write_atomic(path: Path, data: str | bytes, mode: int | None = None) -> None:
    """Replace `path` with `data` (text is written as UTF-8), creating missing folders."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_file(path, mode=mode) as f:
        f.write(raw)


@contextmanager
def atomic_file(path: Path, mode: int | None = None) -> Iterator[BinaryIO]:
    """A binary file to write `path`'s new content into (e.g. a .docx's `save`); it takes the place
    of `path` when the block ends, and is removed if the block raises. An OSError becomes an
    AssistantError naming the path."""
    final = _final_mode(path, mode)
    fd, tmp = _create_temporary(path, final)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        if final is not None:
            os.chmod(tmp, final)  # whatever the umask, and only once the text is in
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _cannot_write(path, exc) from None
        raise


def _final_mode(path: Path, mode: int | None) -> int | None:
    """The mode to give the new file; None: the umask's default for a new file."""
    if mode is not None:
        return mode
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _cannot_write(path, exc) from None


def _create_temporary(path: Path, final: int | None) -> tuple[int, Path]:
    # A file that will get an explicit mode is created 600, so a private text is never readable by
    # others, even for a moment; a new file without one is created 666 for the umask to narrow (the
    # umask cannot be read without changing it, for every thread of the process).
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700 if final == PRIVATE else 0o777)
        for _attempt in range(100):
            tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
            try:
                return os.open(
                    tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if final is None else 0o600
                ), tmp
            except FileExistsError:
                continue
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(tmp))
    except OSError as exc:
        raise _cannot_write(path, exc) from None


def _cannot_write(path: Path, exc: OSError) -> AssistantError:
    return AssistantError(_("无法写入 {path}：{reason}", path=path, reason=exc.strerror or exc))
