"""A chat session: the working document (state.py), its versions and turns in the store, the backend
and the searcher. Every change becomes a new version before it is shown; /undo moves back one."""

from __future__ import annotations

import difflib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.chat.context import DEFAULT_BUDGET
from assistant.chat.files import same_file
from assistant.chat.output import Output
from assistant.chat.state import DocState
from assistant.chat.store import SessionRow, Store
from assistant.errors import AssistantError, UsageError
from assistant.i18n import _

if TYPE_CHECKING:
    from assistant.draft.retriever import Retriever
    from assistant.index.search import Hit
    from assistant.llm.base import ChatBackend

# Seconds between writes of a streaming answer. 0: every piece is stored before it is shown, so a
# killed terminal loses nothing it displayed (cheap: the store commits without fsync, see store.py).
CHECKPOINT_EVERY = 0.0


@dataclass
class FactsChange:
    """The facts of the session against the last facts file written (/facts save) or read."""

    where: str  # that file
    added: list[str]
    removed: list[str]


@dataclass
class ChatOptions:
    facts: Path | None = None
    outline: Path | None = None
    session: str | None = None
    resume: bool = False  # --continue
    offline: bool = False
    index: Path | None = None
    embedder: str | None = None
    base_url: str | None = None
    api_key: str | None = None
    model: str | None = None
    timeout: float | None = None
    budget: int = DEFAULT_BUDGET
    meta: dict[str, str] = field(default_factory=dict)


