"""Where things live: the user's config/data directory, the default index, bundled data.

ASSISTANT_HOME moves the user directory (tests point it at a temporary folder); it then holds the
default index too. Without it, config, log and sessions live in $XDG_CONFIG_HOME/assistant
(~/.config/assistant) and the default index, which is rebuilt rather than edited, in
$XDG_DATA_HOME/assistant/index (~/.local/share/assistant/index)."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent


def user_dir() -> Path:
    """The user's directory for config, the SQLite log and chat sessions."""
    home = os.environ.get("ASSISTANT_HOME")
    if home:
        return Path(home).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "assistant"


def config_file() -> Path:
    return user_dir() / "config.yaml"


def log_db() -> Path:
    return user_dir() / "log.sqlite3"


def data_dir() -> Path:
    """The user's directory for data the tool rebuilds itself (the default index): ASSISTANT_HOME
    when set, else $XDG_DATA_HOME/assistant (~/.local/share/assistant)."""
    home = os.environ.get("ASSISTANT_HOME")
    if home:
        return Path(home).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "assistant"


def user_index_dir() -> Path:
    """The one default index per user, whatever folder the command runs in: data_dir()/index.
    It starts as an index of the bundled example reports, built on first use."""
    return data_dir() / "index"


def default_index_dir() -> Path:
    """`--index` wins over ASSISTANT_INDEX, which wins over the per-user index (user_index_dir)."""
    env = os.environ.get("ASSISTANT_INDEX")
    return Path(env).expanduser() if env else user_index_dir()


def is_user_index(index: Path | None) -> bool:
    """True when neither --index nor ASSISTANT_INDEX chose the index: the per-user default, which
    is seeded with the bundled examples."""
    return index is None and not os.environ.get("ASSISTANT_INDEX")


def _bundled(name: str) -> Path:
    # In a wheel, prompts/ and examples/ are shipped under assistant/_data; in a checkout they sit
    # beside the package.
    shipped = PACKAGE_DIR / "_data" / name
    return shipped if shipped.exists() else REPO_DIR / name


def prompts_dir() -> Path:
    return _bundled("prompts")


def examples_dir() -> Path:
    return _bundled("examples")
