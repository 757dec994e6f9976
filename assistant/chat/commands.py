"""What each input does: slash commands, and plain text taken as new facts or as an instruction.

Every input is recorded as a turn before anything else happens; every change is a new version
(committed) before its result is printed."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.atomic import PRIVATE, write_atomic
from assistant.chat.classify import Kind, classify_input, describe, fact_lines, resolve_units
from assistant.chat.engine import OnEvent, Outcome, Repair, check_all, check_units, draft_units, revise_units
from assistant.chat.files import facts_markdown, parse_target, same_file
from assistant.chat.output import display_width
from assistant.chat.session import ChatSession, Checkpoint
from assistant.chat.state import section_id, where_is
from assistant.check.fidelity import CheckReport
from assistant.draft.pipeline import Unit
from assistant.errors import AssistantError, CheckFailed, UsageError
from assistant.i18n import N_, _

Handler = Callable[[ChatSession, str], bool | None]  # False ends the chat


@dataclass
class Command:
    fn: Handler
    usage: str  # msgids (N_), translated when /help shows them
    help: str


COMMANDS: dict[str, Command] = {}


def command(name: str, usage: str, help: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        COMMANDS[name] = Command(fn, usage, help)
        return fn

    return register


def needs_model(chat: ChatSession) -> str:
    from assistant.paths import config_file

    why = _("启动时用了 --offline") if chat.opts.offline else _("没有配置模型接口")
    return _(
        "按要求修改需要语言模型（{why}）。请配置接口：OPENAI_BASE_URL（需要密钥时加 OPENAI_API_KEY）和 "
        "ASSISTANT_MODEL，或在 {config} 中设置 base_url 和 model，然后用 assistant chat --continue 继续。"
        "离线时仍可用 /facts add、/outline edit 和 /draft。",
        why=why,
        config=config_file(),
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
            raise UsageError(_("没有 /{name} 这个命令（/help 列出全部命令）", name=name))
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
            _(
                "分不清这是新事实还是修改要求：事实请以“- ”开头（或用 /facts add），"
                "修改请说明改哪一部分、怎么改（或用 /revise 部分 要求）"
            )
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
        raise UsageError(_("没有给出事实：/facts add 召开专题会议2次"))
    new = chat.state.copy()
    added = [new.add_fact(line) for line in lines]
    vid = chat.commit(new, "新事实 " + "、".join(f.id for f in added))
    outline = new.outline()
    shown = [
        _(
            "已作为新事实加入：{id} {text}（归入 {where}）",
            id=f.id,
            text=f.text,
            where=where_is(outline, f.id),
        )
        for f in added
    ]
    chat.record("assistant", "reply", "\n".join(shown), version=vid)
    for line in shown:
        chat.out.say(line)
    stale = [u for u in new.units() if new.text_of(u) and any(f in u.facts for f in added)]
    if stale:
        chat.out.note(
            _(
                "草稿中{sections}还没有写入新事实：/draft {key} 重新起草",
                sections=describe(stale),
                key=stale[0].key,
            )
        )


def revise(chat: ChatSession, target: str, instruction: str, user_turn: int) -> None:
    if chat.backend is None:
        raise UsageError(needs_model(chat))
    units = _units(chat, target)
    if not units:
        units = [u for u in chat.state.units() if section_id(u) in chat.last_target]
    if not units:
        raise UsageError(
            _("改哪一部分？请说明（第二部分、问题部分、（一），或标题中的词），或用 /revise 部分 要求")
        )
    chat.out.say(
        _("按指令修改：{sections} — {instruction}", sections=describe(units), instruction=instruction)
    )
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
            chat.references,
        )
        vid = _conclude(chat, cp, outcome, f"修改{describe(units)}：{instruction[:30]}")
    chat.last_target = [section_id(u) for u in units]
    if vid is None:
        return
    for unit, report in check_units(
        chat.state, [u for u in units if section_id(u) in outcome.texts], chat.references
    ):
        chat.out.say(f"{unit.key} {report.render()}")
        if not report.ok:
            chat.out.say(_open_line(chat, unit, report, outcome.repairs.get(section_id(unit)), vid))
    chat.out.say(check_status(chat))


def _open_line(chat: ChatSession, unit: Unit, report: CheckReport, repair: Repair | None, vid: int) -> str:
    """What is left open in a revised section, and what the user can do about it."""
    fields = {"key": unit.key, "count": len(report.findings), "version": chat.version_label(vid)}
    if repair is not None:
        return _(
            "{key}：按核对结果修正 {rounds} 轮后仍有 {count} 处问题（见上），已照此保存为{version}；"
            "可用 /revise 说明怎么改、/facts add 补充事实，或 /undo 退回",
            rounds=repair.rounds,
            **fields,
        )
    return _(
        "{key}：仍有 {count} 处问题（见上），已照此保存为{version}；"
        "可用 /revise 说明怎么改、/facts add 补充事实，或 /undo 退回",
        **fields,
    )


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
        chat.out.note(_("尚未起草：{sections}（/draft 起草）", sections=describe(waiting)))
    else:
        report = whole_check(chat)
        chat.out.say(report.render())
        chat.out.say(status_of(report, listed=True))


def whole_check(chat: ChatSession) -> CheckReport:
    refs = [h.text for hits in chat.references.values() for h in hits]
    return check_all(chat.state, refs)


def status_of(report: CheckReport, listed: bool = False) -> str:
    """Passed only when the check of the whole draft is clean (`listed`: its findings are on screen)."""
    if report.ok:
        return _("核对通过：未发现问题")
    if listed:
        return _("核对未通过：尚有 {count} 处问题", count=len(report.findings))
    return _("核对未通过：尚有 {count} 处问题（/check 查看）", count=len(report.findings))


def check_status(chat: ChatSession) -> str:
    """The session's check, as /status and the end of a revision say it."""
    if not chat.state.drafted:
        return _("核对：尚未起草")
    return status_of(whole_check(chat))


