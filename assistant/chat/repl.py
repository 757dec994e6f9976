"""The input loop: prompt_toolkit on a terminal (line editing, history, multi-line input), plain
lines from stdin otherwise (no prompt, no colour), so that a chat can be scripted and tested."""

from __future__ import annotations

import os
import sys
from typing import Any

from assistant.chat.commands import dispatch
from assistant.chat.output import Output, display_width
from assistant.chat.session import ChatOptions, ChatSession
from assistant.chat.store import Store
from assistant.errors import AssistantError
from assistant.i18n import _


def keys_help() -> str:
    return _(
        "回车发送；先按 Esc 再回车，或在行末输入 \\ 后回车，可换行继续输入；"
        "Ctrl-C 停止正在生成的回答（已收到的内容保留）；/help 列出命令；/exit 退出。"
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
        if sys.stdin.isatty():  # someone can answer (stdout may be piped: the question goes to stderr)
            out.ask = _ask_terminal
        if interactive:
            out.say(
                _(
                    "assistant chat — {how}（事实文件：{path}，{n} 条事实）",
                    how=how,
                    path=chat.row.facts_source,
                    n=facts,
                )
            )
            out.say(_("后端：{backend}", backend=chat.backend_line()))
            out.note(keys_help())
            out.note(_("输入新事实（- ……）或修改要求（把第二部分写得更具体些）；所有内容随时保存。"))
        else:
            print(
                _("对话：{how}；后端：{backend}", how=how, backend=chat.backend_line()),
                file=sys.stderr,
                flush=True,
            )
        (_loop_tty if interactive else _loop_pipe)(chat, out)
        remind_unsaved_facts(chat, out)
        if out.errors and not interactive:  # a script learns that something failed
            raise AssistantError(_("有 {n} 条输入出错（见上面的错误信息）；会话已保存", n=out.errors))
    finally:
        store.close()


def _ask_terminal(question: str) -> str:
    """One line from the terminal (prompt_toolkit is between prompts when a command asks)."""
    sys.stderr.write(question)
    sys.stderr.flush()
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line


def remind_unsaved_facts(chat: ChatSession, out: Output) -> None:
    """Facts added in the chat live in the session only until /facts save writes them."""
    change = chat.unsaved_facts()
    if change.added or change.removed:
        out.note(
            _(
                "提示：本会话新增 {added} 条、删除 {removed} 条事实，还没有写入事实文件（/facts save 保存）",
                added=len(change.added),
                removed=len(change.removed),
            )
        )


def run_line(chat: ChatSession, out: Output, text: str) -> bool:
    """One input; errors become one line and the chat goes on. False when the chat should end."""
    try:
        return dispatch(chat, text)
    except KeyboardInterrupt:
        out.end_stream()
        out.note(_("已中断"))
        return True
    except AssistantError as exc:
        _report(chat, out, str(exc))
        return True
    except Exception as exc:  # a bug must not cost the user the session
        if os.environ.get("ASSISTANT_DEBUG", "") not in ("", "0"):
            raise
        _report(
            chat,
            out,
            _(
                "意外错误 {kind}：{detail}（设置 ASSISTANT_DEBUG=1 可查看详细信息）",
                kind=type(exc).__name__,
                detail=exc,
            ),
        )
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
        out.say(_("还没有对话会话（新建：assistant chat 事实文件）"))
        return
    table = [(_("会话"), _("事实文件"), _("更新时间"), _("版本数"))] + [
        (
            r["name"],
            r["facts_source"] or "",
            (r["updated_at"] or "")[:19].replace("T", " "),
            str(r["versions"]),
        )
        for r in rows
    ]
    widths = [max(display_width(row[i]) for row in table) for i in range(3)]
    for row in table:
        cells = [cell + " " * (w - display_width(cell)) for cell, w in zip(row[:3], widths, strict=True)]
        out.say("  ".join(cells) + "  " + row[3])
