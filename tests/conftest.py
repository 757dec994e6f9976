"""Shared fixtures: every test runs with a throwaway ASSISTANT_HOME and no LLM settings from the
environment, and `fake_llm` gives a real local Chat Completions server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

try:
    from fake_chat_server import FakeChatServer
except ImportError:  # tests/ imported as a package
    from tests.fake_chat_server import FakeChatServer  # type: ignore[no-redef]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that need the e5 corpus index (a ~35 s build), LibreOffice renders or torch belong to the
    slow loop."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "corpus_index" in names or "rendered" in names or item.get_closest_marker("heavy"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never read or write the user's real config, keys or logs."""
    home = tmp_path_factory.mktemp("assistant-home")
    for name in list(os.environ):
        if name.startswith(("OPENAI_", "ASSISTANT_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("ASSISTANT_HOME", str(home))
    # The default language (Chinese), whatever this machine's locale says; tests of English set it.
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    # A corporate proxy must not swallow requests to the loopback fake server.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    return home


@pytest.fixture
def fake_llm() -> Iterator[FakeChatServer]:
    server = FakeChatServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def lexical_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A lexical-only index of the bundled examples (fast: no embedding), shared by drafting tests."""
    from assistant.index.store import IndexStore

    root = tmp_path_factory.mktemp("lexidx") / "index"
    IndexStore(root).build([Path(__file__).resolve().parents[1] / "examples" / "reports"], embedder="none")
    return root


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The example corpus indexed once per session with the bundled e5 embedder (~35 s), shared by
    the index tests and the retrieval eval."""
    from assistant.index.store import IndexStore

    corpus = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
    if not corpus.exists():
        pytest.skip("../shared/corpus is not beside the checkout")
    store = IndexStore(tmp_path_factory.mktemp("idx") / "index")
    store.build([corpus])
    return store
