"""The input loop: prompt_toolkit on a terminal (line editing, history, multi-line input), plain
lines from stdin otherwise (no prompt, no colour), so that a chat can be scripted and tested."""

from __future__ import annotations

import os
import sys
from typing import Any

from assistant.chat.commands import dispatch
from assistant.chat.output import Output
from assistant.chat.session import ChatOptions, ChatSession
from assistant.chat.store import Store
from assistant.errors import AssistantError

KEYS_HELP = (
    "Enter sends; Esc then Enter, or a line ending in \\, continues on a new line; "
    "Ctrl-C stops an answer (what arrived is kept); /help lists commands; /exit leaves."
)


def main(opts: ChatOptions, *, list_sessions: bool = False) -> None:
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    out = Output(color=interactive and not os.environ.get("NO_COLOR"))
    store = Store()
    try:
        if list_sessions:
            print_sessions(store, out)
            return
        chat, how = ChatSession.open(opts, out, store)
        chat.connect_backend()
        facts = len(chat.state.sheet.facts())
        if interactive:
            out.say(f"assistant chat — {how} (facts: {chat.row.facts_source}, {facts} facts)")
            out.say(f"backend: {chat.backend_line()}")
            out.note(KEYS_HELP)
            out.note(
                "Type new facts (- …) or an instruction (把第二部分写得更具体些); everything is saved as you go."
            )
        else:
            print(f"chat: {how}; backend: {chat.backend_line()}", file=sys.stderr, flush=True)
        (_loop_tty if interactive else _loop_pipe)(chat, out)
        if out.errors and not interactive:  # a script learns that something failed
            raise AssistantError(f"{out.errors} input(s) failed (see the errors above); the session is saved")
    finally:
        store.close()


def run_line(chat: ChatSession, out: Output, text: str) -> bool:
    """One input; errors become one line and the chat goes on. False when the chat should end."""
    try:
        return dispatch(chat, text)
    except KeyboardInterrupt:
        out.end_stream()
        out.note("interrupted")
        return True
    except AssistantError as exc:
        _report(chat, out, str(exc))
        return True
    except Exception as exc:  # a bug must not cost the user the session
        if os.environ.get("ASSISTANT_DEBUG", "") not in ("", "0"):
            raise
        _report(chat, out, f"{type(exc).__name__}: {exc} (set ASSISTANT_DEBUG=1 for the traceback)")
        return True


def _report(chat: ChatSession, out: Output, message: str) -> None:
    out.error(message)
    try:
        chat.record("assistant", "error", message)
    except Exception:  # the store itself failing is already being reported
        pass


def _loop_pipe(chat: ChatSession, out: Output) -> None:
    pending: list[str] = []
    for raw in sys.stdin:
        line = raw.rstrip("\r\n")
        if line.endswith("\\"):
            pending.append(line[:-1])
            continue
        text = "\n".join([*pending, line])
        pending = []
        if not run_line(chat, out, text):
            return
    if pending:
        run_line(chat, out, "\n".join(pending))


def _loop_tty(chat: ChatSession, out: Output) -> None:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory
    from prompt_toolkit.key_binding import KeyBindings

    from assistant import paths

    keys = KeyBindings()

    @keys.add("enter")
    def _send(event: Any) -> None:
        buf = event.current_buffer
        if buf.text.endswith("\\") and buf.cursor_position == len(buf.text):
            buf.delete_before_cursor(1)
            buf.insert_text("\n")
        else:
            buf.validate_and_handle()

    @keys.add("escape", "enter")
    def _newline(event: Any) -> None:
        event.current_buffer.insert_text("\n")

    paths.user_dir().mkdir(parents=True, exist_ok=True)
    session: PromptSession[str] = PromptSession(
        history=FileHistory(str(paths.user_dir() / "chat_history")),
        multiline=True,
        key_bindings=keys,
        prompt_continuation=lambda width, line, wrap: "… ".rjust(width),
    )
    while True:
        try:
            text = session.prompt("chat> ")
        except KeyboardInterrupt:  # at the prompt: clear the line, like a shell
            continue
        except EOFError:
            return
        if not run_line(chat, out, text):
            return


def print_sessions(store: Store, out: Output) -> None:
    rows = store.list_sessions()
    if not rows:
        out.say("no chat sessions yet (start one: assistant chat FACTS)")
        return
    table = [("name", "facts", "updated", "versions")] + [
        (
            r["name"],
            r["facts_source"] or "",
            (r["updated_at"] or "")[:19].replace("T", " "),
            str(r["versions"]),
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(3)]
    for row in table:
        out.say("  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths, strict=True)) + "  " + row[3])
