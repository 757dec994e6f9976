"""`assistant log …`: what earlier runs sent and received.

`log list` is one line a run, sized to the terminal (80 columns must read well): a short local
time, the facts file's name, the model (or 离线), a status word and the check in a few words."""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
from datetime import datetime
from pathlib import PurePath
from typing import Annotated, Any

import typer

from assistant.cli.common import App
from assistant.i18n import N_, _

app = App(help=_("查看起草运行的日志。"))

JsonOpt = Annotated[bool, typer.Option("--json", help=_("以 JSON 输出到标准输出（只输出 JSON）。"))]

STATUS_WORDS = {
    "ok": N_("完成"),
    "check_failed": N_("有问题"),
    "failed": N_("失败"),
    "interrupted": N_("中断"),
    "running": N_("进行中"),
}
GAP = "  "


@app.command("list", help=_("最近的运行：时间、事实文件、模型、状态和检查结果。"))
def list_runs(
    limit: Annotated[int, typer.Option("-n", "--limit", metavar="N", min=1, help=_("列出多少次运行。"))] = 20,
    as_json: JsonOpt = False,
) -> None:
    from assistant.log import RunLog

    log = RunLog()
    try:
        runs = log.runs(limit)
    finally:
        log.close()
    if as_json:
        print(json.dumps([run_summary(r) for r in runs], ensure_ascii=False, indent=1))
        return
    if not runs:
        print(_("日志里还没有运行记录（`assistant draft` 每次起草都会记一条）。"), file=sys.stderr)
        return
    for line in render_runs(runs, terminal_width()):
        print(line)


@app.command("show", help=_("一次运行的全部内容：草稿、检查结果，以及每次发给模型的提示和模型的回复。"))
def show(
    run_id: Annotated[int, typer.Argument(metavar="ID", help=_("运行编号（见 `assistant log list`）。"))],
    as_json: Annotated[bool, typer.Option("--json", help=_("全部内容以 JSON 输出。"))] = False,
) -> None:
    from assistant.errors import UsageError
    from assistant.log import RunLog

    log = RunLog()
    try:
        run, calls = log.get(run_id)
    finally:
        log.close()
    if run is None:
        raise UsageError(_("日志里没有编号为 {id} 的运行（用 `assistant log list` 查看）", id=run_id))
    if as_json:
        print(json.dumps(run_details(run, calls), ensure_ascii=False, indent=1))
        return
    for line in render_run(run, calls):
        print(line)


# -- log list ---------------------------------------------------------------------------------------


def terminal_width() -> int:
    # COLUMNS wins (as for every CLI); piped output falls back to 80.
    return max(40, shutil.get_terminal_size((80, 24)).columns)


def short_time(stamp: str | None, now: datetime | None = None) -> str:
    """`12-01 09:30` in local time this year, `2025-12-01` for an older year."""
    if not stamp:
        return ""
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp[:16]
    if when.tzinfo is not None:  # stored with its offset: show it in this machine's time
        when = when.astimezone().replace(tzinfo=None)
    now = now or datetime.now()
    return when.strftime("%m-%d %H:%M") if when.year == now.year else when.strftime("%Y-%m-%d")


def model_label(backend: str | None, model: str | None) -> str:
    """Backend and model in one word: 离线 for the offline drafter, else the model's name."""
    if not backend or backend == "offline":
        return _("离线")
    return model or backend


def status_word(status: str) -> str:
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else status


def check_summary(check_json: str | None) -> str:
    check = _load(check_json)
    if not check:
        return ""
    return _(
        "{covered}/{total} 事实，{problems} 个问题",
        covered=check.get("facts_covered", 0),
        total=check.get("facts_total", 0),
        problems=len(check.get("findings") or []),
    )


def run_outcome(run: sqlite3.Row) -> str:
    """The check in a few words, or for a run that ended without one, why."""
    summary = check_summary(run["check_json"])
    if summary:
        return summary
    return " ".join(str(run["error"] or "").split())


def render_runs(runs: list[sqlite3.Row], width: int) -> list[str]:
    """The runs as aligned lines no wider than `width` terminal cells (CJK counts two)."""
    header = [_("编号"), _("时间"), _("事实文件"), _("模型"), _("状态"), _("结果")]
    rows = [
        [
            str(r["id"]),
            short_time(r["started_at"]),
            PurePath(r["facts_source"] or "").name,
            model_label(r["backend"], r["model"]),
            status_word(r["status"]),
            run_outcome(r),
        ]
        for r in runs
    ]
    widths = _fit([header, *rows], width, _floors(runs, rows))
    return [_line(cells, widths) for cells in [header, *rows]]


def _floors(runs: list[sqlite3.Row], rows: list[list[str]]) -> list[dict[int, int]]:
    """How far the facts, model and result columns may narrow: first to what keeps the usual names
    whole (the median's width) and every check summary whole (an error is cut: `log show` has it),
    then, if the terminal is narrower still, the names to a few characters, then the summaries."""
    from statistics import median

    from rich.cells import cell_len

    def usual(col: int, least: int) -> int:
        return max(least, min(20, int(median(cell_len(r[col]) for r in rows))))

    summary = max([12, *(cell_len(check_summary(r["check_json"])) for r in runs)])
    return [
        {2: usual(2, 12), 3: usual(3, 10), 5: summary},
        {2: 8, 3: 6, 5: summary},
        {2: 8, 3: 6, 5: 8},
    ]


