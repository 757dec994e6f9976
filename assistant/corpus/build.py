"""Turn one segment of classified lines into a Report: text with offsets, heading tree, roles, chunks."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from assistant.corpus.model import Chunk, Heading, Report
from assistant.corpus.segment import Segment, split_heading_text
from assistant.genre.numbering import number_token, point_offsets
from assistant.genre.placeholders import find_masks
from assistant.genre.roles import (
    MERGED_PLAN_HEADING,
    MERGED_PLAN_START,
    PLAN_TURN,
    classify_sections,
    is_closing,
)
from assistant.text import normalize_for_match

MAX_CHUNK = 450  # characters; longer paragraphs are split at 一是/二是 boundaries
TINY_ITEM = 80  # numbered items shorter than this are merged with their neighbours
SHORT_LEAD = 30  # a lead-in such as 下一步主要做好以下工作： joins the paragraph after it


@dataclass
class Unit:
    """A piece of body text under one heading (a paragraph, an inline body, or an item)."""

    start: int
    end: int
    kind: str  # para | inline | item | salutation
    flags: set[str] = field(default_factory=set)


@dataclass
class Node:
    heading: Heading | None
    units: list[Unit] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None
    style: str = ""


def report_id(text: str) -> str:
    return "r" + hashlib.sha1(normalize_for_match(text).encode()).hexdigest()[:10]


def build_report(seg: Segment, *, source: str, ordinal: int) -> Report:
    parts: list[str] = []
    offsets: list[int] = []
    pos = 0
    if seg.title:
        parts.append(seg.title)
        pos = len(seg.title) + 1
    for ln in seg.lines:
        offsets.append(pos)
        parts.append(ln.text)
        pos += len(ln.text) + 1
    text = "\n".join(parts)

    root = Node(None)
    stack: list[Node] = [root]
    last_l2: dict[int, int] = {}  # id(level-1 node) → last level-2 ordinal under it
    for ln, off in zip(seg.lines, offsets, strict=True):
        if ln.kind in ("heading", "item") and ln.num is not None:
            level = ln.num.level
            # (3) after (二) is a mistyped （三）: web copies mix the styles within one list.
            if level == 4 and not any(n.heading and n.heading.level == 3 for n in stack):
                l1 = next((n for n in reversed(stack) if n.heading and n.heading.level == 1), root)
                if last_l2.get(id(l1)) == ln.num.ordinal - 1 and ln.num.ordinal > 1:
                    level = 2
                    ln.kind = "heading"
                    ln.title, ln.body = split_heading_text(ln.num.rest)
            while len(stack) > 1 and stack[-1].heading is not None and stack[-1].heading.level >= level:
                stack.pop()
            if ln.kind == "item":
                stack[-1].units.append(Unit(off, off + len(ln.text), "item", set(ln.flags)))
                continue
            if level == 2:
                l1 = next((n for n in reversed(stack) if n.heading and n.heading.level == 1), root)
                last_l2[id(l1)] = ln.num.ordinal
            body_at = off + len(ln.text) - len(ln.body) if ln.body else off + len(ln.text)
            h = Heading(
                level=level,
                number=number_token(level, ln.num.ordinal) if ln.num.ordinal else ln.num.token,
                ordinal=ln.num.ordinal,
                text=ln.title,
                start=off,
                end=off + len(ln.text),
            )
            node = Node(h, parent=stack[-1], style=ln.num.style)
            stack[-1].children.append(node)
            stack.append(node)
            if ln.body:
                node.units.append(Unit(body_at, off + len(ln.text), "inline", set(ln.flags)))
            continue
        kind = "salutation" if ln.kind == "salutation" else "para"
        stack[-1].units.append(Unit(off, off + len(ln.text), kind, set(ln.flags)))

    rid = report_id(text)
    kind = (
        "speech"
        if any(ln.kind == "salutation" for ln in seg.lines) or re.search(r"讲话|发言", seg.title)
        else "report"
    )
    report = Report(id=rid, source=source, ordinal=ordinal, title=seg.title, text=text, kind=kind)
    _finish_tree(report, root)
    return report


def _subtree_text(report: Report, node: Node) -> str:
    parts = [report.text[u.start : u.end] for u in node.units]
    for c in node.children:
        parts.append(c.heading.text if c.heading else "")
        parts.append(_subtree_text(report, c))
    return "\n".join(parts)


def _finish_tree(report: Report, root: Node) -> None:
    # The top level is the 一、 parts; a report numbered only from （一） uses those as its parts.
    tops = root.children
    _close_ends(report, root)
    roles = classify_sections(
        [n.heading.text for n in tops if n.heading], [_subtree_text(report, n) for n in tops]
    )
    for n, rs in zip(tops, roles, strict=True):
        assert n.heading is not None
        n.heading.roles = rs
        n.heading.role = rs[0] if rs else "other"
        _propagate(n)
    report.headings = [n.heading for n in tops if n.heading]
    report.chunks = _chunks(report, root)
    if any(c.has_placeholders for c in report.chunks) or find_masks(report.title):
        report.flags.append("has_placeholders")
    if any("truncated" in c.flags for c in report.chunks):
        report.flags.append("truncated")


def _propagate(node: Node) -> None:
    for c in node.children:
        assert c.heading is not None and node.heading is not None
        c.heading.role = node.heading.role
        c.heading.roles = list(node.heading.roles)
        _propagate(c)
        node.heading.children.append(c.heading)
    if node.heading is not None and node.children:
        node.heading.end = max(
            node.heading.end, node.children[-1].heading.end if node.children[-1].heading else 0
        )


def _close_ends(report: Report, root: Node) -> None:
    """Trailing 总之…/同志们，… paragraphs and a signature/date are the closing, not the last part."""
    last = root
    while last.children:
        last = last.children[-1]
    if last is root:
        return
    units = last.units
    cut = len(units)
    while cut > 1:  # keep at least the part's first paragraph in the part
        u = units[cut - 1]
        body = report.text[u.start : u.end]
        if is_closing(body) or _is_signature(body):
            cut -= 1
            continue
        break
    if cut < len(units):
        root.units.extend(Unit(u.start, u.end, "closing", u.flags) for u in units[cut:])
        del units[cut:]


def _is_signature(text: str) -> bool:
    return bool(re.fullmatch(r"(19|20)\d{2}年\d{1,2}月\d{1,2}日", text)) or (
        len(text) <= 25 and not re.search(r"[，。；：]", text)
    )


def _unit_role(text: str, section_roles: list[str], turned: bool) -> tuple[str, bool]:
    if section_roles == ["problems", "plans"]:
        turned = turned or bool(MERGED_PLAN_START.match(text))
        return ("plans" if turned else "problems"), turned
    return (section_roles[0] if section_roles else "other"), turned


def _chunks(report: Report, root: Node) -> list[Chunk]:
    chunks: list[Chunk] = []

    def emit(start: int, end: int, path: list[str], role: str, flags: set[str]) -> None:
        text = report.text[start:end].strip()
        if not text:
            return
        fl = set(flags)
        if find_masks(text):
            fl.add("has_placeholders")
        chunks.append(
            Chunk(
                id=f"{report.id}-{len(chunks):03d}",
                report_id=report.id,
                title=report.title,
                heading_path=path,
                role=role,
                text=text,
                start=start,
                end=end,
                source=report.source,
                flags=sorted(fl),
            )
        )

    def groups(units: list[Unit]) -> list[tuple[int, int, set[str]]]:
        """Merge runs of tiny items and short lead-ins; returns (start, end, flags)."""
        out: list[tuple[int, int, set[str]]] = []
        i = 0
        while i < len(units):
            u = units[i]
            start, end, flags = u.start, u.end, set(u.flags)
            if u.kind == "item" and u.end - u.start < TINY_ITEM:
                j = i
                while (
                    j + 1 < len(units)
                    and units[j + 1].kind == "item"
                    and units[j + 1].end - units[j + 1].start < TINY_ITEM
                ):
                    j += 1
                    end = units[j].end
                    flags |= units[j].flags
                if j > i:
                    flags.add("merged_items")
                i = j + 1
            elif u.end - u.start < SHORT_LEAD and u.kind != "closing" and i + 1 < len(units):
                nxt = units[i + 1]
                end = nxt.end
                flags |= nxt.flags
                i += 2
            else:
                i += 1
            out.append((start, end, flags))
        return out

    def split_long(start: int, end: int) -> list[tuple[int, int]]:
        text = report.text[start:end]
        if len(text) <= MAX_CHUNK:
            return [(start, end)]
        cuts = [o for o in point_offsets(text) if o > 0]
        if not cuts:  # fall back to sentence ends
            cuts = [m.end() for m in re.finditer(r"[。；]", text) if m.end() < len(text)]
        pieces: list[tuple[int, int]] = []
        s = 0
        for c in cuts:
            if c - s >= MAX_CHUNK * 0.6 or (
                c - s > 0 and len(text) - s > MAX_CHUNK and c - s >= MAX_CHUNK * 0.45
            ):
                pieces.append((start + s, start + c))
                s = c
        pieces.append((start + s, end))
        if len(pieces) > 1 and pieces[-1][1] - pieces[-1][0] < 100:  # no stub tails
            tail = pieces.pop()
            pieces[-1] = (pieces[-1][0], tail[1])
        return pieces

    # In a merged 问题及打算 part, once the text turns to plans everything after it is plans,
    # across the part's subsections too.
    turned_parts: set[int] = set()

    def walk(node: Node, path: list[str], top: Node | None = None) -> None:
        h = node.heading
        section_roles = h.roles if h else []
        top = top or node
        turned = id(top) in turned_parts
        for start, end, flags in groups(node.units):
            text = report.text[start:end]
            if h is None:
                role = _root_role(root, start, text)
            else:
                # A merged part may turn from problems to plans inside one paragraph.
                m = PLAN_TURN.search(text) if section_roles == ["problems", "plans"] and not turned else None
                if m and m.start() > 0:
                    emit(start, start + m.start(), path, "problems", flags | {"split"})
                    start += m.start()
                    turned = True
                role, turned = _unit_role(report.text[start:end], section_roles, turned)
            if turned:
                turned_parts.add(id(top))
            pieces = split_long(start, end)
            for ps, pe in pieces:
                emit(ps, pe, path, role, flags | ({"split"} if len(pieces) > 1 else set()))
        for c in node.children:
            assert c.heading is not None
            if section_roles == ["problems", "plans"] and MERGED_PLAN_HEADING.search(c.heading.text):
                turned_parts.add(id(top))
            walk(c, path + [c.heading.text], top if node.heading else None)

    walk(root, [])
    chunks.sort(key=lambda c: c.start)
    for i, c in enumerate(chunks):
        c.id = f"{report.id}-{i:03d}"
    return chunks


def _root_role(root: Node, start: int, text: str) -> str:
    """Text outside any part: before the first heading it opens the report, after it closes it."""
    first = root.children[0].heading if root.children else None
    if first is not None:
        return "opening" if start < first.start else "closing"
    if root.units and start == root.units[0].start:
        return "opening"
    return "closing" if is_closing(text) else "other"
