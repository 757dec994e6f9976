"""Form: a well-formed title, an opening paragraph (导语), and no part left (nearly) empty."""

from __future__ import annotations

import re

from assistant.evaluation.draftview import DraftView
from assistant.evaluation.scoring import CheckResult, Finding, penalised
from assistant.genre.noise import is_noise_line
from assistant.i18n import _

# The issuing unit's kind, as titles name it (县财政局党组, 滨江社区, 市水务集团有限公司…).
_UNIT = re.compile(
    r"党组|党委|党工委|党支部|党总支|支部|委员会|社区|街道|镇|乡|村|公司|集团|学校|中学|小学|大学|学院|医院|中心|园区|开发区|"
    r"[局委办厅处科所站馆院部队区县市省]"
)
_PERIOD = re.compile(
    r"(?:19|20)[\d_XxＸ×]{2}|年度|季度|上半年|下半年|半年|[一二三四]季度|\d{1,2}月|今年|本年"
)
_TOPIC = re.compile(r"工作|建设|情况")
_ENDS = ("总结", "汇报", "报告")
OPENING_MIN = 20  # characters: less is a heading-like fragment, not a 导语
THIN_PART = 15  # characters of text under a part: less means the part is empty in all but name
UNBALANCED = (
    30  # real reports go down to 1/15 (a short 存在的问题 after a long 工作开展情况); 1/30 is lopsided
)
FORM_SCALE = 2.0


def check_form(view: DraftView, meta: dict[str, str] | None = None) -> CheckResult:
    meta = meta or {}
    findings: list[Finding] = []
    block = view.doc.title_block
    # A breadcrumb or copyright line on top is web noise (hygiene says so), not a title.
    title = block.text if block and not is_noise_line(block.text) else ""
    line = block.line if block else 0
    if not title:
        findings.append(Finding("form", "no_title", _("草稿没有标题（# …）"), 0, 1.5))
    else:
        findings += _title(title, line, meta)
    lead = view.lead
    if lead is None or not any(len(p.text) >= OPENING_MIN for p in lead.paragraphs):
        first = view.top[0].heading.line if view.top and view.top[0].heading else 0
        findings.append(Finding("form", "no_opening", _("第一部分之前没有导语"), first))
    sizes = [len(re.sub(r"\s", "", p.body)) for p in view.top]
    for part, size in zip(view.top, sizes, strict=True):
        line = part.heading.line if part.heading else 0
        if size < THIN_PART:
            findings.append(
                Finding("form", "thin_part", _("“{title}”部分（几乎）没有内容", title=part.title), line, 0.5)
            )
        elif size * UNBALANCED < max(sizes):
            findings.append(
                Finding(
                    "form",
                    "unbalanced_part",
                    _("“{title}”部分不到最长部分的 1/{ratio}", title=part.title, ratio=UNBALANCED),
                    line,
                    0.5,
                )
            )
    return penalised("form", findings, FORM_SCALE)


def _title(title: str, line: int, meta: dict[str, str]) -> list[Finding]:
    out: list[Finding] = []
    bare = re.sub(r"[\s\u3000]", "", title)
    if not bare.endswith(_ENDS):
        out.append(
            Finding(
                "form", "title", _("标题没有以“总结”“汇报”或“报告”结尾：“{title}”", title=title), line, 0.5
            )
        )
    unit = meta.get("unit", "")
    if not (unit and unit in bare) and not _UNIT.search(bare):
        out.append(Finding("form", "title", _("标题没有写明单位：“{title}”", title=title), line, 0.5))
    period = meta.get("period", "")
    if not (period and period in bare) and not _PERIOD.search(bare):
        out.append(Finding("form", "title", _("标题没有写明时段：“{title}”", title=title), line, 0.5))
    topic = meta.get("topic", "")
    if not (topic and topic in bare) and not _TOPIC.search(bare):
        out.append(
            Finding("form", "title", _("标题没有写明主题（…工作）：“{title}”", title=title), line, 0.25)
        )
    return out
