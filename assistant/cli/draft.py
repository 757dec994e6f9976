"""`assistant draft`, `assistant outline`: the main job."""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from assistant.cli.common import ApiKeyOpt, BaseUrlOpt, EmbedderOpt, IndexOpt, ModelOpt, TimeoutOpt
from assistant.i18n import N_, _

if TYPE_CHECKING:
    from assistant.draft.events import OnEvent
    from assistant.draft.facts import FactSheet
    from assistant.draft.pipeline import DraftInterrupted
    from assistant.draft.retriever import Retriever
    from assistant.draft.run import DraftOptions
    from assistant.draft.service import JobResult
    from assistant.errors import AssistantError
    from assistant.llm.base import ChatBackend

STDIN = "-"
STOP_GRACE = 5.0  # seconds the other jobs get to save their partial drafts after Ctrl-C
DRAFT_HELP = _(
    "根据事实文件 FACTS 起草工作总结：先定提纲，再逐节参照范文起草，最后按事实核对。"
    "草稿写到标准输出或 -o 指定的文件，检查结果写到标准错误。"
)
OUTLINE_HELP = _(
    "显示据 FACTS 起草时要用的提纲。可保存、修改后用 --outline 传回；"
    "--write-facts 把事实按部分写成 .md，移动各行即可调整归属。"
)

OutlineOpt = Annotated[
    Path | None,
    typer.Option("--outline", metavar="OUTLINE", help=_("提纲文件：一行一个标题（一、…（一）…）。")),
]
UnitOpt = Annotated[
    str | None,
    typer.Option("--unit", metavar="UNIT", help=_("单位名称，事实文件没有写明时使用（如 城南中学党支部）。")),
]
PeriodOpt = Annotated[
    str | None, typer.Option("--period", metavar="PERIOD", help=_("时段，如 2024年第三季度。"))
]
TopicOpt = Annotated[
    str | None, typer.Option("--topic", metavar="TOPIC", help=_("工作主题，如 意识形态工作。"))
]
ForceOpt = Annotated[bool, typer.Option("--force", help=_("覆盖已存在的输出文件。"))]

# What the terminal asks for a value the facts file does not say.
QUESTIONS = {
    "unit": N_("单位名称（如 城南中学党支部）"),
    "period": N_("时段（如 2024年第二季度）"),
    "topic": N_("工作主题（如 意识形态工作）"),
}


def _meta(unit: str | None, period: str | None, topic: str | None) -> dict[str, str]:
    return {k: v for k, v in (("unit", unit), ("period", period), ("topic", topic)) if v}


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- reading the facts -------------------------------------------------------------------------


@dataclass
class FactsInput:
    """A facts file's text, read once (stdin can be read only once)."""

    text: str
    source: str  # as the user named it: a path, or -
    path: Path | None  # None for stdin

    @property
    def name(self) -> str | None:
        return self.path.name if self.path is not None else None


def read_input(arg: Path) -> FactsInput:
    """The facts of a file, or of stdin for `-` (a Word file or text, told apart by its bytes)."""
    from assistant.draft.facts import facts_text_from_bytes, read_facts_text

    if str(arg) == STDIN:
        if sys.stdin.isatty():
            say(_("请输入事实，一行一条；输入完按 Ctrl-D。"))
        data = sys.stdin.buffer.read()
        return FactsInput(facts_text_from_bytes(data, _("标准输入")), STDIN, None)
    return FactsInput(read_facts_text(arg), str(arg), arg)


def interactive(inputs: list[FactsInput]) -> bool:
    """Questions may be asked only at a terminal, and not when the facts come through stdin."""
    return sys.stdin.isatty() and sys.stderr.isatty() and all(i.path is not None for i in inputs)


