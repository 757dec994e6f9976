"""`assistant config …`: the language-model endpoint, saved in the user's config file (mode 600).

Nothing here ever prints a key: `show` says whether one is set, and URLs lose their credentials."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from assistant.cli.common import App
from assistant.i18n import _

if TYPE_CHECKING:
    from assistant.llm.settings import LLMSettings

app = App(help=_("设置模型接口（地址、密钥、模型）。"))

JsonOpt = Annotated[bool, typer.Option("--json", help=_("以 JSON 输出到标准输出（只输出 JSON）。"))]


@app.command("set", help=_("把接口设置保存到配置文件（权限 600）。"))
def set_(
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url", metavar="URL", help=_("OpenAI 兼容接口地址，例如 http://localhost:11434/v1。")
        ),
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option(
            "--api-key", metavar="KEY", help=_("API 密钥；写 - 则从标准输入读取（不在命令行留下密钥）。")
        ),
    ] = None,
    model: Annotated[str | None, typer.Option("--model", metavar="NAME", help=_("模型名。"))] = None,
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", metavar="SECONDS", min=1, help=_("等待接口的秒数。")),
    ] = None,
    ask_key: Annotated[
        bool, typer.Option("--ask-key", help=_("提示输入 API 密钥（输入时不显示）。"))
    ] = False,
) -> None:
    from assistant.errors import UsageError
    from assistant.llm import save_settings

    if api_key == "-":
        api_key = sys.stdin.readline().strip() or None
    elif ask_key:
        import getpass

        api_key = getpass.getpass(_("API 密钥：")).strip() or None
    if not any(v is not None for v in (base_url, api_key, model, timeout)):
        raise UsageError(_("没有要保存的设置：请给出 --base-url、--api-key、--ask-key、--model 或 --timeout"))
    path = save_settings(base_url=base_url, api_key=api_key, model=model, timeout=timeout)
    print(_("已保存到 {path}（权限 600）", path=path), file=sys.stderr)


@app.command("show", help=_("显示生效的接口设置及其来源（命令行参数除外）；从不显示密钥。"))
def show(as_json: JsonOpt = False) -> None:
    from assistant.llm import resolve_settings
    from assistant.llm.settings import setting_sources
    from assistant.paths import config_file

    s = resolve_settings()
    sources = setting_sources()
    path = config_file()
    if as_json:
        print(json.dumps(_settings_json(s, sources, str(path), path.exists()), ensure_ascii=False, indent=1))
        return
    rows = [
        (_("配置文件"), str(path) + ("" if path.exists() else _("（不存在）"))),
        (_("接口地址"), _shown(_safe_url(s), sources["base_url"], _unset_url(s))),
        (_("模型"), _shown(s.model, sources["model"], _("未设置：用接口提供的唯一模型（如果只有一个）"))),
        (
            _("API 密钥"),
            _shown(_("已设置，不显示") if s.api_key else None, sources["api_key"], _("未设置")),
        ),
        (
            _("超时"),
            _("{seconds} 秒，失败重试 {retries} 次", seconds=f"{s.timeout:g}", retries=s.max_retries),
        ),
    ]
    _print_rows(rows)


@app.command("models", help=_("向接口查询它提供哪些模型（也可用来检查地址和密钥）。"))
def models(as_json: JsonOpt = False) -> None:
    from assistant.llm import resolve_settings
    from assistant.llm.openai_backend import OpenAIBackend

    s = resolve_settings()
    names = OpenAIBackend(s).list_models()
    if as_json:
        payload = {"endpoint": _safe_url(s), "models": names}
        print(json.dumps(payload, ensure_ascii=False, indent=1))
        return
    if not names:
        print(_("接口没有列出任何模型。"), file=sys.stderr)
    for name in names:
        print(name)


def _safe_url(s: LLMSettings) -> str | None:
    """The endpoint URL with any user:password@ and the key itself taken out."""
    from assistant.llm import redact
    from assistant.log import redact_url

    url = redact_url(s.base_url)
    return redact(url, s) if url else url


def _unset_url(s: LLMSettings) -> str:
    # A key without a URL means OpenAI's own endpoint (the client's default).
    return _("未设置：使用 OpenAI 官方接口") if s.api_key else _("未设置：离线起草")


def _source_label(source: str | None) -> str:
    if source is None:
        return ""
    if source == "file":
        return _("（来自配置文件）")
    return _("（来自环境变量 {name}）", name=source)


def _shown(value: str | None, source: str | None, unset: str) -> str:
    return f"{value}{_source_label(source)}" if value else unset


def _settings_json(s: LLMSettings, sources: dict[str, str | None], path: str, exists: bool) -> dict[str, Any]:
    # The key is reported as set or not, never as text.
    return {
        "config_file": path,
        "config_file_exists": exists,
        "base_url": _safe_url(s),
        "model": s.model,
        "api_key_set": bool(s.api_key),
        "timeout": s.timeout,
        "max_retries": s.max_retries,
        "offline": not s.configured,
        "sources": sources,
    }


def _print_rows(rows: list[tuple[str, str]]) -> None:
    from rich.cells import cell_len

    width = max(cell_len(label) for label, _value in rows)
    for label, value in rows:
        print(f"{label}{' ' * (width - cell_len(label))}  {value}")
