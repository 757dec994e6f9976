"""Tie each particular of a draft sentence to the fact it expresses, by the words around it.

A figure that exists somewhere in the facts is not enough: 专题辅导2次 is not 专题研讨2次, and 发现问题9个、
已整改13个 swaps two counts of one fact. Each draft particular is compared with the facts' particulars of
the same value (its *candidates*) and with the facts' clauses that say the same thing with another value
(its *competitors*): the figure is misattached when a competitor's words fit the draft's clause clearly
better than every candidate's, or when the activity it counts is another one."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.check.particulars import Particular, extract, normalise

_CLAUSE_SPLIT = re.compile(r"[，。；：！？、,;:!?\n（）()]")
_FUNCTION_CHARS = re.compile(r"[了共达计累其中等为有约近的和及与并、，“”《》\s]")
# Activities and things a figure counts; two different ones around the same figure are two facts.
ACTIVITY_NOUNS = frozenset(
    """
    研讨 辅导 培训 讲座 宣讲 学习 检查 督查 巡查 调研 座谈 谈话 约谈 演讲 比赛 竞赛 演出 展览 评比 评选 会议 党课
    讲堂 交流 观摩 考核 测试 考试 征文 晚会 汇演 授课 报告 论坛 沙龙 参观 走访 慰问 家访 排查 整改 处置 回应
    答复 回复 发布 推送 转发 报道 刊发 稿件 信息 视频 图片 文章 简报 专栏 标语 展板 横幅 海报 资料 手册 问卷
    党员 干部 职工 群众 居民 学生 教师 村民 志愿者 网评员 宣传员 讲解员 选手 代表 典型 先进 人才 骨干
    支部 小组 党小组 网格 分局 科室 子公司 企业 单位 村 社区 学校 部门 股室 阵地 平台 公众号 书屋
    问题 隐患 舆情 纠纷 矛盾 投诉 案件
    """.split()
)


@dataclass(frozen=True)
class FactParticular:
    fact_index: int
    particular: Particular
    clause: str  # the fact's clause that holds it, without the particular itself


@dataclass(frozen=True)
class Verdict:
    status: str  # traced | invented | changed | misattached | weak | unreadable
    fact_index: int | None = None  # the fact it was traced to, or the one it should match
    expected: str = ""  # the fact's wording of the particular it should be


def clause_of(text: str, start: int, end: int) -> str:
    """The clause around text[start:end] (between clause punctuation), the span itself blanked."""
    marks = _clause_marks(text)
    at = bisect.bisect_right(marks, start - 1)
    left = marks[at - 1] + 1 if at else 0
    after = bisect.bisect_left(marks, end)
    right = marks[after] if after < len(marks) else len(text)
    return text[left:start] + " " + text[end:right]


@lru_cache(maxsize=256)
def _clause_marks(text: str) -> list[int]:
    """Positions of the clause marks of text, once per text (a sentence holds many particulars)."""
    return [m.start() for m in _CLAUSE_SPLIT.finditer(text)]


@lru_cache(maxsize=8192)
def wording(text: str) -> frozenset[str]:
    """Content bigrams of a clause (function characters and marks dropped)."""
    bare = _FUNCTION_CHARS.sub(" ", text)
    grams: set[str] = set()
    for chunk in bare.split():
        grams.update(chunk[i : i + 2] for i in range(len(chunk) - 1))
    return frozenset(grams)


def similarity(draft_clause: str, fact_clause: str) -> float:
    """How much of the fact clause's wording the draft clause has."""
    f = wording(fact_clause)
    return len(f & wording(draft_clause)) / len(f) if f else 0.0


def fact_particulars(fact_texts: list[str]) -> list[FactParticular]:
    out = []
    for i, text in enumerate(fact_texts):
        norm = normalise(text)
        for p in extract(norm):
            out.append(FactParticular(i, p, clause_of(norm, p.start, p.end)))
    return out


_PERIODS = [
    (re.compile(r"上半年"), (1, 6)),
    (re.compile(r"下半年"), (7, 12)),
    (re.compile(r"第?一季度|一季度"), (1, 3)),
    (re.compile(r"第?二季度"), (4, 6)),
    (re.compile(r"第?三季度"), (7, 9)),
    (re.compile(r"第?四季度"), (10, 12)),
    (re.compile(r"全年|年度|(?:19|20)\d{2}年(?!\s*\d|\s*[第上下一二三四])"), (1, 12)),
]


def period_ranges(texts: list[str]) -> set[tuple[int, int]]:
    """Month ranges that a period or a fact names (上半年 → 1–6, 第四季度 → 10–12)."""
    out: set[tuple[int, int]] = set()
    for text in texts:
        for pattern, span in _PERIODS:
            if pattern.search(text):
                out.add(span)
    return out


def period_years(texts: list[str]) -> set[str]:
    return {y for t in texts for y in re.findall(r"(?:19|20)\d{2}", normalise(t))}