def load_sheet(inp: FactsInput, flags: dict[str, str], ask: bool, label: bool = False) -> FactSheet:
    """Facts with unit, period and topic from the file, the options, or the terminal; the result is
    said in one line, and what is still unknown is marked in the draft (never guessed)."""
    from assistant.draft.facts import parse_facts
    from assistant.draft.meta import missing_hint, summary_line

    sheet = parse_facts(inp.text, inp.source, overrides=flags, name=inp.name)
    entered = ask_missing(sheet.missing()) if ask and sheet.missing() else {}
    if entered:  # parsed again: the period decides what 下半年 means
        sheet = parse_facts(inp.text, inp.source, overrides={**flags, **entered}, name=inp.name)
        sheet.meta_sources.update(dict.fromkeys(entered, "entered"))
    prefix = _("{source}：", source=inp.source) if label else ""
    say(prefix + summary_line(sheet.meta, sheet.meta_sources))
    missing = sheet.missing()
    if missing:
        sheet.mark_missing = True
        say(missing_hint(missing))
    return sheet


def ask_missing(missing: list[str]) -> dict[str, str]:
    from assistant.draft.meta import LABELS

    say(
        _(
            "事实文件没有写明{names}，请补充（直接回车跳过）：",
            names=_("、").join(_(LABELS[k]) for k in missing),
        )
    )
    answers = {}
    for key in missing:
        value = str(typer.prompt(_(QUESTIONS[key]), default="", show_default=False, err=True)).strip()
        if value:
            answers[key] = value
    return answers


def _check_outputs(paths: list[Path | None], force: bool) -> None:
    from assistant.errors import UsageError

    for p in paths:
        if p is not None and str(p) != STDIN and p.exists() and not force:
            raise UsageError(_("{path} 已存在；如要覆盖，请加 --force", path=p))


def _check_outline_file(outline: Path | None) -> None:
    from assistant.errors import InputError

    if outline is not None and not outline.exists():
        raise InputError(_("{path}：找不到这个提纲文件", path=outline))


def _placement_hint(source: str) -> str:
    return _(
        "如要调整：assistant outline {facts} --write-facts facts.md，在其中移动各行后用它起草。",
        facts=source,
    )


# --- assistant draft ---------------------------------------------------------------------------


@dataclass
class Job:
    """One facts file to draft and where its draft goes (target None: stdout)."""

    inp: FactsInput
    sheet: FactSheet
    target: Path | None
    docx: Path | None


@dataclass
class Kept:
    """Files written so far, for the line Ctrl-C leaves."""

    paths: list[Path] = field(default_factory=list)
    partial: list[Path] = field(default_factory=list)

    def add(self, path: Path) -> None:
        self.paths.append(path)

    def add_partial(self, path: Path) -> None:
        self.partial.append(path)

    def message(self) -> str:
        if not (self.paths or self.partial):
            return _("已中断，未写入任何文件。")
        said = [_("已中断")]
        if self.paths:
            said.append(_("已写入 {paths}", paths="、".join(map(str, self.paths))))
        if self.partial:
            said.append(_("未完成的草稿保存在 {paths}", paths="、".join(map(str, self.partial))))
        return _("；").join(said)


@dataclass
class Context:
    """What every job of one `assistant draft` shares."""

    opts: DraftOptions
    retriever: Retriever | None
    backend: ChatBackend | None
    sources: bool
    force: bool
    quiet: bool = False
    kept: Kept = field(default_factory=Kept)
    stop: threading.Event = field(default_factory=threading.Event)


