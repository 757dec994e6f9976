"""Prompt templates are files in prompts/ (shipped in the wheel), filled with string.Template.
A missing variable is an error, never an empty string."""

from __future__ import annotations

import re
import string
from functools import cache

from assistant.errors import AssistantError
from assistant.i18n import _
from assistant.paths import prompts_dir


class PromptError(AssistantError):
    pass


@cache
def load_template(name: str) -> string.Template:
    path = prompts_dir() / f"{name}.md"
    try:
        return string.Template(path.read_text(encoding="utf-8"))
    except OSError:
        raise PromptError(_("找不到提示词模板 {path}（软件包是否完整安装？）", path=path)) from None


def render(name: str, **values: str) -> str:
    template = load_template(name)
    try:
        return template.substitute(values)
    except KeyError as exc:
        raise PromptError(
            _("提示词模板 {name}.md 需要变量 ${var}，但没有提供", name=name, var=exc.args[0])
        ) from None
    except ValueError as exc:
        raise PromptError(_("提示词模板 {name}.md 格式有误：{error}", name=name, error=exc)) from None


def instruction_texts() -> list[str]:
    """The fixed wording of the prompts (templates without their variables, and the role rules):
    text of these in a draft is an instruction the model wrote into it, not content."""
    from assistant.draft.pipeline import MERGED_RULE, ROLE_RULE

    pieces: list[str] = [*ROLE_RULE.values(), MERGED_RULE]
    for name in ("system", "section", "repair", "revise", "outline"):
        try:
            template = load_template(name).template
        except PromptError:
            continue
        pieces += [p for p in re.split(r"\$\{?\w+\}?|\n", template) if len(p.strip()) >= 8]
    return pieces
