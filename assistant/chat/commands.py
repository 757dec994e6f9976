"""What each input does: slash commands, and plain text taken as new facts or as an instruction.

Every input is recorded as a turn before anything else happens; every change is a new version
(committed) before its result is printed."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.chat.classify import Kind, classify_input, describe, fact_lines, resolve_units
from assistant.chat.engine import Outcome, check_all, check_units, draft_units, revise_units
from assistant.chat.session import ChatSession, Checkpoint
from assistant.chat.state import section_id, where_is
from assistant.draft.pipeline import Unit
from assistant.errors import AssistantError, UsageError

Handler = Callable[[ChatSession, str], bool | None]  # False ends the chat


@dataclass
class Command:
    fn: Handler
    usage: str
    help: str


COMMANDS: dict[str, Command] = {}


def command(name: str, usage: str, help: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        COMMANDS[name] = Command(fn, usage, help)
        return fn

    return register


def needs_model(chat: ChatSession) -> str:
    from assistant.paths import config_file

    why = "started with --offline" if chat.opts.offline else "no model endpoint is configured"
    return (
        f"free-form revision needs a language model ({why}). Configure one — OPENAI_BASE_URL (and "
        f"OPENAI_API_KEY if it needs one) and ASSISTANT_MODEL, or base_url/model in {config_file()} — "
        "then `assistant chat --continue`. Offline you can still /facts add, /outline edit and /draft."
    )


# --- input -----------------------------------------------------------------------------------


def dispatch(chat: ChatSession, line: str) -> bool:
    """Handle one input; False when the chat should end."""
    text = line.strip()
    if not text:
        return True
    if text.startswith("/"):
        chat.record("user", "command", text)
        m = re.match(r"/(\S*)\s*(.*)$", text, re.S)
        name, arg = (m.group(1), m.group(2).strip()) if m else ("", "")
        cmd = COMMANDS.get(name.lower())
        if cmd is None:
            raise UsageError(f"unknown command /{name} (/help lists the commands)")
        return cmd.fn(chat, arg) is not False
    return handle_text(chat, text)


def handle_text(chat: ChatSession, text: str) -> bool:
    kind: Kind = classify_input(text)
    if kind == "unclear" and chat.backend is not None:
        kind = _ask_model(chat, text)
    if kind == "facts":
        chat.record("user", "facts", text)
        add_facts(chat, fact_lines(text))
    elif kind == "instruction":
        turn = chat.record("user", "instruction", text)
        revise(chat, text, text, turn)
    else:
        chat.record("user", "unclear", text)
        raise UsageError(
            "cannot tell whether this is a new fact or an instruction: start facts with “- ” (or /facts add), "
            "say which part to change and how (或 /revise 部分 要求)"
        )
    return True


def _ask_model(chat: ChatSession, text: str) -> Kind:
    """Only for input the rules cannot place; any failure leaves it unclear."""
    assert chat.backend is not None
    messages = [
        {
            "role": "system",
            "content": "用户正在对话中修改一篇工作总结草稿。判断用户这句话是补充的新事实，还是对草稿的修改要求。"
            "只回答一个词：FACT 或 INSTRUCTION。",
        },
        {"role": "user", "content": text},
    ]
    from assistant.chat.context import estimate_tokens

    chat.last_tokens, chat.last_usage = estimate_tokens(messages), {}
    try:
        comp = chat.backend.complete(messages, stream=False)
    except (AssistantError, KeyboardInterrupt):
        return "unclear"
    chat.last_usage = dict(comp.usage or {})
    answer = comp.text.upper()
    if "INSTRUCTION" in answer or "指令" in answer:
        return "instruction"
    if "FACT" in answer or "事实" in answer:
        return "facts"
    return "unclear"


# --- changes ---------------------------------------------------------------------------------


def add_facts(chat: ChatSession, lines: list[str]) -> None:
    if not lines:
        raise UsageError("no fact given: /facts add 召开专题会议2次")
    new = chat.state.copy()
    added = [new.add_fact(line) for line in lines]
    vid = chat.commit(new, "新事实 " + "、".join(f.id for f in added))
    outline = new.outline()
    shown = [f"已作为新事实加入：{f.id} {f.text}（归入 {where_is(outline, f.id)}）" for f in added]
    chat.record("assistant", "reply", "\n".join(shown), version=vid)
    for line in shown:
        chat.out.say(line)
    stale = [u for u in new.units() if new.text_of(u) and any(f in u.facts for f in added)]
    if stale:
        chat.out.note(f"草稿中{describe(stale)}还没有写入新事实：/draft {stale[0].key} 重新起草")


def revise(chat: ChatSession, target: str, instruction: str, user_turn: int) -> None:
    if chat.backend is None:
        raise UsageError(needs_model(chat))
    units = _units(chat, target)
    if not units:
        units = [u for u in chat.state.units() if section_id(u) in chat.last_target]
    if not units:
        raise UsageError(
            "which part? name it (第二部分, 问题部分, （一）, or words of its heading) or use /revise 部分 要求"
        )
    chat.out.say(f"按指令修改：{describe(units)} — {instruction}")
    with chat.checkpoint("reply", describe(units)) as cp:
        outcome = revise_units(
            chat.state,
            units,
            instruction,
            chat.backend,
            chat.history(before=user_turn),
            _printer(chat),
            cp.progress,
            chat.opts.budget,
        )
        vid = _conclude(chat, cp, outcome, f"修改{describe(units)}：{instruction[:30]}")
    chat.last_target = [section_id(u) for u in units]
    if vid is not None:
        for unit, report in check_units(
            chat.state, [u for u in units if section_id(u) in outcome.texts], chat.references
        ):
            chat.out.say(f"{unit.key} {report.render()}")


def draft(chat: ChatSession, units: list[Unit]) -> None:
    what = describe(units) if len(units) < len(chat.state.units()) else "全文"
    searcher = chat.searcher if chat.backend is not None else None  # offline text uses no example
    with chat.checkpoint("draft", what) as cp:
        outcome = draft_units(chat.state, units, chat.backend, searcher, _printer(chat), cp.progress)
        vid = _conclude(chat, cp, outcome, f"起草{what}")
    if vid is None:
        return
    waiting = [u for u in chat.state.units() if u.facts and not chat.state.text_of(u)]
    if waiting:  # a whole-draft check would only list the facts of sections not drafted yet
        done = [u for u in units if section_id(u) in outcome.texts]
        for unit, report in check_units(chat.state, done, chat.references):
            chat.out.say(f"{unit.key} {report.render()}")
        chat.out.note(f"not drafted yet: {describe(waiting)} (/draft drafts them)")
    else:
        refs = [h.text for hits in chat.references.values() for h in hits]
        chat.out.say(check_all(chat.state, refs).render())


def _printer(chat: ChatSession) -> Callable[[str, dict[str, Any]], None]:
    def on_event(kind: str, data: dict[str, Any]) -> None:
        if kind == "section":
            chat.out.say(f"— {data['key']}")
        elif kind == "delta":
            chat.out.delta(data["text"])
        elif kind == "warning":
            chat.out.note(f"warning: {data['message']}")

    return on_event


def _conclude(chat: ChatSession, cp: Checkpoint, outcome: Outcome, label: str) -> int | None:
    """Commit what an answer produced (all of it, or what arrived before Ctrl-C or a failure)."""
    chat.out.end_stream()
    chat.last_tokens, chat.last_usage = outcome.tokens, outcome.usage
    chat.references.update(outcome.references)
    status = "done" if outcome.complete else "interrupted" if outcome.interrupted else "error"
    vid = None
    if outcome.texts:
        new = chat.state.with_sections(outcome.texts)
        vid = chat.commit(
            new, label + ("（中断）" if not outcome.complete else ""), interrupted=not outcome.complete
        )
    cp.finish(status, "\n\n".join(outcome.texts.values()), vid, outcome.usage)
    where = (
        f"saved as {chat.version_label(vid)}, marked interrupted (/undo goes back)"
        if vid
        else "nothing arrived"
    )
    if outcome.interrupted:
        chat.out.note(f"interrupted: {where}")
    elif outcome.error:
        chat.out.error(f"{outcome.error} — {where}")
    else:
        chat.out.note(f"{chat.version_label(vid)}：{label}（/diff 查看改动，/undo 撤销）")
    return vid


def _split(arg: str) -> tuple[str, str]:
    """The first word and the rest (which may span lines)."""
    parts = arg.split(maxsplit=1)
    return (parts[0] if parts else ""), (parts[1].strip() if len(parts) > 1 else "")


def _units(chat: ChatSession, text: str) -> list[Unit]:
    try:
        return resolve_units(text, chat.state.outline())
    except LookupError as exc:
        raise UsageError(str(exc)) from None


# --- commands --------------------------------------------------------------------------------


@command("help", "/help", "this list")
def cmd_help(chat: ChatSession, arg: str) -> None:
    unique = list({id(c): c for c in COMMANDS.values()}.values())  # /quit is /exit
    width = max(len(c.usage) for c in unique)
    lines = [f"  {c.usage.ljust(width)}  {c.help}" for c in unique]
    chat.out.say(
        "Commands:\n" + "\n".join(lines) + "\n"
        "Plain text is taken as new facts (lines starting with “- ”, or a figure/work done) or as an "
        "instruction (把第二部分写得更具体些 / 问题部分压缩到两条); the chat says which."
    )


@command("facts", "/facts [add TEXT | rm N]", "show the facts by section; add one; remove F<N>")
def cmd_facts(chat: ChatSession, arg: str) -> None:
    sub, rest = _split(arg)
    if sub == "add":
        add_facts(chat, fact_lines(rest))
    elif sub in ("rm", "remove", "del"):
        ids = [t for t in re.split(r"[\s,，、]+", rest) if t]
        if not ids:
            raise UsageError("which fact? /facts rm 3 (or F3)")
        new = chat.state.copy()
        gone = [new.remove_fact(i) for i in ids]
        stale = [
            u
            for u in chat.state.units()
            if chat.state.text_of(u) and any(f.id in [g.id for g in gone] for f in u.facts)
        ]
        vid = chat.commit(new, "删除事实 " + "、".join(f.id for f in gone))
        said = "；".join(f"已删除 {f.id} {f.text}" for f in gone)
        chat.record("assistant", "reply", said, version=vid)
        chat.out.say(said)
        if stale:
            chat.out.note(f"草稿中{describe(stale)}仍写着它：/draft {stale[0].key} 重新起草")
    elif not arg:
        meta = "  ".join(f"{k}: {v}" for k, v in chat.state.sheet.meta.items())
        if meta:
            chat.out.say(meta)
        chat.out.say(chat.state.outline().render_with_facts().rstrip())
        chat.out.note(f"{len(chat.state.sheet.facts())} facts")
    else:
        raise UsageError("use /facts, /facts add TEXT or /facts rm N")


@command(
    "outline", "/outline [edit | regen]", "show the outline; edit it in $EDITOR; rebuild it from the facts"
)
def cmd_outline(chat: ChatSession, arg: str) -> None:
    if not arg:
        outline = chat.state.outline()
        chat.out.say(outline.render().rstrip())
        for note in outline.notes:
            chat.out.note(f"note: {note}")
        return
    new = chat.state.copy()
    if arg == "edit":
        text = _edit(chat.state.outline().render())
        if text.strip() == chat.state.outline().render().strip():
            chat.out.say("提纲未改动")
            return
        new.set_outline(text)
        label = "编辑提纲"
    elif arg == "regen":
        new.set_outline(None)
        label = "按事实重建提纲"
    else:
        raise UsageError("use /outline, /outline edit or /outline regen")
    vid = chat.commit(new, label)
    chat.record("assistant", "reply", label, version=vid)
    chat.out.say(new.outline().render().rstrip())
    chat.out.note(f"{chat.version_label(vid)}：{label}")


def _edit(text: str) -> str:
    import os
    import shlex
    import subprocess
    import tempfile

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or ("notepad" if os.name == "nt" else "vi")
    with tempfile.TemporaryDirectory(prefix="assistant-outline-") as tmp:
        path = Path(tmp) / "outline.txt"
        path.write_text(text, encoding="utf-8")
        try:
            code = subprocess.call([*shlex.split(editor), str(path)])
        except OSError as exc:
            raise AssistantError(
                f"cannot start the editor {editor!r} ({exc.strerror}); set $EDITOR"
            ) from None
        if code != 0:
            raise AssistantError(f"the editor exited with status {code}; the outline is unchanged")
        return path.read_text(encoding="utf-8")


@command("draft", "/draft [SECTION]", "draft the whole text, or one section (第二部分, （一）, 问题部分…)")
def cmd_draft(chat: ChatSession, arg: str) -> None:
    units = _units(chat, arg) if arg else chat.state.units()
    if not units:
        raise UsageError(f"no section matches {arg!r} (/outline lists them)")
    draft(chat, units)


@command("revise", "/revise SECTION INSTRUCTION", "revise a section by an instruction (needs a model)")
def cmd_revise(chat: ChatSession, arg: str) -> None:
    section, instruction = _split(arg)
    if not instruction:
        raise UsageError("use /revise SECTION INSTRUCTION, e.g. /revise 第二部分 写得更具体些")
    if chat.backend is None:
        raise UsageError(needs_model(chat))
    if not _units(chat, section):
        raise UsageError(f"no section matches {section!r} (/outline lists them)")
    turn = chat.record("user", "instruction", f"{section} {instruction.strip()}")
    revise(chat, section, instruction.strip(), turn)


@command("sources", "/sources [SECTION]", "the example paragraphs retrieved for each section")
def cmd_sources(chat: ChatSession, arg: str) -> None:
    from assistant.draft.pipeline import Drafter

    units = _units(chat, arg) if arg else chat.state.units()
    if chat.searcher is None:
        raise AssistantError(
            "no index of example reports (assistant index build PATH, or set ASSISTANT_INDEX)"
        )
    drafter = Drafter(None, chat.searcher)
    for unit in units:
        hits = drafter.references(unit)
        chat.out.say(f"{unit.key}" + ("" if hits else "：无（本节没有事实）" if not unit.facts else "：无"))
        for h in hits:
            path = " > ".join(h.heading_path) or "导语"
            chat.out.say(f"  《{h.report_title or h.report_id}》{path}")
            chat.out.note(f"    {_excerpt(h.text)}")


@command("search", "/search TEXT", "search the example reports")
def cmd_search(chat: ChatSession, arg: str) -> None:
    from assistant.index.search import Query

    if not arg:
        raise UsageError("what to search for? /search 宣传干部队伍老化")
    if chat.searcher is None:
        raise AssistantError(
            "no index of example reports (assistant index build PATH, or set ASSISTANT_INDEX)"
        )
    for i, h in enumerate(chat.searcher.search(Query(arg, k=5)), 1):
        chat.out.say(
            f"{i}. 《{h.report_title or h.report_id}》{' > '.join(h.heading_path) or '导语'} [{h.role}]"
        )
        chat.out.note(f"   {_excerpt(h.text)}")


def _excerpt(text: str, n: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[:n] + "……"


@command("check", "/check", "the fidelity check of the whole draft")
def cmd_check(chat: ChatSession, arg: str) -> None:
    if not chat.state.drafted:
        raise UsageError("no draft yet: /draft writes one")
    refs = [h.text for hits in chat.references.values() for h in hits]
    chat.out.say(check_all(chat.state, refs).render())


@command("diff", "/diff", "unified diff of the last change")
def cmd_diff(chat: ChatSession, arg: str) -> None:
    chat.out.say(chat.diff().rstrip() or "the last change did not change the draft or the outline")


@command("undo", "/undo", "go back to the previous version")
def cmd_undo(chat: ChatSession, arg: str) -> None:
    label = chat.undo()
    said = f"已撤销“{label}”，回到{chat.version_label()}"
    chat.record("assistant", "reply", said, version=chat.head)
    chat.out.say(said)


@command("save", "/save FILE", "write the draft as Markdown")
def cmd_save(chat: ChatSession, arg: str) -> None:
    from assistant.draft.run import write_atomic

    if not arg:
        raise UsageError("where to? /save draft.md")
    if not chat.state.drafted:
        raise UsageError("no draft yet: /draft writes one")
    path = Path(arg).expanduser()
    try:
        write_atomic(path, chat.state.markdown())
    except OSError as exc:
        raise AssistantError(f"cannot write {path}: {exc.strerror or exc}") from None
    chat.out.say(f"wrote {path} ({chat.version_label()})")


@command("export", "/export FILE.docx", "export the draft to Word in the official layout")
def cmd_export(chat: ChatSession, arg: str) -> None:
    if not arg or not arg.lower().endswith(".docx"):
        raise UsageError("give a .docx file: /export draft.docx")
    if not chat.state.drafted:
        raise UsageError("no draft yet: /draft writes one")
    from assistant.document import parse_draft
    from assistant.export.docx_writer import export_docx

    path = Path(arg).expanduser()
    export_docx(parse_draft(chat.state.markdown()), path, force=True, source=f"session {chat.row.name}")
    chat.out.say(f"wrote {path} ({chat.version_label()})")


@command("model", "/model [NAME]", "show the backend and the models it offers; switch model")
def cmd_model(chat: ChatSession, arg: str) -> None:
    if arg:
        if chat.backend is None:
            raise UsageError(needs_model(chat))
        chat.connect_backend(model=arg)
        chat.store.set_model(chat.row.id, arg)
    chat.out.say(chat.backend_line())
    if not arg and chat.backend is not None and hasattr(chat.backend, "list_models"):
        try:
            chat.out.note("models: " + ", ".join(chat.backend.list_models()))
        except AssistantError as exc:
            chat.out.note(f"(cannot list models: {exc})")


@command("status", "/status", "session, backend and the token budget of the last request")
def cmd_status(chat: ChatSession, arg: str) -> None:
    total = chat.store.version_count(chat.row.id)
    facts = len(chat.state.sheet.facts())
    chat.out.say(f"session: {chat.row.name} — facts from {chat.row.facts_source}, {facts} facts")
    chat.out.say(
        f"document: {chat.version_label()} of {total} versions; "
        + ("drafted" if chat.state.drafted else "not drafted yet")
    )
    chat.out.say(f"backend: {chat.backend_line()}")
    if chat.last_tokens:
        usage = chat.last_usage
        counted = (
            f"; the endpoint counted {usage.get('prompt_tokens', 0)} in, {usage.get('completion_tokens', 0)} out"
            if usage
            else ""
        )
        chat.out.say(f"last request: about {chat.last_tokens} of {chat.opts.budget} tokens budgeted{counted}")
    else:
        chat.out.say(f"last request: none yet (budget {chat.opts.budget} tokens)")


@command("history", "/history [N]", "the last N turns (default 10)")
def cmd_history(chat: ChatSession, arg: str) -> None:
    n = int(arg) if arg.isdigit() else 10
    for t in chat.store.turns(chat.row.id, limit=n + 1)[:-1]:  # not this /history itself
        who = "you" if t["role"] == "user" else "assistant"
        mark = f" [{t['status']}]" if t["status"] != "done" else ""
        chat.out.say(f"{t['created_at'][11:19]} {who}{mark}: {_excerpt(t['text'] or '', 70)}")


@command("exit", "/exit", "leave (everything is already saved; assistant chat --continue resumes)")
def cmd_exit(chat: ChatSession, arg: str) -> bool:
    return False


COMMANDS["quit"] = COMMANDS["exit"]
