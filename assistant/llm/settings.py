"""Where the endpoint, key and model come from: flags, then environment, then the config file."""

from __future__ import annotations

import os
import re
import shlex
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant import paths
from assistant.errors import AssistantError
from assistant.i18n import _

# The app-specific name wins over the generic OpenAI one when both are set.
_ENV = {
    "base_url": ("ASSISTANT_BASE_URL", "OPENAI_BASE_URL"),
    "api_key": ("ASSISTANT_API_KEY", "OPENAI_API_KEY"),
    "model": ("ASSISTANT_MODEL",),
}
_KEY_LIKE = re.compile(r"\bsk-[A-Za-z0-9_\-]{6,}")
_URL_CREDENTIALS = re.compile(r"//[^/@\s]+@")


@dataclass(repr=False)
class LLMSettings:
    base_url: str | None
    api_key: str | None
    model: str | None
    timeout: float = 60.0
    max_retries: int = 4

    @property
    def configured(self) -> bool:
        """An endpoint is configured (a local server needs no key; the OpenAI default needs one)."""
        return bool(self.base_url or self.api_key)

    def __repr__(self) -> str:
        key = "'***'" if self.api_key else "None"
        return (
            f"LLMSettings(base_url={self.base_url!r}, api_key={key}, model={self.model!r}, "
            f"timeout={self.timeout!r}, max_retries={self.max_retries!r})"
        )


def redact(text: str, settings: LLMSettings | None = None) -> str:
    """Hide the configured key, anything shaped like an OpenAI key (servers echo them in errors) and
    the user:password@ of a URL."""
    if settings is not None and settings.api_key and len(settings.api_key) >= 4:
        text = text.replace(settings.api_key, "***")
    return _URL_CREDENTIALS.sub("//***@", _KEY_LIKE.sub("sk-***", text))


def _read_config(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        detail = " ".join(str(exc).split())
        raise AssistantError(_("无法读取配置文件 {path}：{detail}", path=path, detail=detail)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise AssistantError(_("配置文件 {path} 应为 YAML 映射（每行“键: 值”）", path=path))
    return data


def _check_private(path: Path) -> None:
    # POSIX permission bits mean nothing on Windows.
    if os.name == "nt":
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise AssistantError(
            _(
                "配置文件 {path} 里有 API 密钥，但其他用户也能读取（权限 {mode}），因此不予使用。"
                "请运行：chmod 600 {quoted}",
                path=path,
                mode=f"{mode:o}",
                quoted=shlex.quote(str(path)),
            )
        )


def _str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def resolve_settings(
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    model: str | None = None,
    timeout: float | None = None,
) -> LLMSettings:
    path = paths.config_file()
    file = _read_config(path)
    flags = {"base_url": base_url, "api_key": api_key, "model": model}
    resolved: dict[str, str | None] = {}
    for key, flag in flags.items():
        value = _str(flag)
        for var in _ENV[key]:
            value = value or _str(os.environ.get(var))
        if value is None and _str(file.get(key)) is not None:
            if key == "api_key":
                _check_private(path)
            value = _str(file.get(key))
        resolved[key] = value

    raw_timeout: Any = timeout if timeout is not None else file.get("timeout")
    try:
        final_timeout = 60.0 if raw_timeout is None else float(raw_timeout)
    except (TypeError, ValueError) as exc:
        raise AssistantError(
            _("{path} 中的 timeout 应为秒数，现在是 {value!r}", path=path, value=raw_timeout)
        ) from exc
    if final_timeout <= 0:
        raise AssistantError(_("timeout 应大于 0，现在是 {value}", value=final_timeout))
    raw_retries: Any = os.environ.get("ASSISTANT_MAX_RETRIES") or file.get("max_retries")
    try:
        retries = 4 if raw_retries in (None, "") else int(raw_retries)
    except (TypeError, ValueError):
        raise AssistantError(_("max_retries 应为整数，现在是 {value!r}", value=raw_retries)) from None
    return LLMSettings(
        base_url=resolved["base_url"],
        api_key=resolved["api_key"],
        model=resolved["model"],
        timeout=final_timeout,
        max_retries=max(0, retries),
    )


def setting_sources() -> dict[str, str | None]:
    """Where each setting in effect (flags aside) comes from: an environment variable's name,
    "file" for the config file, or None for the default."""
    file = _read_config(paths.config_file())
    sources: dict[str, str | None] = {}
    for key, names in _ENV.items():
        var = next((v for v in names if _str(os.environ.get(v)) is not None), None)
        sources[key] = var or ("file" if _str(file.get(key)) is not None else None)
    sources["timeout"] = "file" if file.get("timeout") is not None else None
    if os.environ.get("ASSISTANT_MAX_RETRIES"):
        sources["max_retries"] = "ASSISTANT_MAX_RETRIES"
    else:
        sources["max_retries"] = "file" if file.get("max_retries") not in (None, "") else None
    return sources


def save_settings(
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    model: str | None = None,
    timeout: float | None = None,
) -> Path:
    """Merge the given (non-None) values into the config file, keeping its other keys; mode 600."""
    import yaml

    path = paths.config_file()
    data = _read_config(path)
    updates = {"base_url": base_url, "api_key": api_key, "model": model, "timeout": timeout}
    data.update({k: v for k, v in updates.items() if v is not None})
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    # mkstemp creates the file 0600 from the start, so the key is never world-readable, and
    # os.replace makes the swap atomic: a crash leaves the old file or the new one, never half.
    fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