def _fit(table: list[list[str]], width: int, stages: list[dict[int, int]]) -> list[int]:
    """Column widths: the content's, then the widest of the columns that give way narrowed a cell
    at a time, down to each stage's floors in turn, until the lines fit in `width`."""
    from rich.cells import cell_len

    widths = [max(cell_len(row[i]) for row in table) for i in range(len(table[0]))]
    excess = sum(widths) + len(GAP) * (len(widths) - 1) - width
    for floors in stages:
        while excess > 0:
            shrinkable = [i for i, least in floors.items() if widths[i] > least]
            if not shrinkable:
                break
            widest = max(shrinkable, key=lambda i: widths[i])
            widths[widest] -= 1
            excess -= 1
    return widths


def _line(cells: list[str], widths: list[int]) -> str:
    from rich.cells import cell_len

    out = []
    for i, (text, w) in enumerate(zip(cells, widths, strict=True)):
        text = _ellipsize(text, w, keep_end=i in (2, 3))
        pad = " " * (w - cell_len(text))
        out.append(pad + text if i == 0 else text + pad)
    return GAP.join(out).rstrip()


def _ellipsize(text: str, width: int, *, keep_end: bool) -> str:
    """`text` cut to `width` cells with one …; a file name keeps its end (the extension, the date)."""
    from rich.cells import cell_len

    if cell_len(text) <= width:
        return text
    if not keep_end:
        return _take(text, width - 1).rstrip() + "…"
    tail_cells = (width - 1) // 2
    tail = _take(text[::-1], tail_cells)[::-1]
    return _take(text, width - 1 - cell_len(tail)).rstrip() + "…" + tail


def _take(text: str, cells: int) -> str:
    """The longest start of `text` that fits in `cells` (a wide character is never split)."""
    from rich.cells import cell_len

    out = ""
    for ch in text:
        if cell_len(out + ch) > cells:
            break
        out += ch
    return out


def run_summary(r: sqlite3.Row) -> dict[str, Any]:
    """One run for `log list --json`: what the listing shows, unabridged (no prompts or draft)."""
    from assistant.log import redact_url

    check = _load(r["check_json"])
    return {
        "id": r["id"],
        "started_at": r["started_at"],
        "finished_at": r["finished_at"],
        "command": r["command"],
        "facts_source": r["facts_source"],
        "backend": r["backend"],
        "model": r["model"],
        "endpoint": redact_url(r["endpoint"]),
        "status": r["status"],
        "error": r["error"],
        "check": None
        if not check
        else {
            "ok": check.get("ok"),
            "facts_covered": check.get("facts_covered"),
            "facts_total": check.get("facts_total"),
            "problems": len(check.get("findings") or []),
        },
    }


# -- log show ---------------------------------------------------------------------------------------


def run_details(run: sqlite3.Row, calls: list[sqlite3.Row]) -> dict[str, Any]:
    from assistant.log import redact_url

    data = dict(run)
    data["endpoint"] = redact_url(data["endpoint"])
    for k in ("facts_json", "check_json", "timings_json"):
        data[k] = _load(data[k])
    data["calls"] = [dict(c) for c in calls]
    for c in data["calls"]:
        for k in ("messages_json", "usage_json", "references_json"):
            c[k] = _load(c[k])
    return data


ROLE_WORDS = {"system": N_("系统提示"), "user": N_("用户消息"), "assistant": N_("模型回复")}
KIND_WORDS = {"section": N_("逐节起草"), "repair": N_("按检查修改"), "offline": N_("离线起草")}


def kind_word(kind: str | None) -> str:
    return _(KIND_WORDS[kind]) if kind in KIND_WORDS else str(kind or "")


def render_run(run: sqlite3.Row, calls: list[sqlite3.Row]) -> list[str]:
    from assistant.log import redact_url

    head = " · ".join(
        part
        for part in (
            _("运行 {id}", id=run["id"]),
            short_time(run["started_at"]),
            run["facts_source"] or "",
            model_label(run["backend"], run["model"]),
            status_word(run["status"]),
        )
        if part
    )
    lines = [head]
    if run["endpoint"]:
        lines.append(_("接口：{endpoint}", endpoint=redact_url(run["endpoint"])))
    if summary := check_summary(run["check_json"]):
        lines.append(_("检查：{summary}", summary=summary))
    if run["error"]:
        lines.append(_("出错：{error}", error=" ".join(str(run["error"]).split())))
    for c in calls:
        refs = _load(c["references_json"]) or []
        lines.append("")
        lines.append(
            _(
                "--- {section}（{kind}，{seconds} 秒）参考段落：{refs}",
                section=c["section"],
                kind=kind_word(c["kind"]),
                seconds=f"{c['elapsed'] or 0:.1f}",
                refs="、".join(map(str, refs)) if refs else _("无"),
            )
        )
        for m in _load(c["messages_json"]) or []:
            role = m.get("role", "")
            lines.append(f"[{_(ROLE_WORDS[role]) if role in ROLE_WORDS else role}]")
            lines.append(str(m.get("content", "")))
        lines.append(f"[{_('离线起草的文字') if c['kind'] == 'offline' else _('模型回复')}]")
        lines.append(c["response"] or "")
    lines.append("")
    lines.append(_("--- 草稿"))
    lines.append(run["draft"] or "")
    return lines


def _load(raw: str | None) -> Any:
    return json.loads(raw) if raw else None
