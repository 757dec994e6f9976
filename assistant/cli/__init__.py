"""The thin command-line layer: one small Typer app per command group, joined in app.py."""
