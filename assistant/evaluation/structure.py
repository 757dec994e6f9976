"""Structure checks against the target outline: required parts present and in order, soft heading
recall / precision, and GB/T 9704 numbering."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.draft.outline import Section
from assistant.evaluation.draftview import DraftView, Heading
from assistant.evaluation.scoring import CheckResult, Finding, penalised
from assistant.evaluation.similarity import Similarity, bigram_matrix, soft_recall_precision
from assistant.genre.numbering import number_token, starts_with_point
from assistant.genre.roles import classify_sections
from assistant.i18n import _

ROLE_BONUS = 0.5  # a draft part that does the same job (role) as a target part is half-way a match
PART_MATCH = 0.5  # pair score needed: the same role, or a clearly similar heading
PARTS_SCALE = 1.0
NUMBERING_SCALE = 1.0


@dataclass
class PartMatch:
    target: int  # index into the target parts
    draft: int  # index into view.top
    score: float


def draft_roles(view: DraftView) -> list[list[str]]:
    top = view.top
    return classify_sections([p.title for p in top], [p.body for p in top])


def _overlap(a: list[str], b: list[str]) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb) if sa | sb else 0.0


def match_parts(view: DraftView, target: list[Section]) -> list[PartMatch]:
    """Greedy one-to-one matching of target parts to draft parts by heading bigrams plus role.
    Greedy by score is enough: parts are few and a part's own counterpart is its best pair."""
    top = view.top
    if not top or not target:
        return []
    sims = bigram_matrix([s.title for s in target], [p.title for p in top])
    roles = draft_roles(view)
    pairs = []
    for i, s in enumerate(target):
        for j in range(len(top)):
            score = sims[i][j] + ROLE_BONUS * _overlap(s.roles, roles[j])
            if score >= PART_MATCH:
                pairs.append((score, -abs(i - j), i, j))
    used_t: set[int] = set()
    used_d: set[int] = set()
    out: list[PartMatch] = []
    for score, _tie, i, j in sorted(pairs, reverse=True):
        if i not in used_t and j not in used_d:
            used_t.add(i)
            used_d.add(j)
            out.append(PartMatch(i, j, score))
    return sorted(out, key=lambda m: m.target)


def _lis(seq: list[int]) -> set[int]:
    """Positions in seq of one longest increasing subsequence (O(n²): parts are few)."""
    if not seq:
        return set()
    best = [1] * len(seq)
    prev = [-1] * len(seq)
    for i in range(len(seq)):
        for j in range(i):
            if seq[j] < seq[i] and best[j] + 1 > best[i]:
                best[i], prev[i] = best[j] + 1, j
    i = max(range(len(seq)), key=lambda k: best[k])
    keep: set[int] = set()
    while i >= 0:
        keep.add(i)
        i = prev[i]
    return keep


def check_parts(view: DraftView, target: list[Section], matches: list[PartMatch]) -> CheckResult:
    """score = 1 / (1 + missing parts + parts out of order); the parts kept in order are the longest
    run of draft parts that follows the target order."""
    top = view.top
    findings: list[Finding] = []
    matched = {m.target: m for m in matches}
    for i, s in enumerate(target):
        if i in matched:
            continue
        # Point at the draft part it should come before (or after), where the writer would add it.
        after = next((matched[k] for k in range(i + 1, len(target)) if k in matched), None)
        before = next((matched[k] for k in range(i - 1, -1, -1) if k in matched), None)
        anchor = after or before
        line = top[anchor.draft].heading.line if anchor and top[anchor.draft].heading else 0  # type: ignore[union-attr]
        findings.append(Finding("parts", "missing_part", _("缺少“{heading}”部分", heading=s.heading), line))
    in_order = _lis([m.draft for m in matches])
    for k, m in enumerate(matches):
        if k not in in_order:
            h = top[m.draft].heading
            findings.append(
                Finding(
                    "parts",
                    "part_out_of_order",
                    _(
                        "“{title}”应为第 {number} 部分（“{heading}”）",
                        title=top[m.draft].title,
                        number=m.target + 1,
                        heading=target[m.target].heading,
                    ),
                    h.line if h else 0,
                )
            )
    extra = sorted(set(range(len(top))) - {m.draft for m in matches})
    for j in extra:
        h = top[j].heading
        findings.append(
            Finding(
                "parts",
                "extra_part",
                _("“{title}”部分不在提纲里", title=top[j].title),
                h.line if h else 0,
                0.0,
            )
        )
    return penalised(
        "parts",
        findings,
        PARTS_SCALE,
        present=f"{len(matches)}/{len(target)}",
        in_order=f"{len(in_order)}/{len(matches)}",
    )


def outline_headings(target: list[Section]) -> list[str]:
    return [t for s in target for t in [s.title, *(c.title for c in s.children)]]


