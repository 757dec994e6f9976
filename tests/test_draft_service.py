"""One drafting service: `assistant draft` and `assistant eval run` send the model the same requests
for the same facts (the outline request, then each section with its references); the typed events
say what was repaired, and the text a repair saved is the one reported.

Driven for real: the CLI in a subprocess, the real `openai` client, the local fake server."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from assistant.draft.events import Delta, DraftEvent, Repaired, Repairing, SectionDone, SectionStarted
from assistant.draft.facts import load_facts
from assistant.draft.service import DraftService
from assistant.index.search import Searcher
from assistant.index.store import IndexStore
from tests.helpers import REPO
from tests.test_draft_online import FACTS, backend, honest

CASE = "03-school-2024q2-ideology-plain"  # facts.txt: a proposed outline, five work-done facts
META = ["--unit", "县第三中学党支部", "--period", "2024年第二季度", "--topic", "意识形态工作"]
OUTLINE_MARK = "拟定小标题"  # only prompts/outline.md has it
HEADINGS = ("加强理论学习教育", "严格阵地建设管理")


def outline_or_section(body: dict[str, Any]) -> str:
    """Groups the work-done facts in two when asked for subsections; otherwise writes the section
    from its facts."""
    prompt = str(body["messages"][-1]["content"])
    if OUTLINE_MARK not in prompt:
        return honest(body)
    ids = re.findall(r"^(F\d+) ", prompt, re.M)
    half = len(ids) // 2
    groups = [
        {"heading": HEADINGS[0], "facts": ids[:half]},
        {"heading": HEADINGS[1], "facts": ids[half:]},
    ]
    return json.dumps({"groups": groups}, ensure_ascii=False)


def env_for(server: Any, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ASSISTANT_"))}
    env.update(
        OPENAI_BASE_URL=server.base_url,
        ASSISTANT_MODEL="fake-model",
        OPENAI_API_KEY="sk-test",
        ASSISTANT_HOME=str(home),
    )
    return env


def sent(server: Any) -> list[list[str]]:
    """Every chat request's messages, in order, as their texts."""
    return [[str(m["content"]) for m in r.messages] for r in server.chat_requests]


def test_eval_run_drafts_through_the_same_service_as_assistant_draft(
    fake_llm: Any, tmp_path: Path, lexical_index: Path
) -> None:
    fake_llm.responder = outline_or_section
    cases = tmp_path / "cases"
    shutil.copytree(REPO / "eval" / "cases" / CASE, cases / CASE)
    shutil.copy(REPO / "eval" / "cases" / "README.md", cases / "README.md")  # the case's unit/period/topic
    env = env_for(fake_llm, tmp_path)
    facts = cases / CASE / "facts.txt"
    out = tmp_path / "draft.md"
    drafted = subprocess.run(
        [sys.executable, "-m", "assistant", "draft", str(facts), *META, "--index", str(lexical_index), "-o", str(out)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert drafted.returncode in (0, 1), drafted.stderr  # 1 would only mean open findings
    by_draft = sent(fake_llm)
    fake_llm.requests.clear()
    evaluated = subprocess.run(
        [sys.executable, "-m", "assistant", "eval", "run", str(cases), "--backend", "openai",
         "--index", str(lexical_index), "--json"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert evaluated.returncode == 0, evaluated.stderr
    by_eval = sent(fake_llm)
    # The model was asked for subsections first, and its headings are the ones drafted.
    assert OUTLINE_MARK in by_eval[0][-1] and all(OUTLINE_MARK not in m[-1] for m in by_eval[1:])
    assert all(
        f"【本节】（{n}）{h}" in "".join(m[-1] for m in by_eval)
        for n, h in zip("一二", HEADINGS, strict=True)
    )
    assert any("〔范文1｜" in m[-1] for m in by_eval)  # the retriever was used for references
    assert HEADINGS[0] in out.read_text("utf-8")
    assert by_eval == by_draft


def test_a_repaired_section_is_reported_with_the_text_that_is_saved(
    fake_llm: Any, lexical_index: Path
) -> None:
    """The first section's answer invents a figure; the repair removes it. The events say so in order,
    and Repaired carries the text that ends up in the draft."""
    invented = "另外开展谈心谈话36次。"
    answers: list[str] = []

    def model(body: dict[str, Any]) -> str:
        prompt = str(body["messages"][-1]["content"])
        if "【发现的问题】" in prompt:  # the repair prompt: written again from the facts only
            text = honest(body)
        else:
            text = honest(body) + (invented if not answers else "")
        answers.append(text)
        return text

    fake_llm.responder = model
    events: list[DraftEvent] = []
    sheet = load_facts(FACTS)
    service = DraftService(
        backend(fake_llm), Searcher(IndexStore(lexical_index).load()), on_event=events.append, log=False
    )
    job = service.run(sheet, str(FACTS))
    first = job.result.units[0]
    assert first.repair is not None and first.repair.changed and invented not in first.text
    kinds = [type(e) for e in events if getattr(e, "key", "") == first.unit.key]
    assert kinds[0] is SectionStarted and Delta in kinds
    assert kinds.index(Repairing) < kinds.index(Repaired) < kinds.index(SectionDone) == len(kinds) - 1
    (repaired,) = [e for e in events if isinstance(e, Repaired)]
    assert invented in repaired.repair.before and repaired.repair.after == first.text
    assert first.text in job.result.markdown
    (done,) = [e for e in events if isinstance(e, SectionDone) and e.key == first.unit.key]
    assert done.text == first.text


def test_searcher_gives_the_part_headings_of_the_reports_asked_for(lexical_index: Path) -> None:
    searcher = Searcher(IndexStore(lexical_index).load())
    some = sorted({c.report_id for c in searcher.chunks})[:2]
    parts = searcher.part_headings(some)
    assert parts and {p.report_id for p in parts} == set(some)
    under = [c for c in searcher.chunks if c.report_id in some and c.heading_path]
    assert [(p.role, p.heading) for p in parts] == [(c.role, c.heading_path[0]) for c in under]
    assert searcher.part_headings([]) == []
