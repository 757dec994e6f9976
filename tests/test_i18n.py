"""The message catalog: every `_("…")` msgid in the code has its English, and the catalog keeps
no entry the code no longer uses. Chinese is the default; English on request."""

from __future__ import annotations

import ast
import re
import string

import pytest

from assistant.i18n import _, catalog, lang, parse_po
from tests.helpers import REPO

PACKAGE = REPO / "assistant"


def code_msgids() -> dict[str, str]:
    """msgid → where it is used, for every literal first argument of _() or N_()."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "N_")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.setdefault(node.args[0].value, f"{path.relative_to(REPO)}:{node.lineno}")
    return found


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_in_the_code_has_its_english() -> None:
    en = catalog("en")
    missing = [f"{where}: {msgid}" for msgid, where in code_msgids().items() if msgid not in en]
    assert not missing, "add these to assistant/locale/en.po:\n" + "\n".join(missing)


def test_the_catalog_keeps_no_stale_entry_and_the_fields_match() -> None:
    used = code_msgids()
    en = catalog("en")
    stale = [m for m in en if m not in used]
    assert not stale, "no longer in the code:\n" + "\n".join(stale)
    wrong = [m for m, t in en.items() if fields(m) != fields(t)]
    assert not wrong, "fields differ between msgid and msgstr:\n" + "\n".join(wrong)


def test_english_msgstrs_are_english() -> None:
    cjk = re.compile(r"[\u4e00-\u9fff]")
    # Chinese inside an English message is fine when it quotes the genre (工作总结, 一、…); a msgstr
    # that is mostly Chinese was left untranslated.
    for msgid, text in catalog("en").items():
        share = len(cjk.findall(text)) / max(1, len(text))
        assert share < 0.4, f"untranslated: {msgid} → {text}"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "zh"),
        ({"LANG": "C.UTF-8"}, "zh"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "ASSISTANT_LANG": "zh"}, "zh"),
        ({"ASSISTANT_LANG": "en"}, "en"),
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
    ],
)
def test_language_choice(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str) -> None:
    for name in ("ASSISTANT_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert lang() == expected


def test_translation_fills_fields_in_either_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_LANG", "zh")
    assert _("错误：{message}", message="x") == "错误：x"
    monkeypatch.setenv("ASSISTANT_LANG", "en")
    assert _("错误：{message}", message="x") == "error: x"
    assert _("没有这条消息 {x}", x=1) == "没有这条消息 1"  # unknown msgid: shown as written


def test_po_parser_reads_escapes_and_multiline_strings() -> None:
    po = 'msgid ""\nmsgstr "header"\n\n# c\nmsgid "a\\n"\n"b"\nmsgstr "x \\"y\\""\n"z"\n'
    assert parse_po(po) == {"a\nb": 'x "y"z'}


def test_the_catalog_has_each_msgid_once() -> None:
    """Entries are appended by several hands; a msgid given twice keeps only one English silently."""
    text = (PACKAGE / "locale" / "en.po").read_text("utf-8")
    ids = re.findall(r'^msgid "(.+)"$', text, re.M)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    # A union merge can interleave two entries: every msgid is followed by its msgstr.
    keywords = [ln.split(" ", 1)[0] for ln in text.splitlines() if ln.startswith(("msgid ", "msgstr "))]
    assert all(a != b for a, b in zip(keywords, keywords[1:], strict=False))
