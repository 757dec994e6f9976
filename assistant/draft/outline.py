"""The outline a draft must follow: parts (一、) and subsections (（一）), each with its role and facts.

From an outline file (one heading a line), from the facts' own headings, or proposed: the genre's
default parts, with the work-done facts grouped into subsections by topic when there are many."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.corpus.loader import decode_bytes, normalize_newlines
from assistant.draft.facts import Fact, FactSheet
from assistant.errors import InputError
from assistant.genre.numbering import match_number, number_token
from assistant.genre.roles import classify_sections
from assistant.i18n import N_, _
from assistant.text import char_ngrams, jaccard

ROLE_NAMES = {
    "achievements": N_("工作成效"),
    "problems": N_("存在问题"),
    "plans": N_("工作打算"),
    "other": N_("其他"),
}
GROUP_MIN_FACTS = 8  # work-done facts without headings are grouped into （一）（二） from this many on
DEFAULT_HEADINGS = {"achievements": "工作开展情况", "problems": "存在的问题", "plans": "下一步工作打算"}

# Topics of the genre, for grouping work-done facts that come with no headings of their own.
TOPICS: list[tuple[str, str]] = [
    ("落实意识形态工作责任制", r"责任|专题研究|会议|部署|研判|考核|责任书|领导小组|述职|督查|检查"),
    ("加强理论学习和思想教育", r"学习|中心组|宣讲|讲堂|党课|培训|读书|教育|主题党日|研讨|课"),
    (
        "加强阵地管理和舆论引导",
        r"阵地|公众号|网站|宣传栏|电子屏|舆情|网络|新媒体|发布|稿件|报道|发稿|媒体|群",
    ),
    ("开展文化和文明创建活动", r"活动|文化|志愿|文明|演讲|比赛|评选|表彰|慰问|走访|家风|典型"),
]


@dataclass
class Section:
    level: int
    ordinal: int
    title: str
    roles: list[str]
    facts: list[Fact] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    @property
    def number(self) -> str:
        return number_token(self.level, self.ordinal)

    @property
    def role(self) -> str:
        return self.roles[0] if self.roles else "achievements"

    @property
    def heading(self) -> str:
        return self.number + self.title

    def all_facts(self) -> list[Fact]:
        return self.facts + [f for c in self.children for f in c.all_facts()]

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "level": self.level,
            "roles": self.roles,
            "facts": [f.id for f in self.facts],
            "children": [c.to_dict() for c in self.children],
        }


@dataclass
class Outline:
    title: str
    parts: list[Section]
    source: str = "facts"  # facts | file | proposed
    notes: list[str] = field(default_factory=list)

    def sections(self) -> list[Section]:
        """Every section in reading order (parts, then their subsections)."""
        out: list[Section] = []
        for p in self.parts:
            out.append(p)
            out.extend(p.children)
        return out

    def render(self) -> str:
        lines = []
        for p in self.parts:
            lines.append(p.heading)
            lines.extend("  " + c.heading for c in p.children)
        return "\n".join(lines) + "\n"

    def render_with_facts(self) -> str:
        lines = [self.title] if self.title else []
        for p in self.parts:
            roles = "+".join(_(ROLE_NAMES.get(r, r)) for r in p.roles)
            lines.append(f"{p.heading}  [{roles}]")
            lines.extend(f"    - {f.id} {f.text}" for f in p.facts)
            for c in p.children:
                lines.append(f"  {c.heading}")
                lines.extend(f"    - {f.id} {f.text}" for f in c.facts)
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "source": self.source,
            "notes": self.notes,
            "parts": [p.to_dict() for p in self.parts],
        }


def parse_outline(text: str, source: str = "<outline>") -> list[Section]:
    """An outline file: one heading a line (一、… / （一）…), indentation optional, # comments ignored."""
    parts: list[Section] = []
    for lineno, raw in enumerate(normalize_newlines(text.lstrip("\ufeff")).split("\n"), 1):
        line = re.sub(r"^#+\s*", "", raw.strip())
        if not line or raw.strip().startswith("#") and not line:
            continue
        num = match_number(line)
        if num is None or num.level > 2:
            raise InputError(
                _(
                    "{source}:{line}：不是提纲标题（应写成“一、…”或“（一）…”）：{text}",
                    source=source,
                    line=lineno,
                    text=line[:30],
                )
            )
        title = num.rest.rstrip("。")
        if num.level == 1:
            parts.append(Section(1, len(parts) + 1, title, []))
        else:
            if not parts:
                raise InputError(
                    _("{source}:{line}：（一）级标题出现在所有“一、”级标题之前", source=source, line=lineno)
                )
            parts[-1].children.append(Section(2, len(parts[-1].children) + 1, title, []))
    if not parts:
        raise InputError(_("{source}：提纲里没有标题", source=source))
    roles = classify_sections([p.title for p in parts], ["" for _p in parts])
    for p, r in zip(parts, roles, strict=True):
        p.roles = r
        for c in p.children:
            c.roles = list(r)
    return parts


