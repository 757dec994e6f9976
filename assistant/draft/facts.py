"""The user's facts: Markdown with optional YAML front matter, plain text (one fact a line), or .docx.

    ---
    unit: 市工业园区党工委
    period: 2024年第三季度
    topic: 意识形态工作
    ---
    ## 工作开展情况          a part (its role from cue words)
    ### 落实责任制          a group, drafted as （一）
    - 党工委会议专题研究意识形态工作2次

Facts outside any part are assigned one by cue words, and the assignment is shown to the user."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.corpus.loader import decode_bytes, normalize_newlines
from assistant.corpus.roles import heading_roles
from assistant.draft import meta as meta_words
from assistant.errors import InputError
from assistant.genre.figures import find_figures
from assistant.genre.numbering import match_number
from assistant.i18n import _

META_KEYS = ("unit", "period", "topic", "title", "leader", "date", "signature")
_DATE_RE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")

# Problems: strong cue words, and a shortcoming stated at the end of a clause (内容少, 阅读量低).
_PROBLEM_CUE = re.compile(
    r"不足|问题|薄弱|欠缺|不够|缺少|缺乏|偏低|偏大|偏少|老化|滞后|单一|有待|短板|差距|盲区|漏洞|隐患|较弱|"
    r"力量弱|没有专职|仅|只有|难以|较难|困难|不平衡|参差不齐|难度大|压力大|流动性大|"
    r"不(?:强|高|多|紧|深|实|细|严|广|全|畅|够|足|明显|到位|及时|规范|主动|充分|健全|完善|积极|均衡)|"
    r"有[^，。；]{1,10}现象|^存在|"
    r"(?<![降减压])低(?=[，。；,;]|$)|(?<![缩])短(?=[，。；,;]|$)|(?<![减缺])少(?=[，。；,;]|$)|"
    r"弱(?=[，。；,;]|$)|慢(?=[，。；,;]|$)|(?<![偏误出落温时])差(?=[，。；,;]|$)|"
    r"难(?:[\u4e00-\u9fff]{1,2})(?=[，。；,;]|$)"
)
_PROBLEM_START = re.compile(r"^(少数|部分|个别|有的|一些|极少数)")
# Words that look like problems in a report of work done: 发现问题9个，已整改7个; 走访困难职工.
_DONE_PROBLEM = re.compile(
    r"(?:发现|排查|查找|查摆|梳理|整改|整治|消除|解决|处置|化解|收集|征集|反馈|督办)[^，。；]{0,12}?(?:问题|隐患)"
    r"|(?:补齐|弥补|补强|补足|破解|克服)[^，。；]{0,8}?(?:短板|不足|弱项|难题|困难)"
    r"|不实(?=信息|言论|报道|内容|消息|舆情)"
    r"|问题[^，。；]{0,8}?(?:已|全部|均已)?(?:整改|解决|销号)"
    r"|(?:风险|隐患|问题)[^，。；]{0,2}(?:排查|整改|治理|清零|销号)|排查[^，。；]{0,6}(?:隐患|风险)"
    r"|困难(?:职工|群众|党员|家庭|户|学生|老人|人员|群体|老党员|员工)|克服[^，。；]{0,4}困难|帮扶|排忧解难"
)
# Plans: a plan word at the start, or anywhere for the unmistakable ones. 下半年 is only a plan in
# a report of the first half of a year (in a yearly report it is work done).
_PLAN_START = re.compile(
    r"^(下一步|下步|下季度|下阶段|下一阶段|明年|今后|计划|拟|将|准备|力争|争取|年底前|\d{4}年将|"
    r"(?:\d{1,2}月|下月|近期)(?:起|份|底前|中旬|下旬|上旬)?将)"
)
_PLAN_CUE = re.compile(
    r"下一步|下季度|下阶段|下一阶段|明年|将于|将进一步|将继续|计划|拟于|打算|力争|争取|不少于|确保全年"
)
_FIRST_HALF = re.compile(r"上半年|第[一二]季度|[一二]季度|1[-—至~到]6月|一至六月")
# 完成…计划 reports a plan carried out.
_DONE_PLAN = re.compile(r"完成[^，。；]{0,12}计划|计划内")
# A recurring commitment (每月巡查一次, 每半年培训一次) is a rule to set up, not a figure to report.
_FREQUENCY = re.compile(r"每[^，。；\d]{0,4}(?:\d+|[一二两三四五六七八九十]+)[次期场轮回]")
_DONE_CUE = re.compile(
    r"开展|组织|召开|举办|完成|发布|处置|签订|印发|累计|共|参加|参与|建成|设立|评选|走访|推送|已|清查|下架|发稿|研究"
)


@dataclass
class Fact:
    id: str  # F1, F2… in file order
    text: str
    line: int
    role: str  # achievements | problems | plans | other
    part: str  # the part heading it sits under ("" when assigned)
    group: str | None = None
    inferred: bool = False  # role assigned by cue words, not by a heading


@dataclass
class FactGroup:
    heading: str | None
    facts: list[Fact] = field(default_factory=list)
    line: int = 0


@dataclass
class FactPart:
    heading: str
    roles: list[str]
    groups: list[FactGroup] = field(default_factory=list)
    line: int = 0
    explicit: bool = True  # written by the user as `##`

    @property
    def role(self) -> str:
        return self.roles[0] if self.roles else "achievements"

    def facts(self) -> list[Fact]:
        return [f for g in self.groups for f in g.facts]


@dataclass
class FactSheet:
    source: str
    meta: dict[str, str]
    parts: list[FactPart]
    meta_sources: dict[str, str] = field(default_factory=dict)  # key → front_matter | option | …
    mark_missing: bool = False  # title and signature show 〔待补充：…〕 for an unknown unit/period/topic

    def facts(self) -> list[Fact]:
        return [f for p in self.parts for f in p.facts()]

    @property
    def has_headings(self) -> bool:
        return any(p.explicit for p in self.parts)

    def missing(self) -> list[str]:
        """unit / period / topic not known, in that order."""
        return [k for k in meta_words.KEYS if not self.meta.get(k)]

    def marked(self, key: str) -> str:
        """The value, or its 〔待补充〕 marker when unknown and markers are asked for."""
        value = self.meta.get(key, "")
        return value or (meta_words.MARKERS[key] if self.mark_missing else "")

    @property
    def title(self) -> str:
        if self.meta.get("title"):
            return self.meta["title"]
        unit, period, topic = (self.marked(k) for k in ("unit", "period", "topic"))
        if not (unit or period or topic):
            return ""
        topic = topic or "工作"
        kind = "" if topic.endswith(("总结", "汇报", "报告")) else "总结"
        return f"{unit}{period}{topic}{kind}"

    def allowed_texts(self) -> list[str]:
        """Everything the draft may take particulars from: the facts and the front matter."""
        return [f.text for f in self.facts()] + [v for v in self.meta.values() if v]

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "meta": self.meta,
            "title": self.title,
            "parts": [
                {
                    "heading": p.heading,
                    "roles": p.roles,
                    "explicit": p.explicit,
                    "groups": [{"heading": g.heading, "facts": [vars(f) for f in g.facts]} for g in p.groups],
                }
                for p in self.parts
            ],
        }


def load_facts(path: Path, overrides: dict[str, str] | None = None) -> FactSheet:
    return parse_facts(read_facts_text(path), str(path), overrides=overrides, name=path.name)


def read_facts_text(path: Path) -> str:
    """A facts file as text: Markdown or plain text decoded, a .docx turned into Markdown."""
    if not path.exists():
        raise InputError(_("{path}：找不到这个事实文件", path=path))
    if path.is_dir():
        raise InputError(_("{path}：这是文件夹，请给出事实文件（.md、.txt 或 .docx）", path=path))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(_("{path}：无法读取（{reason}）", path=path, reason=exc.strerror)) from None
    if path.suffix.lower() == ".docx" or data.startswith(b"PK\x03\x04"):
        return _docx_to_markdown(data, str(path))
    return facts_text_from_bytes(data, str(path))


def facts_text_from_bytes(data: bytes, source: str) -> str:
    """Facts given as bytes (a file or stdin): a Word file is sniffed by its zip header; text is
    decoded as UTF-8, UTF-16 or GB18030. Markdown and plain facts need no telling apart: a line is
    a fact unless it is front matter or a `#` heading."""
    if data.startswith(b"PK\x03\x04"):
        return _docx_to_markdown(data, source)
    text, _enc = decode_bytes(data, source)
    return normalize_newlines(text)


def parse_facts(
    text: str,
    source: str = "<facts>",
    overrides: dict[str, str] | None = None,
    name: str | None = None,
) -> FactSheet:
    """Facts from text. Unit, period and topic come from the front matter, then `overrides` (the
    command-line options), then a title line at the top, then the file `name`."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InputError(_("{source}：事实文件是空的", source=source))
    meta, body_start = _front_matter(text, source)
    sources = dict.fromkeys(meta, "front_matter")
    _fill(meta, sources, overrides or {}, "option")
    lines = text.split("\n")
    body_start = _title_line(lines, body_start, meta, sources)
    if name:
        _fill(meta, sources, meta_words.from_file_name(Path(name).stem), "file_name")
    parts: list[FactPart] = []
    loose = FactPart(heading="", roles=[], explicit=False)  # facts before any ## heading
    cur_part: FactPart | None = None
    cur_group: FactGroup | None = None
    n = 0
    for i in range(body_start, len(lines)):
        raw = lines[i].rstrip()
        line = raw.strip()
        lineno = i + 1
        if not line or line.startswith("<!--"):
            continue
        m = re.match(r"^(#{1,6})\s*(.*)$", line)
        if m:
            depth, heading = len(m.group(1)), _strip_number(m.group(2).strip())
            if not heading:
                raise InputError(_("{source}:{line}：标题是空的", source=source, line=lineno))
            if depth <= 2:
                cur_part = FactPart(
                    heading=heading, roles=heading_roles(heading) or ["achievements"], line=lineno
                )
                parts.append(cur_part)
                cur_group = None
            else:
                if cur_part is None:
                    cur_part = FactPart(heading="", roles=[], explicit=False)
                    parts.append(cur_part)
                cur_group = FactGroup(heading=heading, line=lineno)
                cur_part.groups.append(cur_group)
            continue
        fact_text = re.sub(r"^(?:[-*+•·]|\d+[.、)）]|[（(]\d+[)）])\s*", "", line).strip()
        if not fact_text:
            continue
        n += 1
        target = cur_part or loose
        if cur_group is None or cur_part is None:
            if not target.groups or target.groups[-1].heading is not None:
                target.groups.append(FactGroup(heading=None, line=lineno))
            group = target.groups[-1]
        else:
            group = cur_group
        group.facts.append(
            Fact(
                id=f"F{n}",
                text=fact_text,
                line=lineno,
                role=target.role if target.explicit else "",
                part=target.heading,
                group=group.heading,
            )
        )
    if n == 0:
        raise InputError(_("{source}：没有找到事实（一行写一条，例如“- 召开专题会议2次”）", source=source))
    if loose.facts():
        parts.insert(0, loose)
    _assign_roles(parts, meta.get("period", ""))
    return FactSheet(source, meta, [p for p in parts if p.facts() or p.explicit], sources)