def check_headings(view: DraftView, target: list[Section], similarity: Similarity) -> CheckResult:
    """score = F1 of STORM's soft heading recall and precision (levels 一、 and （一）, as outlines have)."""
    want = outline_headings(target)
    drafted = [h for h in view.headings if h.level <= 2]
    have = [h.text for h in drafted]
    recall, precision = soft_recall_precision(want, have, similarity)
    f1 = 2 * recall * precision / (recall + precision) if recall + precision else 0.0
    findings: list[Finding] = []
    if want and have:
        sims = similarity.matrix(want, have)
        for i, t in enumerate(want):
            if max(sims[i]) < similarity.threshold:
                findings.append(
                    Finding(
                        "headings", "missing_heading", _("没有与“{heading}”相近的标题", heading=t), 0, 0.0
                    )
                )
        for j, h in enumerate(drafted):
            if max(row[j] for row in sims) < similarity.threshold:
                findings.append(
                    Finding(
                        "headings",
                        "unexpected_heading",
                        _("“{heading}”不在提纲里", heading=h.text),
                        h.line,
                        0.0,
                    )
                )
    detail = {"recall": round(recall, 4), "precision": round(precision, 4), "similarity": similarity.name}
    return CheckResult("headings", f1, findings, detail=detail)


def check_numbering(view: DraftView) -> CheckResult:
    """GB/T 9704: 一、 → （一） → 1. → （1）, no level skipped, numbers 1, 2, 3… restarting under
    each parent, one token style per level, and 一是/二是 as points inside paragraphs, not headings."""
    findings: list[Finding] = []
    last = [0] * 6  # last ordinal seen per level, reset when a shallower heading opens
    depth = 0
    styles: dict[int, str] = {}
    warned: set[tuple[int, str]] = set()
    for h in view.numbered:
        if starts_with_point(h.text) and not h.token:
            findings.append(
                Finding(
                    "numbering",
                    "point_as_heading",
                    _("“{text}”是要点（一是…），不应作标题", text=h.text[:12]),
                    h.line,
                )
            )
            continue
        if not h.token:
            findings.append(
                Finding(
                    "numbering",
                    "unnumbered_heading",
                    _("标题“{text}”没有序号", text=h.text[:12]),
                    h.line,
                    0.5,
                )
            )
            continue
        if h.depth and h.depth != h.level:
            findings.append(
                Finding(
                    "numbering",
                    "level_mismatch",
                    _(
                        "“{token}”是第 {level} 级序号，却用在第 {depth} 级标题上",
                        token=h.token,
                        level=h.level,
                        depth=h.depth,
                    ),
                    h.line,
                    0.5,
                )
            )
        if h.level > depth + 1:
            missing = "、".join(number_token(k, 1) for k in range(depth + 1, h.level))
            findings.append(
                Finding(
                    "numbering",
                    "skipped_level",
                    _("“{token}”上面缺少 {missing} 一级", token=h.token, missing=missing),
                    h.line,
                )
            )
        expected = last[h.level] + 1
        if h.ordinal == last[h.level] and h.ordinal:
            findings.append(
                Finding("numbering", "repeated_number", _("“{token}”与上一个序号重复", token=h.token), h.line)
            )
        elif h.ordinal != expected:
            findings.append(
                Finding(
                    "numbering",
                    "number_gap",
                    _(
                        "此处应为 {expected}，却是“{token}”",
                        expected=number_token(h.level, expected),
                        token=h.token,
                    ),
                    h.line,
                )
            )
        last[h.level] = h.ordinal
        for k in range(h.level + 1, len(last)):
            last[k] = 0
        depth = h.level
        _style(h, styles, warned, findings)
    return penalised("numbering", findings, NUMBERING_SCALE, numbered=len(view.numbered))


def _style(h: Heading, styles: dict[int, str], warned: set[tuple[int, str]], findings: list[Finding]) -> None:
    """One token style per level; a non-official style is said once per level and style."""
    first = styles.setdefault(h.level, h.shape)
    if h.shape != first and (h.level, h.shape) not in warned:
        warned.add((h.level, h.shape))
        findings.append(
            Finding(
                "numbering",
                "mixed_style",
                _(
                    "第 {level} 级序号“{token}”与“{first}”样式不一致",
                    level=h.level,
                    token=h.token,
                    first=first,
                ),
                h.line,
                0.5,
            )
        )
    elif not h.official and (h.level, "!" + h.shape) not in warned:
        warned.add((h.level, "!" + h.shape))
        official = number_token(h.level, 1)
        findings.append(
            Finding(
                "numbering",
                "nonstandard_number",
                _("“{token}”不是规范的序号样式（{official}）", token=h.token, official=official),
                h.line,
                0.25,
            )
        )
