"""`assistant chat`: iterate on a draft in conversation (the loop itself is in assistant.chat)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.common import ApiKeyOpt, BaseUrlOpt, EmbedderOpt, IndexOpt, ModelOpt, TimeoutOpt
from assistant.cli.draft import OutlineOpt
from assistant.i18n import _

HELP = _(
    "在对话中修改草稿：补充事实、起草、按要求修改某一部分、撤销、保存。\n\n"
    "每一轮对话和每一版文档都随时保存；--continue（或 --session 名称）从上次停下的地方继续。"
)


def chat(
    facts: Annotated[
        Path | None,
        typer.Argument(
            metavar="FACTS", help=_("新会话的事实文件（.md、.txt 或 .docx）。"), show_default=False
        ),
    ] = None,
    outline: OutlineOpt = None,
    session: Annotated[
        str | None,
        typer.Option("--session", "-s", metavar="NAME", help=_("继续这个名称的会话（没有则新建）。")),
    ] = None,
    resume: Annotated[bool, typer.Option("--continue", "-c", help=_("继续上一次的会话。"))] = False,
    offline: Annotated[
        bool, typer.Option("--offline", help=_("不用模型：离线起草、事实、提纲、核对。"))
    ] = False,
    list_: Annotated[bool, typer.Option("--list", help=_("列出已保存的会话后退出。"))] = False,
    budget: Annotated[int, typer.Option("--budget", min=500, help=_("每次修改请求的 token 预算。"))] = 6000,
    index: IndexOpt = None,
    embedder: EmbedderOpt = None,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    model: ModelOpt = None,
    timeout: TimeoutOpt = None,
) -> None:
    """The `chat` command (its help is HELP, registered in assistant.cli.app)."""
    from assistant.chat.repl import main
    from assistant.chat.session import ChatOptions

    opts = ChatOptions(
        facts=facts,
        outline=outline,
        session=session,
        resume=resume,
        offline=offline,
        index=index,
        embedder=embedder,
        base_url=base_url,
        api_key=api_key,
        model=model,
        timeout=timeout,
        budget=budget,
    )
    main(opts, list_sessions=list_)