def _printer(chat: ChatSession) -> OnEvent:
    from assistant.draft.events import Delta, DraftEvent, DraftWarning, Repaired, Repairing, SectionStarted

    rounds: dict[str, int] = {}  # repair calls so far, by section

    def on_event(event: DraftEvent) -> None:
        if isinstance(event, SectionStarted):
            chat.out.say(f"— {event.key}")
        elif isinstance(event, Delta):
            chat.out.delta(event.text)
        elif isinstance(event, DraftWarning):
            chat.out.note(_("提示：{message}", message=event.message))
        elif isinstance(event, Repairing):
            key, count = event.key, len(event.problems)
            rounds[key] = rounds.get(key, 0) + 1
            if rounds[key] == 1:
                chat.out.note(_("核对发现{key}有 {count} 处问题，正在修正……", key=key, count=count))
            else:
                chat.out.note(_("修正后{key}仍有 {count} 处问题，再修正一次……", key=key, count=count))
        elif isinstance(event, Repaired):
            show_repair(chat, event.repair)

    return on_event


def show_repair(chat: ChatSession, repair: Repair) -> None:
    """The streamed text is not what is saved: say why in one line, then show the saved text."""
    chat.out.say(
        _(
            "已按核对结果修正{key}：{problems}。保存的是修正后的正文：",
            key=repair.key,
            problems="；".join(p.rstrip("。") for p in repair.problems),
        )
    )
    chat.out.say(repair.after)


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
        _("已保存为{version}，标记为中断（/undo 可退回）", version=chat.version_label(vid))
        if vid
        else _("没有收到内容")
    )
    if outcome.interrupted:
        chat.out.note(_("已中断：{where}", where=where))
    elif outcome.error:
        chat.out.error(_("{error}；{where}", error=outcome.error, where=where))
    else:
        chat.out.note(
            _(
                "{version}：{label}（/diff 查看改动，/undo 撤销）",
                version=chat.version_label(vid),
                label=label,
            )
        )
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


# --- writing files ---------------------------------------------------------------------------


