"""`assistant eval …`: score retrieval and drafts."""

from __future__ import annotations

import typer

app = typer.Typer(help="Evaluate retrieval and drafts.", no_args_is_help=True)