class ChatSession:
    def __init__(
        self, store: Store, row: SessionRow, state: DocState, opts: ChatOptions, out: Output
    ) -> None:
        self.store, self.row, self.state, self.opts, self.out = store, row, state, opts, out
        self.head: int | None = row.head
        self.last_change: tuple[int | None, int | None] = (None, None)
        self.backend: ChatBackend | None = None
        self.backend_note = ""
        self.last_tokens = 0
        self.last_usage: dict[str, int] = {}
        self.last_target: list[str] = []  # section ids of the last revision, for "再压缩一点"
        self.references: dict[str, list[Hit]] = {}  # section id → example paragraphs
        self._searcher: Retriever | None = None
        self._searcher_opened = False

    # -- opening ------------------------------------------------------------------------------
    @classmethod
    def open(cls, opts: ChatOptions, out: Output, store: Store | None = None) -> tuple[ChatSession, str]:
        """The session asked for, created or resumed; also a line saying which."""
        from assistant.draft.facts import load_facts

        store = store or Store()
        if opts.session and opts.resume:
            raise UsageError(_("--session 名称 和 --continue 只能用一个，不能同时使用"))
        row = None
        if opts.session:
            row = store.session(opts.session)
        elif opts.resume:
            row = store.last_session()
            if row is None:
                raise UsageError(_("没有可以继续的对话会话；新建会话：assistant chat 事实文件"))
        if row is not None:
            head = store.version(row.head) if row.head else None
            if head is None:
                raise AssistantError(
                    _("会话 {name} 没有保存的文档（是否由更新版本的程序创建？）", name=row.name)
                )
            state = DocState.restore(head.facts_json, head.outline_text, head.sections)
            chat = cls(store, row, state, opts, out)
            chat.last_change = (head.parent, head.id)
            how = _(
                "已恢复会话 {name}（第{n}版，共 {total} 版）",
                name=row.name,
                n=store.version_number(row.id, head.id),
                total=store.version_count(row.id),
            )
            if opts.facts is not None and not same_file(opts.facts, Path(row.facts_source)):
                out.note(
                    _(
                        "提示：会话 {name} 使用自己保存的事实，没有读取 {path}（/facts add 可补充事实）",
                        name=row.name,
                        path=opts.facts,
                    )
                )
            chat._recover()
            if opts.outline is not None:
                chat._outline_from_file(opts.outline)
            return chat, how
        if opts.facts is None:
            raise UsageError(_("新会话需要事实文件：assistant chat 事实文件 [--session 名称]"))
        sheet = load_facts(opts.facts, overrides=opts.meta)
        state = DocState(sheet)
        name = opts.session or _auto_name(store, opts.facts)
        # The absolute path: the session may be resumed from another folder, and it is the file
        # /save and /facts save must never write over.
        row = store.create_session(name, str(opts.facts.absolute()))
        chat = cls(store, row, state, opts, out)
        chat.commit(state, f"载入事实 {opts.facts.name}")
        if opts.outline is not None:
            chat._outline_from_file(opts.outline)
        return chat, _("新会话 {name}", name=name)

    def _outline_from_file(self, path: Path) -> None:
        from assistant.corpus.loader import decode_bytes

        if not path.exists():
            raise UsageError(_("{path}：找不到提纲文件", path=path))
        text, _encoding = decode_bytes(path.read_bytes(), str(path))
        new = self.state.copy()
        new.set_outline(text)
        self.commit(new, f"提纲取自 {path.name}")

    def _recover(self) -> None:
        """Answers that were streaming when the process died become interrupted versions."""
        for turn in self.store.streaming_turns(self.row.id):
            pending = self._cleaned(json.loads(turn["pending_json"] or "{}"))
            version = None
            if pending:
                version = self.commit(
                    self.state.with_sections(pending),
                    f"中断的回答（{turn['section'] or ''}）",
                    interrupted=True,
                )
                n = self.store.version_number(self.row.id, version)
                self.out.note(
                    _(
                        "上次的回答在生成中被中断：已收到的 {chars} 字保存为第{n}版（/diff 查看，/undo 回到中断前）",
                        chars=sum(len(t) for t in pending.values()),
                        n=n,
                    )
                )
            self.store.update_turn(turn["id"], status="interrupted", version=version)

    def _cleaned(self, pending: dict[str, str]) -> dict[str, str]:
        """Streamed text as the section body it would have become (no echoed heading, no Markdown)."""
        from assistant.chat.state import section_id
        from assistant.draft.pipeline import clean_section_text

        units = {section_id(u): u for u in self.state.units()}
        out = {}
        for sid, text in pending.items():
            unit = units.get(sid)
            text = clean_section_text(text, unit) if unit is not None else text.strip()
            if text:
                out[sid] = text
        return out

    # -- versions and turns -------------------------------------------------------------------
    def commit(self, state: DocState, label: str, interrupted: bool = False) -> int:
        vid = self.store.add_version(
            self.row.id,
            self.head,
            label,
            state.facts_json(),
            state.outline_text,
            state.sections,
            state.markdown(),
            interrupted,
        )
        self.last_change = (self.head, vid)
        self.head, self.state = vid, state
        return vid

    def version_label(self, vid: int | None = None) -> str:
        vid = vid or self.head
        return _("第{n}版", n=self.store.version_number(self.row.id, vid)) if vid else _("（无）")

    def record(self, role: str, kind: str, text: str, **kw: Any) -> int:
        return self.store.add_turn(self.row.id, role, kind, text, **kw)

    def history(self, before: int) -> list[tuple[str, str]]:
        """Earlier conversation for the model: the user's facts and instructions, the answers."""
        out: list[tuple[str, str]] = []
        for t in self.store.turns(self.row.id, limit=40):
            if t["id"] >= before:
                continue
            if t["role"] == "user" and t["kind"] in ("instruction", "facts"):
                out.append(("user", t["text"]))
            elif t["role"] == "assistant" and t["kind"] == "reply" and t["text"]:
                out.append(("assistant", t["text"]))
        return out

    def checkpoint(self, kind: str, section: str) -> Checkpoint:
        turn = self.record("assistant", kind, "", section=section, status="streaming", base_version=self.head)
        return Checkpoint(self.store, turn)

    def undo(self) -> str:
        if self.head is None:
            raise UsageError(_("没有可以撤销的改动"))
        current = self.store.version(self.head)
        if current is None or current.parent is None:
            raise UsageError(_("没有可以撤销的改动：这是第一版"))
        parent = self.store.version(current.parent)
        assert parent is not None
        self.store.set_head(self.row.id, parent.id)
        self.last_change = (current.id, parent.id)
        self.head = parent.id
        self.state = DocState.restore(parent.facts_json, parent.outline_text, parent.sections)
        return current.label

    def diff(self) -> str:
        before_id, after_id = self.last_change
        before = self.store.version(before_id) if before_id else None
        after = self.store.version(after_id) if after_id else None
        if after is None:
            return ""
        a_label = self.version_label(before_id) if before else _("（空）")
        b_label = self.version_label(after_id)
        chunks: list[str] = []
        for name, a, b in (
            (_("草稿"), before.markdown if before else "", after.markdown),
            (_("提纲"), _outline_view(before) if before else "", _outline_view(after)),
        ):
            if a != b:
                lines = difflib.unified_diff(
                    a.splitlines(keepends=True),
                    b.splitlines(keepends=True),
                    f"{name} {a_label}",
                    f"{name} {b_label}",
                )
                chunks.append("".join(lines))
        return "".join(chunks)

    # -- backend and searcher -----------------------------------------------------------------
    def connect_backend(self, model: str | None = None) -> None:
        from assistant.llm import make_backend

        self.backend = make_backend(
            offline=self.opts.offline,
            base_url=self.opts.base_url,
            api_key=self.opts.api_key,
            model=model or self.opts.model or self.row.model,
            timeout=self.opts.timeout,
        )
        if self.backend is None:
            self.backend_note = "--offline" if self.opts.offline else _("没有配置模型接口")

    @property
    def searcher(self) -> Retriever | None:
        if not self._searcher_opened:
            from assistant.draft.run import open_searcher

            self._searcher_opened = True
            self._searcher = open_searcher(self.opts.index, self.opts.embedder)
        return self._searcher

    def backend_line(self) -> str:
        if self.backend is None:
            return _("离线（{why}）：可用事实、提纲、离线起草、核对、范文、保存、导出", why=self.backend_note)
        endpoint = getattr(self.backend, "endpoint", "")
        from assistant.log import redact_url

        model = self.backend.model or _("（由接口决定模型）")
        return f"{self.backend.name} {model} @ {redact_url(endpoint)}"

    # -- the facts on disk --------------------------------------------------------------------
    def facts_path(self) -> Path | None:
        return Path(self.row.facts_source) if self.row.facts_source else None

    def facts_files(self) -> list[Path]:
        """Files no command may write: the session's facts file, and one given on the command line."""
        own = [p for p in (self.facts_path(), self.opts.facts) if p is not None]
        return own

    def unsaved_facts(self) -> FactsChange:
        from collections import Counter

        saved = self.store.last_turn(self.row.id, "facts_saved")
        base = self.store.version(saved["version"]) if saved and saved["version"] else None
        where = saved["section"] if base is not None and saved is not None else self.row.facts_source
        if base is None:
            base = self.store.first_version(self.row.id)
        before = Counter(f.text for f in _sheet(base.facts_json).facts()) if base else Counter()
        now = Counter(f.text for f in self.state.sheet.facts())
        return FactsChange(where, list((now - before).elements()), list((before - now).elements()))