def draft(
    facts: Annotated[
        list[Path],
        typer.Argument(
            metavar="FACTS",
            help=_("事实文件：.md（可带文件头）、.txt（一行一条）或 .docx；“-”表示从标准输入读取。"),
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--out",
            metavar="PATH",
            help=_("把草稿写到这个文件（多个事实文件时为文件夹）；“-”表示标准输出。"),
        ),
    ] = None,
    docx: Annotated[
        Path | None, typer.Option("--docx", metavar="PATH", help=_("同时按公文格式导出到这个 .docx 文件。"))
    ] = None,
    outline: OutlineOpt = None,
    offline: Annotated[bool, typer.Option("--offline", help=_("用确定性的离线方式起草。"))] = False,
    sources: Annotated[bool, typer.Option("--sources", help=_("在文末附上每节检索到的范文段落。"))] = False,
    strict: Annotated[bool, typer.Option("--strict", help=_("检查仍发现问题时以非零状态退出。"))] = False,
    jobs: Annotated[int, typer.Option("--jobs", min=1, max=16, help=_("同时起草的事实文件数。"))] = 1,
    repair_rounds: Annotated[
        int, typer.Option("--repair-rounds", min=0, max=5, help=_("自动修正的轮数（仅用模型时）。"))
    ] = 2,
    force: ForceOpt = False,
    unit: UnitOpt = None,
    period: PeriodOpt = None,
    topic: TopicOpt = None,
    index: IndexOpt = None,
    embedder: EmbedderOpt = None,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    model: ModelOpt = None,
    timeout: TimeoutOpt = None,
) -> None:
    from assistant.draft.run import DraftOptions
    from assistant.errors import CheckFailed, Interrupted

    _check_draft_args(facts, out, docx)
    opts = DraftOptions(
        outline_file=outline,
        offline=offline,
        index=index,
        embedder=embedder,
        base_url=base_url,
        api_key=api_key,
        model=model,
        timeout=timeout,
        repair_rounds=repair_rounds,
        meta=_meta(unit, period, topic),
    )
    kept = Kept()
    try:
        failures = _draft_all(facts, out, docx, opts, sources, force, jobs, kept)
    except KeyboardInterrupt:
        raise Interrupted(kept.message()) from None
    if failures and strict:
        raise CheckFailed(_("{n} 份草稿仍有问题（见上方检查结果）", n=failures))


def _check_draft_args(facts: list[Path], out: Path | None, docx: Path | None) -> None:
    from assistant.errors import UsageError

    if sum(1 for f in facts if str(f) == STDIN) > 1:
        raise UsageError(_("“-”（标准输入）只能给一次"))
    if len(facts) > 1 and out is not None and (out.suffix or str(out) == STDIN):
        raise UsageError(_("有多个事实文件时，-o 应是文件夹"))
    if len(facts) > 1 and docx is not None:
        raise UsageError(_("--docx 只能用于一个事实文件；多份草稿请逐个用 assistant export 导出"))


def _draft_all(
    facts: list[Path],
    out: Path | None,
    docx: Path | None,
    opts: DraftOptions,
    sources: bool,
    force: bool,
    jobs: int,
    kept: Kept,
) -> int:
    """Read and check everything first (bad input fails before any slow work), then draft."""
    from assistant.draft.run import open_searcher

    inputs = [read_input(f) for f in facts]
    targets = [_target(i, out, len(facts)) for i in inputs]
    _check_outputs([*targets, docx], force)
    _check_outline_file(opts.outline_file)
    ask = interactive(inputs)
    sheets = [load_sheet(i, opts.meta, ask, label=len(inputs) > 1) for i in inputs]
    backend = opts.backend()
    if backend is None:
        say(_("未配置语言模型接口（或指定了 --offline）：仅根据事实离线起草"))
    ctx = Context(opts, open_searcher(opts.index, opts.embedder), backend, sources, force, kept=kept)
    todo = [Job(i, s, t, docx) for i, s, t in zip(inputs, sheets, targets, strict=True)]
    if len(todo) == 1:
        return _one(todo[0], ctx)
    ctx.quiet = True
    return _draft_concurrently(todo, ctx, jobs)


def _target(inp: FactsInput, out: Path | None, n: int) -> Path | None:
    if n == 1:
        return None if out is None or str(out) == STDIN else out
    folder = out or (inp.path.parent if inp.path is not None else Path.cwd())
    stem = inp.path.stem if inp.path is not None else "stdin"
    return folder / (stem + ".draft.md")


