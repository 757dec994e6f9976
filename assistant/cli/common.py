"""Options and the Typer app class shared by every command group.

Help pages are in the user's language: option and command help is written with `_()`, and the few
fixed words the help formatter prints itself (Usage, Options, …) are translated in `get_help`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from assistant.i18n import _, lang

IndexOpt = Annotated[
    Path | None,
    typer.Option(
        "--index", help=_("索引目录（默认：$ASSISTANT_INDEX，或用户数据目录下的索引）。"), show_default=False
    ),
]
EmbedderOpt = Annotated[
    str | None,
    typer.Option(
        "--embedder", help=_("e5-small（默认，随包提供）、none（只用关键词检索）或 st:<模型名或路径>。")
    ),
]

# The language-model endpoint, shared by `draft` and `chat`.
BaseUrlOpt = Annotated[
    str | None, typer.Option("--base-url", help=_("OpenAI 兼容接口地址（或 OPENAI_BASE_URL）。"))
]
ApiKeyOpt = Annotated[
    str | None, typer.Option("--api-key", help=_("API 密钥（或 OPENAI_API_KEY，或配置文件）。"))
]
ModelOpt = Annotated[str | None, typer.Option("--model", help=_("模型名（或 ASSISTANT_MODEL）。"))]
TimeoutOpt = Annotated[float | None, typer.Option("--timeout", help=_("等待接口的秒数。"))]

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}

# What the help formatter writes itself, in Chinese. Headings are matched at a line start only.
_HELP_HEADINGS = {"Usage:": "用法：", "Options:": "选项：", "Arguments:": "参数：", "Commands:": "命令："}
_HELP_PHRASES = {
    "Show this message and exit.": "显示本帮助并退出。",
    "Install completion for the current shell.": "为当前 shell 安装命令补全。",
    "Show completion for the current shell, to copy it or customize the installation.": "显示当前 shell 的补全脚本，可复制或自行安装。",
    "[required]": "[必填]",
}
_HEADING_RE = re.compile(r"^(\s*)(Usage:|Options:|Arguments:|Commands:)", re.M)
_DEFAULT_RE = re.compile(r"\[default: ([^\]\n]*)\]")
_TYPE_HINT_RE = re.compile(
    r" <(?:list\[\w+\]|path|str|int|float|int range|float range|text|choice|filename)>"
)
_BRACED_RE = re.compile(r"\{([A-Z_]+)\}")


def translate_help(text: str) -> str:
    """The help page with the formatter's fixed English words in Chinese (unless English is asked for)."""
    if lang() == "en":
        return text
    text = _HEADING_RE.sub(lambda m: m.group(1) + _HELP_HEADINGS[m.group(2)], text)
    for en, zh in _HELP_PHRASES.items():  # the formatter may have wrapped the phrase
        text = re.sub(r"\s+".join(map(re.escape, en.split())), zh, text)
    text = _DEFAULT_RE.sub(lambda m: f"[默认：{m.group(1)}]", text)
    text = _TYPE_HINT_RE.sub(lambda m: " " * len(m.group()), text)  # <list[Path]>: type names, not for users
    text = _BRACED_RE.sub(r"\1", text)
    return text.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")


class LocalizedCommand(TyperCommand):
    def get_help(self, ctx: Any) -> str:
        return translate_help(super().get_help(ctx))


class LocalizedGroup(TyperGroup):
    def get_help(self, ctx: Any) -> str:
        return translate_help(super().get_help(ctx))


class App(typer.Typer):
    """A Typer app whose groups and commands print localized help and take -h."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", LocalizedGroup)
        kwargs.setdefault("context_settings", CONTEXT_SETTINGS)
        kwargs.setdefault("no_args_is_help", True)
        kwargs.setdefault("rich_markup_mode", None)
        kwargs.setdefault("pretty_exceptions_enable", False)
        kwargs.setdefault("add_completion", False)
        super().__init__(**kwargs)

    def command(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cls", LocalizedCommand)
        kwargs.setdefault("context_settings", CONTEXT_SETTINGS)
        return super().command(*args, **kwargs)


def index_dir(index: Path | None) -> Path:
    from assistant.paths import default_index_dir

    return index if index is not None else default_index_dir()
