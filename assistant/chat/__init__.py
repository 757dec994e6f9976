"""`assistant chat`: a conversation around one working document (facts, outline, draft, history).

Core code, free of typer: store (SQLite), state (the document), classify (fact or instruction, which
section), context (messages within a budget), engine (draft/revise with streaming), session (the
working document and its history), commands (the slash commands), repl (the input loop)."""