def may_write(chat: ChatSession, path: Path, force: bool, command: str, suggest: Path) -> bool:
    """Whether `command` may write `path`: never the session's facts file; an existing file only with
    --force or the user's yes at the terminal (a script is refused, with the way to force it)."""
    if any(same_file(path, own) for own in chat.facts_files()):
        raise UsageError(
            _(
                "{path} 是本会话的事实文件，任何情况下都不会覆盖（加 --force 也不会）；请换一个文件名，如 {suggest}",
                path=path,
                suggest=suggest,
            )
        )
    if path.is_dir():
        raise UsageError(_("{path} 是文件夹，请给出文件名", path=path))
    if force or not path.exists():
        return True
    answer = chat.out.confirm(_("{path} 已存在，是否覆盖？[y/N] ", path=path))
    if answer is None:  # not a terminal: nobody to ask
        raise UsageError(
            _("{path} 已存在，未覆盖；确需覆盖请用 {command} {path} --force", path=path, command=command)
        )
    if not answer:
        chat.out.say(_("未覆盖 {path}", path=path))
    return answer


def beside_facts(chat: ChatSession, suffix: str) -> Path:
    """A file name next to the session's facts file (facts.md → facts.chat.md)."""
    origin = chat.facts_path()
    if origin is None:
        return Path(chat.row.name + suffix)
    return origin.with_name(origin.stem + suffix)


# --- commands --------------------------------------------------------------------------------


@command("help", "/help", N_("本列表"))
def cmd_help(chat: ChatSession, arg: str) -> None:
    unique = list({id(c): c for c in COMMANDS.values()}.values())  # /quit is /exit
    usages = [_(c.usage) for c in unique]
    width = max(display_width(u) for u in usages)
    lines = [
        f"  {u}{' ' * (width - display_width(u))}  {_(c.help)}" for u, c in zip(usages, unique, strict=True)
    ]
    chat.out.say(
        _("命令：")
        + "\n"
        + "\n".join(lines)
        + "\n"
        + _(
            "其他输入：以“- ”开头的行，或写明数字、做了什么工作的句子，作为新事实；"
            "“把第二部分写得更具体些”“问题部分压缩到两条”之类作为修改要求；对话会说明按哪一种处理。"
        )
        + "\n"
        + _(
            "写文件：/save、/export、/facts save 不会直接覆盖已有文件——在终端里先询问，在脚本中要加 --force；"
            "本会话的事实文件任何情况下都不会被覆盖。"
        )
    )


# The front matter keys of a facts file, as /facts shows them.
META_LABELS = {
    "unit": N_("单位"),
    "period": N_("时段"),
    "topic": N_("主题"),
    "title": N_("标题"),
    "leader": N_("领导"),
    "date": N_("日期"),
    "signature": N_("落款"),
}


@command(
    "facts",
    N_("/facts [add 事实 | rm 编号 | save [文件]]"),
    N_("按部分列出事实；补充一条；删除 F<编号>；把事实写成事实文件"),
)
def cmd_facts(chat: ChatSession, arg: str) -> None:
    sub, rest = _split(arg)
    if sub == "add":
        add_facts(chat, fact_lines(rest))
    elif sub in ("rm", "remove", "del"):
        remove_facts(chat, rest)
    elif sub == "save":
        save_facts(chat, rest)
    elif not arg:
        meta = "　".join(f"{_(META_LABELS.get(k, k))}：{v}" for k, v in chat.state.sheet.meta.items())
        if meta:
            chat.out.say(meta)
        chat.out.say(chat.state.outline().render_with_facts().rstrip())
        chat.out.note(_("共 {n} 条事实", n=len(chat.state.sheet.facts())))
    else:
        raise UsageError(_("用法：/facts、/facts add 事实、/facts rm 编号 或 /facts save [文件]"))


def remove_facts(chat: ChatSession, rest: str) -> None:
    ids = [t for t in re.split(r"[\s,，、]+", rest) if t]
    if not ids:
        raise UsageError(_("删除哪一条？/facts rm 3（或 F3）"))
    new = chat.state.copy()
    gone = [new.remove_fact(i) for i in ids]
    stale = [
        u
        for u in chat.state.units()
        if chat.state.text_of(u) and any(f.id in [g.id for g in gone] for f in u.facts)
    ]
    vid = chat.commit(new, "删除事实 " + "、".join(f.id for f in gone))
    said = "；".join(_("已删除 {id} {text}", id=f.id, text=f.text) for f in gone)
    chat.record("assistant", "reply", said, version=vid)
    chat.out.say(said)
    if stale:
        chat.out.note(
            _("草稿中{sections}仍写着它：/draft {key} 重新起草", sections=describe(stale), key=stale[0].key)
        )


