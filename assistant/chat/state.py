"""The working document of a chat: the facts, the outline (free text, or None to follow the facts),
and the drafted body of each section. The Markdown draft is assembled from these, so a section can
be redrafted or revised alone and a new fact finds its place without touching the rest.

Facts keep their ids for the whole session (a new fact is F13 even if it lands under 一、), so
`/facts rm 13` and the user's memory of “F13” stay right."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from typing import Any

from assistant.draft import offline
from assistant.draft.facts import Fact, FactGroup, FactPart, FactSheet, classify_fact
from assistant.draft.outline import DEFAULT_HEADINGS, Outline, build_outline, parse_outline, topic_of
from assistant.draft.pipeline import Unit, units_of
from assistant.errors import UsageError
from assistant.i18n import _
from assistant.text import char_ngrams, jaccard

UNDRAFTED = "<!-- 未起草：用 /draft 起草本节 -->"
_ROLE_ORDER = {"achievements": 0, "problems": 1, "plans": 2}


def section_id(unit: Unit) -> str:
    """A key for a section's text that survives renumbering (a new part 二、 does not orphan 三、)."""
    if unit.section is not unit.part:
        return f"{unit.part.title}/{unit.section.title}"
    return f"{unit.part.title}/" if unit.lead else unit.part.title


@dataclass
class DocState:
    sheet: FactSheet
    outline_text: str | None = None  # None: built from the facts each time, so new facts follow
    sections: dict[str, str] = field(default_factory=dict)
    _outline: Outline | None = field(default=None, repr=False, compare=False)

    # -- derived ------------------------------------------------------------------------------
    def outline(self) -> Outline:
        if self._outline is None:
            self._outline = outline_for(self.sheet, self.outline_text)
        return self._outline

    def units(self) -> list[Unit]:
        return units_of(self.outline())

    @property
    def title(self) -> str:
        return self.outline().title or self.sheet.title or "工作总结"

    def text_of(self, unit: Unit) -> str:
        return self.sections.get(section_id(unit), "")

    @property
    def drafted(self) -> bool:
        return any(self.sections.get(section_id(u)) for u in self.units())

    def markdown(self) -> str:
        """The whole draft ("" before anything is drafted)."""
        if not self.drafted:
            return ""
        sheet, outline = self.sheet, self.outline()
        lines = [f"# {self.title}", "", offline.opening(sheet), ""]
        units = self.units()
        for part in outline.parts:
            lines += [f"## {part.heading}", ""]
            for unit in (u for u in units if u.part is part):
                if unit.section is not part:
                    lines += [f"### {unit.section.heading}", ""]
                text = self.text_of(unit)
                lines += [text or (UNDRAFTED if unit.facts else offline.EMPTY_NOTE), ""]
            if not part.children and not part.facts:
                lines += [offline.EMPTY_NOTE, ""]
        lines += [offline.closing(sheet), ""]
        lines += offline.signature_lines(sheet)
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).rstrip() + "\n"

    def part_roles(self) -> dict[str, list[str]]:
        return {p.title: p.roles for p in self.outline().parts}

    # -- changes (each on a copy: the caller keeps the old state for its version) --------------
    def copy(self) -> DocState:
        return DocState(copy.deepcopy(self.sheet), self.outline_text, dict(self.sections))

    def with_sections(self, texts: dict[str, str]) -> DocState:
        new = self.copy()
        new.sections.update(texts)
        new.prune()
        return new

    def prune(self) -> None:
        """Drop texts of sections the outline no longer has (older versions keep them)."""
        keep = {section_id(u) for u in self.units()}
        self.sections = {k: v for k, v in self.sections.items() if k in keep}

    def add_fact(self, text: str) -> Fact:
        text = re.sub(r"^(?:[-*+•·]|\d+[.、)）]|[（(]\d+[)）])\s*", "", text.strip()).strip()
        if not text:
            raise UsageError(_("事实是空的：请在 /facts add 后写上事实"))
        facts = self.sheet.facts()
        number = max((int(f.id[1:]) for f in facts if f.id[1:].isdigit()), default=0) + 1
        previous = facts[-1].role if facts else "achievements"
        role = classify_fact(
            text,
            previous if not self.sheet.has_headings else "achievements",
            self.sheet.meta.get("period", ""),
        )
        fact = Fact(id=f"F{number}", text=text, line=0, role=role, part="")
        if self.sheet.has_headings:
            part = _part_for(self.sheet, role)
            group = _group_for(part, text)
            fact.part, fact.group = part.heading, group.heading
        else:
            fact.inferred = True
            loose = [p for p in self.sheet.parts if not p.explicit] or [self._new_loose_part()]
            if not loose[-1].groups:
                loose[-1].groups.append(FactGroup(heading=None))
            group = loose[-1].groups[-1]
            fact.group = group.heading
        group.facts.append(fact)
        self._changed()
        return fact

    def remove_fact(self, fact_id: str) -> Fact:
        want = fact_id.strip().upper()
        want = want if want.startswith("F") else f"F{want}"
        for part in self.sheet.parts:
            for group in part.groups:
                for f in group.facts:
                    if f.id == want:
                        group.facts.remove(f)
                        if not self.sheet.facts():
                            group.facts.append(f)
                            raise UsageError(_("不能删除最后一条事实：起草至少需要一条事实"))
                        self._changed()
                        return f
        raise UsageError(_("没有事实 {id}（/facts 列出全部事实）", id=want))

    def set_outline(self, text: str | None) -> None:
        if text is not None:
            parse_outline(text, _("提纲"))  # raises InputError with the bad line
        self.outline_text = text
        self._changed()

    def _new_loose_part(self) -> FactPart:
        part = FactPart(heading="", roles=[], explicit=False)
        self.sheet.parts.insert(0, part)
        return part

    def _changed(self) -> None:
        self._outline = None
        self.prune()

    # -- storage ------------------------------------------------------------------------------
    def facts_json(self) -> str:
        return json.dumps(sheet_to_dict(self.sheet), ensure_ascii=False)

    @classmethod
    def restore(cls, facts_json: str, outline_text: str | None, sections: dict[str, str]) -> DocState:
        return cls(sheet_from_dict(json.loads(facts_json)), outline_text, dict(sections))