def _draft_concurrently(todo: list[Job], ctx: Context, jobs: int) -> int:
    """Several facts files at once, `jobs` at a time. On Ctrl-C the running jobs are told to stop
    (each keeps its partial draft at its next streamed piece); a job still waiting on the endpoint
    after a few seconds is left behind (daemon threads: the exit does not wait for it)."""
    from assistant.errors import Interrupted

    results: list[int | BaseException | None] = [None] * len(todo)
    finished = [threading.Event() for _job in todo]
    slots = threading.Semaphore(jobs)

    def work(i: int, job: Job) -> None:
        try:
            with slots:
                if not ctx.stop.is_set():
                    results[i] = _one(job, ctx)
        except BaseException as exc:  # handed to the main thread
            results[i] = exc
        finally:
            finished[i].set()

    for i, job in enumerate(todo):
        threading.Thread(target=work, args=(i, job), daemon=True).start()
    # Waiting by sleeping, not Thread.join: a join interrupted by Ctrl-C can report a running
    # thread as finished.
    try:
        while not all(e.is_set() for e in finished):
            time.sleep(0.1)
    except KeyboardInterrupt:
        ctx.stop.set()
        deadline = time.monotonic() + STOP_GRACE
        while not all(e.is_set() for e in finished) and time.monotonic() < deadline:
            time.sleep(0.1)
        raise Interrupted(ctx.kept.message()) from None
    for r in results:
        if isinstance(r, BaseException):
            raise r
    return sum(r for r in results if isinstance(r, int))


def _one(job: Job, ctx: Context) -> int:
    """Draft one facts file: run, write, report, export. 1 when the check still finds problems."""
    done = _run(job, ctx)
    result = done.result
    text = result.markdown + (result.sources_appendix() if ctx.sources else "")
    _write_draft(job, text, ctx)
    _report(job, done, ctx)
    if job.docx is not None:
        _export_docx(job, result.markdown, ctx)
    return 0 if result.check.ok else 1


def _run(job: Job, ctx: Context) -> JobResult:
    from assistant.draft.pipeline import DraftInterrupted
    from assistant.draft.service import DraftService

    service = DraftService(
        ctx.backend,
        ctx.retriever,
        repair_rounds=ctx.opts.repair_rounds,
        on_event=_event_printer(ctx),
        log=ctx.opts.log,
    )
    try:
        return service.run(job.sheet, job.inp.source, ctx.opts.outline_file)
    except DraftInterrupted as exc:
        raise _keep_partial(job, exc, ctx) from None


def _keep_partial(job: Job, exc: DraftInterrupted, ctx: Context) -> AssistantError:
    """Save what was drafted (when anything was) and say where, in the error to raise."""
    from assistant.atomic import write_atomic
    from assistant.errors import AssistantError, Interrupted

    if not exc.drafted:  # nothing drafted yet: nothing to keep
        if exc.by_user:
            return Interrupted(_("{reason}，未写入任何文件。", reason=exc))
        return AssistantError(str(exc), exit_code=exc.exit_code)
    saved = _partial_path(job, ctx.force)
    write_atomic(saved, exc.partial_markdown)
    ctx.kept.add_partial(saved)
    message = _("{reason}；已起草的部分保存在 {path}", reason=exc, path=saved)
    return Interrupted(message) if exc.by_user else AssistantError(message, exit_code=exc.exit_code)


def _partial_path(job: Job, force: bool) -> Path:
    if job.target is not None:
        return job.target
    base = job.inp.path or Path.cwd() / "draft"
    saved = base.with_name(base.stem + ".partial.md")
    if saved.exists() and not force:
        saved = base.with_name(f"{base.stem}.partial-{int(time.time())}.md")
    return saved


def _event_printer(ctx: Context) -> OnEvent:
    """Progress on stderr; a streamed section shows as it arrives when stderr is a terminal."""
    from assistant.draft.events import Delta, DraftEvent, DraftWarning, Repairing, SectionDone, SectionStarted

    live = sys.stderr.isatty() and ctx.backend is not None and not ctx.quiet

    def on_event(event: DraftEvent) -> None:
        if ctx.stop.is_set():  # another job was interrupted: stop here too
            raise KeyboardInterrupt
        if isinstance(event, SectionStarted) and ctx.backend is not None:
            say(f"— {event.key}")
        elif isinstance(event, Delta) and live:
            sys.stderr.write(event.text)
            sys.stderr.flush()
        elif isinstance(event, SectionDone) and live:
            sys.stderr.write("\n")
        elif isinstance(event, Repairing):
            problems = "；".join(event.problems)[:200]
            say(_("  修正“{key}”：{problems}", key=event.key, problems=problems))
        elif isinstance(event, DraftWarning):
            say(_("提示：{message}", message=event.message))

    return on_event