def save_facts(chat: ChatSession, rest: str) -> None:
    """The session's facts as a facts file (front matter, parts, groups), mode 600."""
    from assistant.draft.facts import parse_facts

    target = parse_target(rest, _("/facts save [文件] [--force]"))
    default = beside_facts(chat, ".chat.md")
    path = target.path or default
    if not may_write(chat, path, target.force, "/facts save", default):
        return
    note = _("assistant chat 会话 {name} {version}的事实", name=chat.row.name, version=chat.version_label())
    text = facts_markdown(chat.state.sheet, note)
    # What is written must read back as these facts, or it is not worth writing.
    back = [f.text for f in parse_facts(text, str(path)).facts()]
    if back != [" ".join(f.text.split()) for f in chat.state.sheet.facts()]:
        raise AssistantError(_("事实文件没有写入：写出的内容读回后与会话中的事实不一致"))
    write_atomic(path, text, mode=PRIVATE)
    where = str(path.resolve())
    said = _("已把 {n} 条事实写入 {path}（仅本人可读写）", n=len(back), path=where)
    # The file written is kept in the turn (section column): /status compares the facts with it.
    chat.record("assistant", "facts_saved", said, section=where, version=chat.head)
    chat.out.say(said)
    chat.out.note(_("以后可用 assistant draft {path} 或 assistant chat {path} 使用这些事实", path=path))


@command("outline", N_("/outline [edit | regen]"), N_("显示提纲；在编辑器中修改；按事实重建"))
def cmd_outline(chat: ChatSession, arg: str) -> None:
    if not arg:
        outline = chat.state.outline()
        chat.out.say(outline.render().rstrip())
        for note in outline.notes:
            chat.out.note(_("说明：{note}", note=note))
        return
    new = chat.state.copy()
    if arg == "edit":
        text = _edit(chat.state.outline().render())
        if text.strip() == chat.state.outline().render().strip():
            chat.out.say(_("提纲未改动"))
            return
        new.set_outline(text)
        label = "编辑提纲"  # version labels are the session's history, stored as written
    elif arg == "regen":
        new.set_outline(None)
        label = "按事实重建提纲"
    else:
        raise UsageError(_("用法：/outline、/outline edit 或 /outline regen"))
    vid = chat.commit(new, label)
    chat.record("assistant", "reply", label, version=vid)
    chat.out.say(new.outline().render().rstrip())
    chat.out.note(_("{version}：{label}", version=chat.version_label(vid), label=label))


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
                _("无法启动编辑器 {editor}（{reason}）；请设置 $EDITOR", editor=editor, reason=exc.strerror)
            ) from None
        if code != 0:
            raise AssistantError(_("编辑器退出状态为 {code}，提纲未改动", code=code))
        return path.read_text(encoding="utf-8")


@command("draft", N_("/draft [部分]"), N_("起草全文，或只起草一部分（第二部分、（一）、问题部分……）"))
def cmd_draft(chat: ChatSession, arg: str) -> None:
    units = _units(chat, arg) if arg else chat.state.units()
    if not units:
        raise UsageError(_("没有与“{name}”对应的部分（/outline 列出各部分）", name=arg))
    draft(chat, units)


@command("revise", N_("/revise 部分 要求"), N_("按要求修改一部分（需要语言模型）"))
def cmd_revise(chat: ChatSession, arg: str) -> None:
    section, instruction = _split(arg)
    if not instruction:
        raise UsageError(_("用法：/revise 部分 要求，例如 /revise 第二部分 写得更具体些"))
    if chat.backend is None:
        raise UsageError(needs_model(chat))
    if not _units(chat, section):
        raise UsageError(_("没有与“{name}”对应的部分（/outline 列出各部分）", name=section))
    turn = chat.record("user", "instruction", f"{section} {instruction.strip()}")
    revise(chat, section, instruction.strip(), turn)


def _no_index() -> AssistantError:
    return AssistantError(_("没有范文索引（用 assistant index build 目录 建立，或设置 ASSISTANT_INDEX）"))