def _fill(meta: dict[str, str], sources: dict[str, str], values: dict[str, str], source: str) -> None:
    """Fill in what is not known yet; what is already known is never overridden."""
    for k, v in values.items():
        if v and not meta.get(k):
            meta[k] = v
            sources[k] = source


def _title_line(lines: list[str], start: int, meta: dict[str, str], sources: dict[str, str]) -> int:
    """A report title as the first line (`城南中学2024年上半年意识形态工作情况`) and lines such as
    `单位：城南中学` at the top are no facts: take unit, period and topic from them and start the
    facts after them."""
    title_seen = False
    for i in range(start, len(lines)):
        line = lines[i].strip()
        if not line or line.startswith("<!--"):
            continue
        if re.match(r"^[-*+•·]", line):
            return i
        said, source = meta_words.from_labelled_line(line), "head_line"
        if said is None and not title_seen:
            said, source = meta_words.from_title_line(line), "title_line"
            title_seen = True
        if said is None:
            return i
        _fill(meta, sources, said, source)
    return len(lines)


def _strip_number(heading: str) -> str:
    num = match_number(heading)
    return num.rest if num else heading


def classify_fact(text: str, previous: str = "achievements", period: str = "") -> str:
    """Role of a fact with no heading, from its cue words; a fact with none follows its neighbour
    (writers list work done, then problems, then plans: a neutral line after those is a plan)."""
    if _is_plan(text, period):
        return "plans"
    years = [int(y) for y in re.findall(r"(20\d{2})年", period)]
    if years and any(int(y) > max(years) for y in re.findall(r"(20\d{2})年", text)):
        return "plans"  # a year after the report's period is a plan
    if _is_problem(text):
        return "problems"
    has_figure = _has_figure(_FREQUENCY.sub("", text))
    if previous in ("problems", "plans") and not has_figure:
        return "plans"  # past the problems, a line with no figure to report is a step to take
    if _DONE_CUE.search(text) or has_figure:
        return "achievements"
    return "plans" if previous in ("problems", "plans") else "achievements"