def load_outline_file(path: Path) -> list[Section]:
    if not path.exists():
        raise InputError(_("{path}：找不到这个提纲文件", path=path))
    text, _enc = decode_bytes(path.read_bytes(), str(path))
    return parse_outline(text, str(path))


def build_outline(facts: FactSheet, outline_file: Path | None = None, searcher: Any | None = None) -> Outline:
    """The user's outline file wins, then the facts' own headings; otherwise a proposal, with part
    names from the most similar example reports when an index is at hand."""
    if outline_file is not None:
        parts = load_outline_file(outline_file)
        outline = Outline(facts.title, parts, source="file")
        place_facts(outline, facts)
        return outline
    if facts.has_headings:
        return _from_headings(facts)
    names: dict[str, str] = {}
    if searcher is not None:
        from assistant.draft.skeleton import part_names

        names = part_names(facts, searcher)
    names = {role: name for role, name in names.items() if name != DEFAULT_HEADINGS.get(role)}
    outline = propose(facts, names)
    if names:
        outline.notes.append(_("各部分名称取自最相近的范文：{names}", names="、".join(names.values())))
    return outline


def _from_headings(facts: FactSheet) -> Outline:
    parts: list[Section] = []
    notes: list[str] = []
    for fp in facts.parts:
        if not fp.explicit:  # facts above the first ## heading
            notes.append(_("第一个 ## 标题之前的事实已按措辞归入各部分"))
            continue
        sec = Section(1, len(parts) + 1, fp.heading, list(fp.roles))
        for g in fp.groups:
            if g.heading is None:
                sec.facts.extend(g.facts)
            else:
                sec.children.append(
                    Section(2, len(sec.children) + 1, g.heading, list(fp.roles), list(g.facts))
                )
        parts.append(sec)
    outline = Outline(facts.title, parts, source="facts", notes=notes)
    loose = [f for p in facts.parts if not p.explicit for f in p.facts()]
    for f in loose:
        target = next((p for p in parts if f.role in p.roles), None)
        if target is None:
            target = Section(1, len(parts) + 1, DEFAULT_HEADINGS.get(f.role, "其他"), [f.role])
            parts.append(target)
        target.facts.append(f)
    _renumber(outline)
    return outline


def propose(facts: FactSheet, headings: dict[str, str] | None = None) -> Outline:
    """The genre default: 一、工作开展情况 / 二、存在的问题 / 三、下一步工作打算, keeping only the parts
    that have facts (a part with no facts would have to be invented). `headings` may rename parts,
    e.g. from the most similar example reports."""
    names = {**DEFAULT_HEADINGS, **(headings or {})}
    parts: list[Section] = []
    notes: list[str] = []
    by_role: dict[str, list[Fact]] = {"achievements": [], "problems": [], "plans": []}
    for f in facts.facts():
        by_role.get(f.role, by_role["achievements"]).append(f)
    for role in ("achievements", "problems", "plans"):
        if not by_role[role]:
            notes.append(_("没有属于“{part}”的事实：该部分不写，以免编造", part=names[role]))
            continue
        sec = Section(1, len(parts) + 1, names[role], [role])
        if role == "achievements" and len(by_role[role]) >= GROUP_MIN_FACTS:
            sec.children = _group_by_topic(by_role[role])
        if not sec.children:
            sec.facts = by_role[role]
        parts.append(sec)
    return Outline(facts.title, parts, source="proposed", notes=notes)