def _write_draft(job: Job, text: str, ctx: Context) -> None:
    from assistant.atomic import write_atomic

    if job.target is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    write_atomic(job.target, text)
    ctx.kept.add(job.target)
    say(_("已写入 {path}", path=job.target))


def _report(job: Job, done: JobResult, ctx: Context) -> None:
    """Notes on the outline, where plain facts went, and the check's verdict."""
    from assistant.draft.outline import placement_lines

    for note in done.outline.notes:
        say(_("说明：{note}", note=note))
    placed = placement_lines(done.outline)
    if placed and not ctx.quiet:
        for line in placed:
            say(line)
        say(_placement_hint(job.inp.source))
    run = _("（运行记录 {id}）", id=done.run_id) if done.run_id else ""
    name = job.inp.path.name if job.inp.path is not None else _("标准输入")
    say(_("{name}：{check}", name=name, check=done.result.check.render()) + run)


def _export_docx(job: Job, markdown: str, ctx: Context) -> None:
    from assistant.check.fidelity import has_open_findings
    from assistant.document import parse_draft
    from assistant.export.docx_writer import export_docx

    assert job.docx is not None
    if has_open_findings(markdown) and not ctx.force:
        say(
            _(
                "草稿的核对尚未通过，未导出 {path}；处理后用 assistant export 导出，或加 --force",
                path=job.docx,
            )
        )
        return
    export_docx(parse_draft(markdown), job.docx, force=ctx.force, source=job.inp.source)
    ctx.kept.add(job.docx)
    say(_("已写入 {path}", path=job.docx))


# --- assistant outline -------------------------------------------------------------------------


def outline_cmd(
    facts: Annotated[
        Path,
        typer.Argument(metavar="FACTS", help=_("事实文件（.md、.txt 或 .docx）；“-”表示从标准输入读取。")),
    ],
    outline: OutlineOpt = None,
    with_facts: Annotated[bool, typer.Option("--facts", help=_("列出每个标题下的事实。"))] = False,
    as_json: Annotated[bool, typer.Option("--json", help=_("以 JSON 输出提纲。"))] = False,
    write_facts: Annotated[
        Path | None,
        typer.Option(
            "--write-facts",
            metavar="PATH",
            help=_(
                "把事实按提纲分部分写成事实 .md 文件（“-”为标准输出），可在其中移动各行调整归属，再用它起草。"
            ),
        ),
    ] = None,
    force: ForceOpt = False,
    unit: UnitOpt = None,
    period: PeriodOpt = None,
    topic: TopicOpt = None,
) -> None:
    from assistant.draft.outline import build_outline, facts_markdown, placement_lines

    inp = read_input(facts)
    _check_outputs([write_facts], force)
    _check_outline_file(outline)
    sheet = load_sheet(inp, _meta(unit, period, topic), interactive([inp]))
    o = build_outline(sheet, outline)
    if write_facts is not None and str(write_facts) == STDIN:
        sys.stdout.write(facts_markdown(o, sheet))
        return
    if as_json:
        print(json.dumps(o.to_dict(), ensure_ascii=False, indent=1))
    else:
        sys.stdout.write(o.render_with_facts() if with_facts else o.render())
    for note in o.notes:
        say(_("说明：{note}", note=note))
    if write_facts is not None:
        _write_private(write_facts, facts_markdown(o, sheet))
        say(
            _(
                "已写入 {path}（移动各行可调整事实所属的部分，改好后：assistant draft {path}）",
                path=write_facts,
            )
        )
    elif not (with_facts or as_json):
        placed = placement_lines(o)
        for line in placed:
            say(line)
        if placed:
            say(_placement_hint(inp.source))


def _write_private(path: Path, text: str) -> None:
    """A facts file is private: mode 600."""
    from assistant.atomic import write_atomic

    write_atomic(path, text, mode=0o600)
