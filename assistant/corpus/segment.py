"""Classify cleaned lines and cut a file into reports.

A file may hold many reports: explicit markers (第N篇：), title lines, and numbering that restarts
(a new opening paragraph and 一、 after a previous report's last part) each start a new one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.corpus.clean import CleanLine
from assistant.genre.numbering import Numbered, match_number, starts_with_point
from assistant.genre.roles import is_closing, looks_like_opening

_MARKER = re.compile(r"^第\s*([一二三四五六七八九十百零〇\d]+)\s*[篇章]\s*[:：.、]?\s*(.*)$")
_TITLE_END = re.compile(r"(总结|汇报|报告|讲话|发言|述职|材料|情况|要点|计划|方案|小结|综述|摘要)[”」》]?$")
_SALUTATION = re.compile(r"^(同志们|各位(领导|同志|同事)[^：:]{0,10})[：:，,！!]?$")
_SENTENCE_PUNCT = re.compile(r"[。；！？!?;]")


@dataclass
class Line:
    text: str
    flags: set[str]
    kind: str  # marker | title | heading | item | para | salutation
    num: Numbered | None = None
    title: str = ""  # heading text (without number)
    body: str = ""  # text after the heading on the same line


def is_title_line(text: str) -> bool:
    return (
        4 <= len(text) <= 50
        and not _SENTENCE_PUNCT.search(text)
        and not text.endswith(("：", ":", "，"))
        and not starts_with_point(text)
        and match_number(text) is None
        and bool(_TITLE_END.search(text))
    )


def split_heading_text(rest: str) -> tuple[str, str]:
    """`加强组织领导。局党组……` → (`加强组织领导`, `局党组……`)."""
    m = re.search(r"[。！？；!?;：:]", rest)
    if not m:
        return rest.strip(), ""
    return rest[: m.start()].strip(), rest[m.end() :].strip()


def classify(lines: list[CleanLine]) -> list[Line]:
    out: list[Line] = []
    for i, cl in enumerate(lines):
        text = cl.text
        nxt = lines[i + 1].text if i + 1 < len(lines) else ""
        if _MARKER.match(text):
            out.append(Line(text, cl.flags, "marker", title=_MARKER.match(text).group(2).strip()))  # type: ignore[union-attr]
            continue
        if _SALUTATION.match(text):
            out.append(Line(text, cl.flags, "salutation"))
            continue
        num = match_number(text)
        if num is None:
            kind = "title" if is_title_line(text) else "para"
            out.append(Line(text, cl.flags, kind))
            continue
        title, body = split_heading_text(num.rest)
        if num.level <= 2:
            out.append(Line(text, cl.flags, "heading", num, title, body))
            continue
        # 1. and （1） lines are headings only when they stand alone, short, above unnumbered text or
        # deeper items; otherwise they are numbered paragraphs (list items).
        nxt_num = match_number(nxt) if nxt else None
        standalone = not body and len(title) <= 24
        above_body = bool(nxt) and (nxt_num is None or nxt_num.level > num.level)
        kind = "heading" if standalone and above_body else "item"
        out.append(Line(text, cl.flags, kind, num, title if kind == "heading" else "", body))
    return _join_broken_headings(out)


def _join_broken_headings(lines: list[Line]) -> list[Line]:
    """`二、加强学习，` + `坚定信念……`: a heading cut at a comma continues on the next short line."""
    out: list[Line] = []
    skip = False
    for i, ln in enumerate(lines):
        if skip:
            skip = False
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if (
            ln.kind == "heading"
            and not ln.body
            and ln.title.endswith(("，", ","))
            and nxt is not None
            and nxt.kind == "para"
            and len(nxt.text) <= 30
            and not _SENTENCE_PUNCT.search(nxt.text)
        ):
            ln.title += nxt.text
            ln.text += nxt.text
            skip = True
        out.append(ln)
    return out


@dataclass
class Segment:
    title: str = ""
    lines: list[Line] = field(default_factory=list)
    after_closing: bool = False  # started because the previous report had closed
    closed: bool = False

    def has_heading(self) -> bool:
        return any(ln.kind == "heading" for ln in self.lines)

    def has_content(self) -> bool:
        return any(ln.kind in ("heading", "para", "item") for ln in self.lines)


def _opening_start(seg: Segment, *, allow_fallback: bool) -> int | None:
    """Where a new report's opening begins inside seg's tail, or None if it has none.

    Candidates are the paragraphs after the first body paragraph of seg's last heading: that first
    paragraph still belongs to the last part. The earliest candidate with an opening cue wins; failing
    that, a plain last paragraph (not a point 一是…) is the opening."""
    lines = seg.lines
    heads = [i for i, ln in enumerate(lines) if ln.kind == "heading"]
    if heads:
        last = heads[-1]
        first = last + 1 if lines[last].body else last + 2
    else:
        first = 1
    cands = [j for j in range(first, len(lines)) if lines[j].kind == "para"]
    for j in cands:
        if looks_like_opening(lines[j].text) and not starts_with_point(lines[j].text):
            return j
    if allow_fallback and cands and cands[-1] == len(lines) - 1:
        tail = lines[-1].text
        if len(tail) >= 40 and not starts_with_point(tail) and not tail.endswith(("：", ":")):
            return len(lines) - 1
    return None


def segment(lines: list[Line]) -> list[Segment]:
    segs: list[Segment] = []
    cur = Segment()

    def start_new(title: str = "", after_closing: bool = False) -> Segment:
        nonlocal cur
        if cur.has_content():
            segs.append(cur)
            cur = Segment(title=title, after_closing=after_closing)
        else:  # nothing but titles so far: keep the segment, take the better title
            cur.title = title or cur.title
            cur.after_closing = after_closing
        return cur

    for ln in lines:
        if ln.kind == "marker":
            start_new(ln.title)
            continue
        if ln.kind == "title":
            if ln.text == cur.title and not cur.has_heading():
                continue  # web copies repeat the title
            if not cur.has_content():
                if not cur.title:
                    cur.title = ln.text
                    continue
                ln.kind = "para"  # a second, different title line: keep it as text
            else:
                start_new(ln.text)
                continue
        restart = False
        if ln.kind == "heading" and ln.num is not None and ln.num.ordinal == 1:
            if ln.num.level == 1 and cur.has_heading():
                restart = True
                at = _opening_start(cur, allow_fallback=True)
            elif ln.num.level == 1 and cur.after_closing and cur.has_content():
                # A report that began after another's closing: its own first line is its opening,
                # so only a later opening starts yet another report.
                at = _opening_start(cur, allow_fallback=False)
                restart = at is not None
            elif ln.num.level == 2 and cur.has_heading():
                at = _opening_start(cur, allow_fallback=False)
                restart = at is not None
            if restart:
                tail = cur.lines[at:] if at is not None else []
                if at is not None and at == 0:
                    restart = False  # the segment is this report's own opening
                else:
                    if at is not None:
                        del cur.lines[at:]
                    new = Segment()
                    segs.append(cur)
                    cur = new
                    cur.lines.extend(tail)
        if cur.closed and ln.kind == "para" and len(ln.text) >= 40 and not starts_with_point(ln.text):
            start_new(after_closing=True)
        cur.lines.append(ln)
        if ln.kind == "para" and cur.has_heading() and is_closing(ln.text):
            cur.closed = True
        elif ln.kind in ("heading", "item"):
            cur.closed = False
    if cur.has_content():
        segs.append(cur)
    return segs
