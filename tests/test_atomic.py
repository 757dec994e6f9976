"""The one atomic writer (assistant.atomic): whole files or none, private files 600 from the first byte,
and errors as one line naming the file."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.atomic import PRIVATE, atomic_file, write_atomic
from assistant.errors import AssistantError


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_writes_text_as_utf8_and_replaces_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "草稿.md"
    target.write_text("旧内容\n", encoding="utf-8")
    write_atomic(target, "# 2024年工作总结\n")
    assert target.read_bytes() == "# 2024年工作总结\n".encode()
    write_atomic(target, b"\x00bytes")
    assert target.read_bytes() == b"\x00bytes"
    assert leftovers(tmp_path) == []


def test_missing_folders_are_created(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "facts.md"
    write_atomic(target, "- 事实\n", mode=PRIVATE)
    assert target.read_text(encoding="utf-8") == "- 事实\n"
    assert mode_of(target.parent) == 0o700  # a folder made for a private file is private too


@pytest.mark.usefixtures("umask_022")
def test_a_private_file_is_600_whatever_it_was_and_whatever_the_umask(tmp_path: Path) -> None:
    new = tmp_path / "new.md"
    write_atomic(new, "机密", mode=PRIVATE)
    assert mode_of(new) == 0o600
    existing = tmp_path / "existing.md"
    existing.write_text("旧", encoding="utf-8")
    existing.chmod(0o644)
    write_atomic(existing, "新", mode=PRIVATE)
    assert mode_of(existing) == 0o600


@pytest.mark.usefixtures("umask_022")
def test_without_a_mode_an_existing_file_keeps_its_mode_and_a_new_one_follows_the_umask(
    tmp_path: Path,
) -> None:
    existing = tmp_path / "kept.md"
    existing.write_text("旧", encoding="utf-8")
    existing.chmod(0o640)
    write_atomic(existing, "新")
    assert mode_of(existing) == 0o640
    new = tmp_path / "new.md"
    write_atomic(new, "新")
    assert mode_of(new) == 0o644


def test_the_text_of_a_private_file_is_never_readable_by_others_while_it_is_written(tmp_path: Path) -> None:
    target = tmp_path / "facts.md"
    with atomic_file(target, mode=PRIVATE) as f:
        f.write("机密的事实".encode())
        (temporary,) = [tmp_path / name for name in leftovers(tmp_path)]
        assert mode_of(temporary) == 0o600
        assert not target.exists()  # nothing at the target until the text is whole
    assert target.read_text(encoding="utf-8") == "机密的事实"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("failure", [KeyboardInterrupt, RuntimeError])
def test_a_failure_mid_write_leaves_the_old_file_whole_and_no_temporary(
    tmp_path: Path, failure: type[BaseException]
) -> None:
    target = tmp_path / "draft.md"
    target.write_text("已保存的草稿\n", encoding="utf-8")
    with pytest.raises(failure), atomic_file(target) as f:
        f.write(b"half of a new dr")
        raise failure()
    assert target.read_text(encoding="utf-8") == "已保存的草稿\n"
    assert leftovers(tmp_path) == []


def test_an_unwritable_place_is_one_message_naming_the_file(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    target = blocker / "draft.md"
    with pytest.raises(AssistantError) as info:
        write_atomic(target, "正文")
    assert type(info.value) is AssistantError and info.value.exit_code == 1
    message = str(info.value)
    assert message.startswith(f"无法写入 {target}：") and "\n" not in message


def test_a_folder_in_the_way_of_the_target_is_reported_and_nothing_is_left(tmp_path: Path) -> None:
    target = tmp_path / "draft.md"
    target.mkdir()
    with pytest.raises(AssistantError, match="无法写入"):
        write_atomic(target, "正文")
    assert target.is_dir() and leftovers(tmp_path) == []