def outline_for(sheet: FactSheet, outline_text: str | None) -> Outline:
    if outline_text is None:
        return build_outline(sheet)
    # Same as build_outline(sheet, FILE), from text: the user's headings, facts placed by likeness.
    from assistant.draft.outline import place_facts

    outline = Outline(sheet.title, parse_outline(outline_text, _("提纲")), source="file")
    place_facts(outline, sheet)
    return outline


def _part_for(sheet: FactSheet, role: str) -> FactPart:
    explicit = [p for p in sheet.parts if p.explicit]
    found = next((p for p in explicit if role in p.roles), None)
    if found is not None:
        return found
    part = FactPart(heading=DEFAULT_HEADINGS.get(role, "其他"), roles=[role])
    # Keep the genre's order: work done, then problems, then plans.
    at = next(
        (i for i, p in enumerate(sheet.parts) if _ROLE_ORDER.get(p.role, 0) > _ROLE_ORDER.get(role, 0)),
        len(sheet.parts),
    )
    sheet.parts.insert(at, part)
    return part


def _group_for(part: FactPart, text: str) -> FactGroup:
    headed = [g for g in part.groups if g.heading]
    if headed:
        grams = char_ngrams(text, 2)
        return max(
            headed,
            key=lambda g: (
                jaccard(grams, char_ngrams(g.heading or "", 2))
                + 0.2 * (topic_of(text) == topic_of(g.heading or "") != -1)
            ),
        )
    if not part.groups or part.groups[-1].heading is not None:
        part.groups.append(FactGroup(heading=None))
    return part.groups[-1]


def sheet_to_dict(sheet: FactSheet) -> dict[str, Any]:
    return {
        "source": sheet.source,
        "meta": sheet.meta,
        "parts": [
            {
                "heading": p.heading,
                "roles": p.roles,
                "line": p.line,
                "explicit": p.explicit,
                "groups": [
                    {"heading": g.heading, "line": g.line, "facts": [vars(f) for f in g.facts]}
                    for g in p.groups
                ],
            }
            for p in sheet.parts
        ],
    }


def sheet_from_dict(data: dict[str, Any]) -> FactSheet:
    parts = [
        FactPart(
            heading=p["heading"],
            roles=list(p["roles"]),
            line=p.get("line", 0),
            explicit=p.get("explicit", True),
            groups=[
                FactGroup(heading=g["heading"], line=g.get("line", 0), facts=[Fact(**f) for f in g["facts"]])
                for g in p["groups"]
            ],
        )
        for p in data["parts"]
    ]
    return FactSheet(data["source"], dict(data["meta"]), parts)


def where_is(outline: Outline, fact_id: str) -> str:
    """The heading path a fact is drafted under, e.g. 一、工作开展情况 > （三）阵地管理."""
    for part in outline.parts:
        if any(f.id == fact_id for f in part.facts):
            return part.heading
        for child in part.children:
            if any(f.id == fact_id for f in child.facts):
                return f"{part.heading} > {child.heading}"
    return _("（未归入任何部分）")
