"""Where things live: the user's config/data directory, the default index, bundled data.

ASSISTANT_HOME moves the user directory (tests point it at a temporary folder)."""

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


def default_index_dir() -> Path:
    """`--index` wins over ASSISTANT_INDEX, which wins over ./index."""
    env = os.environ.get("ASSISTANT_INDEX")
    return Path(env).expanduser() if env else Path.cwd() / "index"


def _bundled(name: str) -> Path:
    # In a wheel, prompts/ and examples/ are shipped under assistant/_data; in a checkout they sit
    # beside the package.
    shipped = PACKAGE_DIR / "_data" / name
    return shipped if shipped.exists() else REPO_DIR / name


def prompts_dir() -> Path:
    return _bundled("prompts")


def examples_dir() -> Path:
    return _bundled("examples")