def _group_by_topic(facts: list[Fact]) -> list[Section]:
    groups: dict[str, list[Fact]] = {}
    for f in facts:
        scores = [(len(re.findall(pat, f.text)), -i) for i, (_, pat) in enumerate(TOPICS)]
        best = max(range(len(TOPICS)), key=lambda i: scores[i])
        name = TOPICS[best][0] if scores[best][0] else TOPICS[-1][0]
        groups.setdefault(name, []).append(f)
    # One-fact subsections read as padding: group only when every subsection has some substance.
    if len(groups) < 2 or min(len(g) for g in groups.values()) < 2:
        return []
    order = [name for name, _pat in TOPICS if name in groups]
    return [Section(2, i + 1, name, ["achievements"], groups[name]) for i, name in enumerate(order)]


def place_facts(outline: Outline, facts: FactSheet) -> None:
    """Facts into a user's outline: by their own heading's likeness to an outline heading, else by role."""
    sections = outline.sections()
    for f in facts.facts():
        label = f.group or f.part or f.text
        best, score = None, 0.0
        for s in sections:
            sc = jaccard(char_ngrams(label, 2), char_ngrams(s.title, 2))
            if f.role in s.roles:
                sc += 0.15
            if sc > score:
                best, score = s, sc
        if best is None or score < 0.3:
            best = next((p for p in outline.parts if f.role in p.roles), outline.parts[0])
            if best.children:
                text = f"{label} {f.text}"
                best = max(
                    best.children,
                    key=lambda c: (
                        jaccard(char_ngrams(text, 2), char_ngrams(c.title, 2))
                        + 0.2 * (topic_of(text) == topic_of(c.title))
                    ),
                )
        best.facts.append(f)
    empty = [s.heading for s in sections if not s.all_facts()]
    if empty:
        outline.notes.append(_("以下部分没有事实，只写一句过渡性概括：{parts}", parts="、".join(empty)))


def _renumber(outline: Outline) -> None:
    for i, p in enumerate(outline.parts, 1):
        p.ordinal = i
        for j, c in enumerate(p.children, 1):
            c.ordinal = j


def topic_of(text: str) -> int:
    scores = [len(re.findall(pat, text)) for _, pat in TOPICS]
    return max(range(len(TOPICS)), key=lambda i: scores[i]) if max(scores) else -1


def placement_lines(outline: Outline, width: int = 14) -> list[str]:
    """Where the facts placed by their wording went, part by part, for the user to check:
    按措辞归入各部分的事实：
      一、工作开展情况：F1 党支部召开意识形态工作…；F2 …"""
    lines = []
    for part in outline.parts:
        placed = [f for f in part.all_facts() if f.inferred]
        if placed:
            items = "；".join(f"{f.id} {_short(f.text, width)}" for f in placed)
            lines.append(_("  {part}：{facts}", part=part.heading, facts=items))
    return [_("按措辞归入各部分的事实：")] + lines if lines else []


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width] + "…"


def facts_markdown(outline: Outline, facts: FactSheet) -> str:
    """The facts as a facts .md laid out by this outline (front matter, ## parts, ### subsections,
    one `- ` line a fact), for the user to correct by moving lines and draft from."""
    import yaml

    keys = ("unit", "period", "topic", "title", "leader", "date", "signature")
    lines = ["---"]
    for k in keys:
        if facts.meta.get(k):
            lines.append(yaml.safe_dump({k: facts.meta[k]}, allow_unicode=True).strip())
        elif k in ("unit", "period", "topic"):
            lines.append(f"{k}:      # 待补充")
    lines += [
        "---",
        "<!-- 各行可上下移动，改变事实所属的部分；##、### 标题可改写。改好后：assistant draft 本文件 -->",
    ]
    for part in outline.parts:
        lines += ["", f"## {part.title}"]
        lines += [f"- {f.text}" for f in part.facts]
        for child in part.children:
            lines += [f"### {child.title}"] + [f"- {f.text}" for f in child.facts]
    return "\n".join(lines) + "\n"