@command("sources", N_("/sources [部分]"), N_("各部分检索到的范文段落"))
def cmd_sources(chat: ChatSession, arg: str) -> None:
    from assistant.draft.service import DraftService

    units = _units(chat, arg) if arg else chat.state.units()
    if chat.searcher is None:
        raise _no_index()
    service = DraftService(None, chat.searcher, log=False)
    for unit in units:
        hits = service.references(unit)
        none = "" if hits else _("：无（本节没有事实）") if not unit.facts else _("：无")
        chat.out.say(f"{unit.key}{none}")
        for h in hits:
            chat.out.say(f"  {h.source_label}")
            chat.out.note(f"    {_excerpt(h.text)}")


# What a paragraph of an example report is (the index's role names), as /search shows it.
ROLE_NAMES = {
    "opening": N_("导语"),
    "achievements": N_("做法成效"),
    "problems": N_("存在问题"),
    "plans": N_("下步打算"),
    "closing": N_("结尾"),
    "other": N_("其他"),
}


@command("search", N_("/search 文字"), N_("检索范文"))
def cmd_search(chat: ChatSession, arg: str) -> None:
    from assistant.index.search import Query

    if not arg:
        raise UsageError(_("检索什么？/search 宣传干部队伍老化"))
    if chat.searcher is None:
        raise _no_index()
    for i, h in enumerate(chat.searcher.search(Query(arg, k=5)), 1):
        role = _(ROLE_NAMES.get(h.role, h.role))
        chat.out.say(f"{i}. {h.source_label} [{role}]")
        chat.out.note(f"   {_excerpt(h.text)}")