class Tracer:
    """The facts' particulars, indexed once for all the sentences of a draft."""

    def __init__(self, fact_texts: list[str], meta_texts: list[str]) -> None:
        self.fact_texts = fact_texts
        self.facts = fact_particulars(fact_texts)
        self.meta = fact_particulars(meta_texts)
        self.years = period_years(meta_texts) or period_years(fact_texts)
        self.ranges = period_ranges(meta_texts + fact_texts) | {
            _range(fp.particular.value) for fp in self.facts if fp.particular.kind == "month_range"
        }
        self.period_ranges = period_ranges(meta_texts)

    # --- equivalence --------------------------------------------------------------------------
    def same(self, d: Particular, f: Particular) -> bool:
        if d.kind == "date" and f.kind == "date":
            return self._same_date(d.value, f.value)
        if d.kind != f.kind:
            return False
        if d.kind == "name":
            a, b = d.value, f.value
            return a == b or (min(len(a), len(b)) >= 4 and (a in b or b in a))
        if d.kind == "ratio":
            return d.value == f.value
        return d.value == f.value and d.qualifier == f.qualifier

    def _same_date(self, a: str, b: str) -> bool:
        ya, ra = _split_date(a)
        yb, rb = _split_date(b)
        if ra != rb and not (not ra and not rb):
            return False
        if ya and yb:
            return ya == yb
        if not ra:  # a bare year needs a year
            return bool(ya and yb and ya == yb)
        year = ya or yb
        return year is None or year in self.years

    # --- verdict for one draft particular -------------------------------------------------------
    def trace(self, d: Particular, sentence: str) -> Verdict:
        if d.kind == "unreadable":
            written = any(d.text in t for t in self.fact_texts)  # copied as the facts write it
            return Verdict("traced") if written else Verdict("unreadable")
        if d.kind == "month_range":
            return Verdict("traced") if _range(d.value) in self.ranges else Verdict("invented")
        if d.kind == "date" and "-" not in d.value and len(d.value) == 4:
            return Verdict("traced") if d.value in self.years or self._in_facts(d) else Verdict("invented")
        candidates = [fp for fp in self.facts if self.same(d, fp.particular)]
        if not candidates:
            if any(self.same(d, mp.particular) for mp in self.meta):
                return Verdict("traced")
            if d.weak:
                return Verdict("weak")
            near = self._changed_form(d)
            if near is not None:
                return Verdict("changed", near.fact_index, near.particular.text)
            return Verdict("invented")
        if d.kind in ("name", "ratio"):
            return Verdict("traced", candidates[0].fact_index)
        clause = clause_of(sentence, d.start, d.end)
        best = max(candidates, key=lambda fp: similarity(clause, fp.clause))
        best_sim = similarity(clause, best.clause)
        rival = self._rival(d, clause, best_sim)
        if rival is not None:
            return Verdict("misattached", rival.fact_index, rival.particular.text + rival.clause.strip())
        if self._other_activity(sentence, d, best):
            return Verdict("misattached", best.fact_index, best.clause.strip() + best.particular.text)
        return Verdict("traced", best.fact_index)

    def _in_facts(self, d: Particular) -> bool:
        return any(self.same(d, fp.particular) for fp in self.facts)

    def _changed_form(self, d: Particular) -> FactParticular | None:
        """A fact particular with the same number but another qualifier or measure (近500人次 → 500人次),
        the same measure first."""
        if d.kind not in ("count", "money", "percent"):
            return None
        near = [
            fp
            for fp in self.facts
            if fp.particular.kind == d.kind
            and fp.particular.number == d.number
            and (fp.particular.qualifier != d.qualifier or fp.particular.value != d.value)
        ]
        near.sort(key=lambda fp: fp.particular.value != d.value)
        return near[0] if near else None

    def _rival(self, d: Particular, clause: str, best_sim: float) -> FactParticular | None:
        """A fact clause that says what the draft clause says, with another value of the same kind."""
        kind = "number" if d.kind in ("count", "money", "percent") else d.kind
        rival, rival_sim = None, 0.0
        for fp in self.facts:
            f = fp.particular
            f_kind = "number" if f.kind in ("count", "money", "percent") else f.kind
            if f_kind != kind or self.same(d, f):
                continue
            if (
                kind == "number"
                and f.value.split("|")[-1] != d.value.split("|")[-1]
                and f.kind == d.kind == "count"
            ):
                continue  # another measure counts another thing
            sim = similarity(clause, fp.clause)
            if sim > rival_sim:
                rival, rival_sim = fp, sim
        if rival is not None and rival_sim >= 0.5 and rival_sim >= best_sim + 0.34:
            return rival
        return None

    def _other_activity(self, sentence: str, d: Particular, best: FactParticular) -> bool:
        """专题辅导2次 for the fact 专题研讨2次: the activity right before the figure is another one."""
        if d.kind not in ("count",):
            return False
        head_d = _head(sentence[: d.start])
        fact_text = self.fact_texts[best.fact_index]
        head_f = _head(best.clause.split(" ")[0])
        if not head_d or not head_f or head_d == head_f:
            return False
        return head_d not in fact_text and head_f not in sentence


def _head(before: str) -> str:
    """The activity noun written right before a figure (研讨 in 其中专题研讨2次), if it is one."""
    tail = re.sub(r"[了共达计累约近]+$", "", before.rstrip())
    for size in (3, 2):
        word = tail[-size:]
        if word in ACTIVITY_NOUNS:
            return word
    return ""


def _split_date(value: str) -> tuple[str | None, str]:
    """'2024-07-12' → ('2024', '07-12'); '07' → (None, '07'); '2024' → ('2024', '')."""
    if re.fullmatch(r"\d{4}", value):
        return value, ""
    if re.fullmatch(r"\d{4}-.*", value):
        return value[:4], value[5:]
    return None, value


def _range(value: str) -> tuple[int, int]:
    a, b = value.split("..")
    return int(a), int(b)
