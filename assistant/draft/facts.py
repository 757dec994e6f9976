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
from assistant.draft import meta as meta_words
from assistant.errors import InputError
from assistant.genre.numbering import match_number
from assistant.genre.roles import classify_fact, heading_roles
from assistant.i18n import _

META_KEYS = ("unit", "period", "topic", "title", "leader", "date", "signature")
_DATE_RE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")


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