def _has_figure(text: str) -> bool:
    """A number to report, not counting those inside a quoted name (“班前十分钟”学习)."""
    figs = find_figures(text)
    quotes = [(f.start, f.end) for f in figs if f.kind == "quote"]
    return any(f.kind != "quote" and not any(a <= f.start and f.end <= b for a, b in quotes) for f in figs)


def _is_plan(text: str, period: str) -> bool:
    if re.match(r"^下半年", text) or re.search(r"下半年(?:将|要|继续|计划)", text):
        return not period or bool(_FIRST_HALF.search(period))
    if _PLAN_START.match(text):
        return True
    return bool(_PLAN_CUE.search(_DONE_PLAN.sub("", text)))


def _is_problem(text: str) -> bool:
    bare = _DONE_PROBLEM.sub("，", text)
    if _PROBLEM_START.match(bare):
        return True
    return bool(_PROBLEM_CUE.search(bare))


def _assign_roles(parts: list[FactPart], period: str = "") -> None:
    for part in parts:
        if part.explicit and part.roles != ["problems", "plans"]:
            continue
        previous = "achievements"
        for f in part.facts():
            if part.roles == ["problems", "plans"]:
                f.role = "plans" if classify_fact(f.text, previous, period) == "plans" else "problems"
            else:
                f.role = classify_fact(f.text, previous, period)
                f.inferred = True
            previous = f.role