class Checkpoint:
    """A streaming answer in the store: created before the request, its text written as it grows
    (at most every CHECKPOINT_EVERY seconds), finished when the answer is complete."""

    def __init__(self, store: Store, turn: int) -> None:
        self.store, self.turn = store, turn
        self._last = 0.0
        self.finished = False

    def __enter__(self) -> Checkpoint:
        return self

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        # An answer that ended in an unexpected error must not look like one cut off by a crash
        # (those are recovered as versions on the next start); its text stays in the turn.
        if not self.finished:
            self.store.update_turn(self.turn, status="error")

    def progress(self, pending: dict[str, str], force: bool = False) -> None:
        now = time.monotonic()
        if CHECKPOINT_EVERY and not force and now - self._last < CHECKPOINT_EVERY:
            return
        self._last = now
        self.store.update_turn(
            self.turn,
            pending_json=json.dumps(pending, ensure_ascii=False),
            text="\n\n".join(pending.values()),
        )

    def finish(
        self, status: str, text: str, version: int | None, usage: dict[str, int] | None = None
    ) -> None:
        self.finished = True
        self.store.update_turn(
            self.turn,
            status=status,
            text=text,
            version=version,
            pending_json=None,
            usage_json=json.dumps(usage or {}),
        )


def _sheet(facts_json: str) -> Any:
    from assistant.chat.state import sheet_from_dict

    return sheet_from_dict(json.loads(facts_json))


def _outline_view(version: Any) -> str:
    state = DocState.restore(version.facts_json, version.outline_text, version.sections)
    return state.outline().render_with_facts()


def _auto_name(store: Store, facts: Path) -> str:
    base = f"{facts.stem}-{time.strftime('%Y%m%d-%H%M%S')}"
    name, n = base, 1
    while store.session(name) is not None:
        n += 1
        name = f"{base}-{n}"
    return name