def _excerpt(text: str, n: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[:n] + "……"


def _no_draft() -> UsageError:
    return UsageError(_("还没有草稿：/draft 起草"))


@command("check", "/check", N_("全文事实核对"))
def cmd_check(chat: ChatSession, arg: str) -> None:
    if not chat.state.drafted:
        raise _no_draft()
    report = whole_check(chat)
    chat.out.say(report.render())
    chat.out.say(status_of(report, listed=True))


@command("diff", "/diff", N_("上一次改动的差异"))
def cmd_diff(chat: ChatSession, arg: str) -> None:
    chat.out.say(chat.diff().rstrip() or _("上一次改动没有改变草稿或提纲"))


@command("undo", "/undo", N_("退回上一版"))
def cmd_undo(chat: ChatSession, arg: str) -> None:
    label = chat.undo()
    said = _("已撤销“{label}”，回到{version}", label=label, version=chat.version_label())
    chat.record("assistant", "reply", said, version=chat.head)
    chat.out.say(said)


@command(
    "save", N_("/save 文件 [--force]"), N_("把草稿存为 Markdown（已有的文件先询问；脚本中加 --force 才覆盖）")
)
def cmd_save(chat: ChatSession, arg: str) -> None:
    target = parse_target(arg, _("/save 文件 [--force]"))
    if target.path is None:
        raise UsageError(_("保存到哪里？/save 草稿.md"))
    if not chat.state.drafted:
        raise _no_draft()
    if not may_write(chat, target.path, target.force, "/save", beside_facts(chat, ".draft.md")):
        return
    write_atomic(target.path, _markdown_with_status(chat))
    chat.out.say(
        _("已保存草稿：{path}（{version}）", path=target.path.resolve(), version=chat.version_label())
    )


def _markdown_with_status(chat: ChatSession) -> str:
    """The draft as saved: a header comment naming the session and version, with the check's status
    in it (so that `assistant export` of the saved file knows whether the check passed)."""
    from assistant.chat.engine import check_all
    from assistant.check.fidelity import with_status

    header = f"<!-- 草稿（对话，{chat.version_label()}） -->"
    return with_status(header + "\n" + chat.state.markdown(), check_all(chat.state))


@command("export", N_("/export 文件.docx [--force]"), N_("按公文格式导出 Word（已有的文件同样先询问）"))
def cmd_export(chat: ChatSession, arg: str) -> None:
    target = parse_target(arg, _("/export 文件.docx [--force]"))
    if target.path is None or target.path.suffix.lower() != ".docx":
        raise UsageError(_("请给出 .docx 文件名：/export 草稿.docx"))
    if not chat.state.drafted:
        raise _no_draft()
    if not may_write(chat, target.path, target.force, "/export", beside_facts(chat, ".draft.docx")):
        return
    from assistant.chat.engine import check_all
    from assistant.document import parse_draft
    from assistant.export.docx_writer import export_docx

    report = check_all(chat.state)
    if not report.ok and not target.force:  # as `assistant export` does: no Word file of an unchecked draft
        raise CheckFailed(
            _(
                "核对尚未通过（尚有 {count} 处问题，/check 查看），未导出；确需导出请加 --force",
                count=len(report.findings),
            )
        )
    # Overwriting was settled above (asked, or --force); export_docx writes atomically.
    export_docx(
        parse_draft(chat.state.markdown()),
        target.path,
        force=True,
        source=_("会话 {name}", name=chat.row.name),
    )
    chat.out.say(
        _("已导出 Word：{path}（{version}）", path=target.path.resolve(), version=chat.version_label())
    )


@command("model", N_("/model [模型名]"), N_("显示后端和可用的模型；切换模型"))
def cmd_model(chat: ChatSession, arg: str) -> None:
    if arg:
        if chat.backend is None:
            raise UsageError(needs_model(chat))
        chat.connect_backend(model=arg)
        chat.store.set_model(chat.row.id, arg)
    chat.out.say(chat.backend_line())
    if not arg and chat.backend is not None and hasattr(chat.backend, "list_models"):
        try:
            chat.out.note(_("可用模型：{models}", models="、".join(chat.backend.list_models())))
        except AssistantError as exc:
            chat.out.note(_("（无法列出模型：{error}）", error=exc))


@command("status", "/status", N_("会话、事实文件、后端和上次请求的用量"))
def cmd_status(chat: ChatSession, arg: str) -> None:
    total = chat.store.version_count(chat.row.id)
    facts = len(chat.state.sheet.facts())
    chat.out.say(_("会话：{name}", name=chat.row.name))
    chat.out.say(
        _("事实文件：{path}（会话中现有 {n} 条事实）", path=chat.row.facts_source or _("（无）"), n=facts)
    )
    chat.out.say(facts_state_line(chat))
    drafted = _("已起草") if chat.state.drafted else _("尚未起草")
    chat.out.say(
        _(
            "文档：{version}，共 {total} 版；{drafted}",
            version=chat.version_label(),
            total=total,
            drafted=drafted,
        )
    )
    chat.out.say(check_status(chat))
    chat.out.say(_("后端：{backend}", backend=chat.backend_line()))
    if chat.last_tokens:
        usage = chat.last_usage
        counted = (
            _(
                "；接口计数：输入 {prompt}，输出 {completion}",
                prompt=usage.get("prompt_tokens", 0),
                completion=usage.get("completion_tokens", 0),
            )
            if usage
            else ""
        )
        chat.out.say(
            _(
                "上次请求：约 {tokens} 个 token（预算 {budget}）{counted}",
                tokens=chat.last_tokens,
                budget=chat.opts.budget,
                counted=counted,
            )
        )
    else:
        chat.out.say(_("上次请求：暂无（预算 {budget} 个 token）", budget=chat.opts.budget))


def facts_state_line(chat: ChatSession) -> str:
    """Whether the facts in the session differ from the last facts file written or read."""
    change = chat.unsaved_facts()
    if not change.added and not change.removed:
        return _("事实：与 {path} 一致", path=change.where)
    return _(
        "事实：自上次保存以来新增 {added} 条、删除 {removed} 条，尚未写入文件（/facts save 保存）",
        added=len(change.added),
        removed=len(change.removed),
    )


STATUS = {"streaming": N_("生成中"), "interrupted": N_("已中断"), "error": N_("出错")}


@command("history", N_("/history [N]"), N_("最近 N 轮对话（默认 10）"))
def cmd_history(chat: ChatSession, arg: str) -> None:
    n = int(arg) if arg.isdigit() else 10
    for t in chat.store.turns(chat.row.id, limit=n + 1)[:-1]:  # not this /history itself
        who = _("你") if t["role"] == "user" else _("助手")
        mark = f" [{_(STATUS.get(t['status'], t['status']))}]" if t["status"] != "done" else ""
        chat.out.say(f"{t['created_at'][11:19]} {who}{mark}：{_excerpt(t['text'] or '', 70)}")


@command("exit", "/exit", N_("退出（一切已随时保存；assistant chat --continue 可继续）"))
def cmd_exit(chat: ChatSession, arg: str) -> bool:
    return False


COMMANDS["quit"] = COMMANDS["exit"]
