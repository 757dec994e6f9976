"""Drafting through the real `openai` client against a real local Chat Completions server:
what is sent, and what the user gets on each failure."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from assistant.draft.facts import load_facts
from assistant.draft.outline import build_outline
from assistant.draft.pipeline import Drafter, DraftInterrupted, units_of
from assistant.index.search import Searcher
from assistant.index.store import IndexStore
from assistant.llm.openai_backend import OpenAIBackend
from assistant.llm.settings import LLMSettings
from tests.helpers import EXAMPLES, REPO

FACTS = EXAMPLES / "facts" / "park-2024q3.md"
KEY = "sk-test-SECRET123"
# The first section, written from its three facts: a reply that needs no repair.
FIRST = (
    "扎实推进相关工作。一是党工委会议专题研究意识形态工作2次。二是7月与园区73家企业党组织签订意识形态工作责任书。"
    "三是9月对企业宣传栏、电子屏开展专项检查，整改问题15个。"
)


def section_facts(body: dict[str, Any]) -> list[str]:
    prompt = body["messages"][-1]["content"]
    block = (
        prompt.split("【本节可用的事实】", 1)[1].split("【", 1)[0] if "【本节可用的事实】" in prompt else ""
    )
    return re.findall(r"^- (.+)$", block, re.M)


def honest(body: dict[str, Any]) -> str:
    """A model that writes the section from its facts only."""
    facts = section_facts(body)
    return "扎实推进相关工作。" + "".join(f"{'一二三四五六七八'[i]}是{f}。" for i, f in enumerate(facts))


def backend(server: Any, **kw: Any) -> OpenAIBackend:
    settings = LLMSettings(
        base_url=server.base_url,
        api_key=KEY,
        model="fake-model",
        timeout=kw.pop("timeout", 5.0),
        max_retries=kw.pop("max_retries", 1),
    )
    return OpenAIBackend(settings, backoff_base=0.01, **kw)


def test_each_section_request_carries_facts_references_outline_and_rules(
    fake_llm: Any, lexical_index: Path
) -> None:
    fake_llm.responder = honest
    sheet = load_facts(FACTS)
    outline = build_outline(sheet)
    result = Drafter(backend(fake_llm), Searcher(IndexStore(lexical_index).load())).draft(sheet, outline)
    units = units_of(outline)
    reqs = fake_llm.chat_requests
    assert len(reqs) == len(units)  # no repair needed
    for unit, req in zip(units, reqs, strict=True):
        body = req.body
        assert body["model"] == "fake-model" and body["stream"] is True
        system, user = body["messages"][0]["content"], body["messages"][1]["content"]
        assert "只使用用户提供的事实" in system and "参考范文只用来学习文风" in system
        for fact in unit.facts:
            assert f"- {fact.text}" in user  # facts verbatim
        assert outline.render().strip().split("\n")[0] in user and "【全文提纲】" in user
        assert f"【本节】{unit.key}" in user
        assert "〔范文1｜" in user and "严禁写入" in user  # references, delimited and fenced off
        ref = [h for r in result.units if r.unit.key == unit.key for h in r.references]
        assert ref and ref[0].text[:30] in user
        assert req.headers["authorization"] == f"Bearer {KEY}"
    assert result.check.ok, result.check.render()
    assert result.backend == "openai" and result.model == "fake-model"


def test_an_invented_figure_is_repaired_before_the_user_sees_it(fake_llm: Any) -> None:
    calls = {"n": 0}

    def responder(body: dict[str, Any]) -> str:
        calls["n"] += 1
        prompt = body["messages"][-1]["content"]
        if "检查发现了问题" in prompt:
            return (
                "一是"
                + "。二是".join(re.findall(r"^- (.+)$", prompt.split("【本节可用的事实】")[1], re.M))
                + "。"
            )
        text = honest(body)
        return text + ("另外开展警示教育99场。" if "（一）" in prompt.split("【本节】")[1][:6] else "")

    fake_llm.responder = responder
    sheet = load_facts(FACTS)
    result = Drafter(backend(fake_llm), None).draft(sheet, build_outline(sheet))
    repair = [r for r in fake_llm.chat_requests if "检查发现了问题" in r.body["messages"][-1]["content"]]
    assert len(repair) == 1 and "99场" in repair[0].body["messages"][-1]["content"]
    assert "99场" not in result.markdown and result.check.ok
    assert [u.repairs for u in result.units][0] == 1


def test_stream_cut_midway_keeps_the_partial_draft(fake_llm: Any) -> None:
    fake_llm.responder = honest
    fake_llm.queue(reply=FIRST)
    fake_llm.queue(reply="一是中心组学习3次，主题为党的二十届三中全会精神。二是举办", cut_after=4)
    sheet = load_facts(FACTS)
    with pytest.raises(DraftInterrupted) as info:
        Drafter(backend(fake_llm), None).draft(sheet, build_outline(sheet))
    partial = info.value.partial_markdown
    assert "党工委会议专题研究意识形态工作2次" in partial  # the finished section
    assert "### （二）理论学习" in partial and "生成中断" in partial
    assert "（二）理论学习" in str(info.value)


def run_cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        capture_output=True,
        text=True,
        env=full,
        cwd=cwd,
        timeout=120,
    )


def cli_env(server: Any, lexical_index: Path) -> dict[str, str]:
    return {
        "OPENAI_BASE_URL": server.base_url,
        "OPENAI_API_KEY": KEY,
        "ASSISTANT_MODEL": "fake-model",
        "ASSISTANT_INDEX": str(lexical_index),
        "ASSISTANT_MAX_RETRIES": "1",
    }


def test_cli_401_gives_one_clear_line_without_the_key(
    fake_llm: Any, lexical_index: Path, tmp_path: Path
) -> None:
    for _ in range(3):
        fake_llm.queue(status=401)
    res = run_cli(["draft", str(FACTS)], cli_env(fake_llm, lexical_index), tmp_path)
    assert res.returncode == 5
    assert "Traceback" not in res.stderr and KEY not in res.stderr + res.stdout
    assert "接口拒绝了 API 密钥（HTTP 401" in res.stderr
    assert res.stderr.strip().splitlines()[-1].startswith("错误：")
    assert "保存在" not in res.stderr  # nothing was drafted, so nothing is saved
    assert not list(FACTS.parent.glob("*.partial*"))


@pytest.mark.slow  # an end-to-end run of the CLI (> 1.4 s)
def test_cli_server_errors_save_the_partial_draft(fake_llm: Any, lexical_index: Path, tmp_path: Path) -> None:
    fake_llm.responder = honest
    fake_llm.queue(reply=FIRST)
    for _ in range(4):
        fake_llm.queue(status=500)
    out = tmp_path / "draft.md"
    res = run_cli(["draft", str(FACTS), "-o", str(out)], cli_env(fake_llm, lexical_index), tmp_path)
    assert res.returncode == 5, res.stderr
    assert f"已起草的部分保存在 {out}" in res.stderr
    assert "党工委会议专题研究意识形态工作2次" in out.read_text("utf-8")
    assert "Traceback" not in res.stderr


@pytest.mark.slow  # waits out a Retry-After
def test_cli_429_with_retry_after_is_honoured(fake_llm: Any, lexical_index: Path, tmp_path: Path) -> None:
    fake_llm.responder = honest
    fake_llm.queue(status=429, retry_after=1)
    import time

    t = time.perf_counter()
    res = run_cli(
        ["draft", str(FACTS), "-o", str(tmp_path / "d.md")], cli_env(fake_llm, lexical_index), tmp_path
    )
    assert res.returncode == 0, res.stderr
    assert time.perf_counter() - t >= 1.0
    assert "未发现问题" in res.stderr


@pytest.mark.slow  # an end-to-end run of the CLI (> 1.4 s)
def test_the_key_never_reaches_the_log_or_outputs(
    fake_llm: Any, lexical_index: Path, tmp_path: Path, isolated_env: Path
) -> None:
    fake_llm.responder = honest
    out = tmp_path / "d.md"
    res = run_cli(
        ["draft", str(FACTS), "-o", str(out), "--sources"],
        {**cli_env(fake_llm, lexical_index), "ASSISTANT_HOME": str(isolated_env)},
        tmp_path,
    )
    assert res.returncode == 0, res.stderr
    db = isolated_env / "log.sqlite3"
    rows = sqlite3.connect(db).execute("SELECT count(*) FROM calls").fetchone()[0]
    assert rows == 5  # one call per section, no repair needed
    blob = b"".join(p.read_bytes() for p in isolated_env.rglob("*") if p.is_file())
    assert KEY.encode() not in blob and b"SECRET123" not in blob
    assert KEY not in out.read_text("utf-8") + res.stderr + res.stdout
    assert "参考来源" in out.read_text("utf-8")
    show = run_cli(["log", "show", "1", "--json"], {"ASSISTANT_HOME": str(isolated_env)}, tmp_path)
    assert show.returncode == 0 and "fake-model" in show.stdout and KEY not in show.stdout


def test_repo_prompts_are_the_ones_used() -> None:
    from assistant.paths import prompts_dir

    assert prompts_dir() == REPO / "prompts" or (prompts_dir() / "section.md").exists()


def test_model_proposed_subsections_are_validated(fake_llm: Any) -> None:
    from assistant.draft.facts import load_facts as lf
    from assistant.draft.outline_llm import refine_with_model

    school = EXAMPLES / "facts" / "school-2024h1.txt"
    good = '{"groups": [{"heading": "压实工作责任", "facts": ["F1", "F2"]}, {"heading": "丰富教育形式", "facts": ["F3", "F4", "F5"]}]}'
    fake_llm.queue(reply=good)
    o = refine_with_model(build_outline(lf(school)), backend(fake_llm))
    assert [c.title for c in o.parts[0].children] == ["压实工作责任", "丰富教育形式"]
    assert (
        "压实工作责任" in fake_llm.chat_requests[0].body["messages"][-1]["content"]
        or "F1 " in fake_llm.chat_requests[0].body["messages"][-1]["content"]
    )
    for bad in (
        '{"groups": [{"heading": "开展活动12次", "facts": ["F1","F2","F3","F4","F5"]}, {"heading": "其他", "facts": []}]}',
        '{"groups": [{"heading": "甲", "facts": ["F1"]}, {"heading": "乙", "facts": ["F2"]}]}',
        "不是JSON",
    ):
        fake_llm.queue(reply=bad)
        before = build_outline(lf(school))
        after = refine_with_model(build_outline(lf(school)), backend(fake_llm))
        assert after.render() == before.render() and "不可用" in after.notes[-1]


@pytest.mark.slow  # runs every repair round
def test_a_model_that_keeps_copying_an_example_is_reported_not_hidden(
    fake_llm: Any, lexical_index: Path, tmp_path: Path
) -> None:
    """The references sent as style examples come from other units. A model that pastes one in,
    and keeps doing so through the repair rounds, must leave a failing check, never a clean one."""

    def copier(body: dict[str, Any]) -> str:
        prompt = body["messages"][-1]["content"]
        if "〔范文1｜" in prompt:
            ref = (
                prompt.split("〔范文1｜", 1)[1].split("〕", 1)[1].split("〔范文2", 1)[0].split("【要求】")[0]
            )
            return honest(body) + ref.strip()
        if "检查发现了问题" in prompt:
            return prompt.split("【草稿】", 1)[1].split("【发现的问题】", 1)[0].strip()  # changes nothing
        return honest(body)

    fake_llm.responder = copier
    out = tmp_path / "d.md"
    res = run_cli(
        ["draft", str(FACTS), "-o", str(out), "--strict"], cli_env(fake_llm, lexical_index), tmp_path
    )
    assert res.returncode == 6, res.stderr
    assert "[照抄范文]" in res.stderr or "[无出处]" in res.stderr
    assert "——未发现问题" not in res.stderr
    repairs = [r for r in fake_llm.chat_requests if "检查发现了问题" in r.body["messages"][-1]["content"]]
    assert len(repairs) >= 2  # it tried, within the configured rounds, before reporting
    assert out.exists()  # the draft is kept for the user to fix, with the findings beside it