def _front_matter(text: str, source: str) -> tuple[dict[str, str], int]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, 0
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    except StopIteration:
        raise InputError(_("{source}:1：以 --- 开头的文件头没有用 --- 结束", source=source)) from None
    import yaml

    try:
        data = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise InputError(
            _("{source}:{line}：文件头格式有误：{problem}", source=source, line=line, problem=problem)
        ) from None
    if not isinstance(data, dict):
        raise InputError(_("{source}:2：文件头应由“键: 值”行组成", source=source))
    meta: dict[str, str] = {}
    for key, value in data.items():
        if key not in META_KEYS:
            line = next((i + 1 for i in range(1, end) if lines[i].strip().startswith(f"{key}:")), 2)
            raise InputError(
                _(
                    "{source}:{line}：文件头中没有“{key}”这一项（可用：{known}）",
                    source=source,
                    line=line,
                    key=key,
                    known=", ".join(META_KEYS),
                )
            )
        if value is None:
            continue
        meta[str(key)] = str(value).strip()
    if meta.get("date") and not _DATE_RE.match(meta["date"]):
        line = next((i + 1 for i in range(1, end) if lines[i].strip().startswith("date:")), 2)
        raise InputError(
            _(
                "{source}:{line}：日期应写成 2024年9月30日 的样式，而不是“{date}”",
                source=source,
                line=line,
                date=meta["date"],
            )
        )
    return meta, end + 1


def _docx_to_markdown(data: bytes, source: str) -> str:
    """Word facts: Heading 1/2 styles become ## parts, Heading 3 ### groups, other paragraphs facts.
    A Title paragraph stays a plain line, so that it is read as the report's title."""
    import io
    import zipfile

    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        doc = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError):
        raise InputError(_("{path}：不是可读的 .docx 文件", path=source)) from None
    out: list[str] = []
    for p in doc.paragraphs:
        text = p.text.strip()
        if not text:
            continue
        style = (p.style.name if p.style is not None else "").lower()
        if style == "title":
            out.append(text)
        elif style.startswith("heading 1") or style.startswith("heading 2"):
            out.append("## " + text)
        elif style.startswith("heading"):
            out.append("### " + text)
        else:
            out.append("- " + text)
    return "\n".join(out)
