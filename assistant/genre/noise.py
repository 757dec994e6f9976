"""Web noise in copies of reports: site furniture (breadcrumbs, copyright, ICP numbers, "download
the full text" links, share buttons), paywall markers and elisions (……略……) left where text was cut.

The corpus cleaner drops noise lines and cuts the markers out; the draft check reports a noise line a
model copied from an example. Every test here is linear in the line's length: no pattern scans from
each position of a long run (a line of 50,000 “> ” or spaces costs milliseconds, not minutes)."""

from __future__ import annotations

import re

# Whole lines that are site furniture, never report text.
_NOISE_LINE = [
    re.compile(p)
    for p in (
        r"^(首页|当前位置|您的位置|你的位置)\s*[>＞›»]",
        r"预览结束|免费获取全文|定制代笔|扫码|联系老师|下载全文|全文阅读|点击查看|查看全文",
        r"(?i)copyright|版权所有|All Rights Reserved|©",
        r"ICP\s*[备证]|备案号|公网安备",
        r"内容侵权|侵权请|侵权删除|错误投诉|投诉[:：]|举报电话[:：]",
        # an e-mail address: name@host.tld (one character of the name is enough to tell)
        r"(?<=[\w.+-])@[\w-]+\.[\w.]",
        r"(?i)https?://|www\.",
        # 来源：某某网 — the source's name runs to the next space; it stops at the next 来源： too,
        # whose own name is the rest of the same run.
        r"链接地址|转载请|由互联网用户分享|本文由|来源[:：]\s*(?:[^\s网来]|来(?!源[:：]))*网",
        r"^(相关文章|推荐文章|热门文章|猜你喜欢|上一篇|下一篇|友情链接|返回顶部|收藏本文|分享到)",
        r"所在栏目|内容摘要[:：]",
        r"范文网|文库|范文大全",
        r"为大家整理|欢迎品鉴|欢迎阅读|欢迎借鉴|仅供参考",
        r"^\s*\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}",
    )
]
# Short lines only: these words also occur in real prose.
_SHORT_NOISE = re.compile(r"导航|阅读\s*\d+|浏览\s*\d+|字体[:：]|打印本页|关闭窗口|发布时间|作者[:：]")
_ARROWS = ">＞"

PAYWALL = re.compile(r"##paid(begin|end)##", re.I)
# ……略……, ...略, （略）: where a web copy cut text out. The surrounding spaces go with the marker.
# A match starts where a run of spaces starts, or at the marker itself (never inside a run of
# spaces or dots, which a leftmost match never does either), so no run is scanned twice.
ELIDED = re.compile(r"(?:(?<!\s)\s+)?(?:(?:……|(?<!\.)\.{3,}|…)\s*略\s*(……|\.{3,}|…)?\s*|[（(]略[)）]\s*)")


def is_noise_line(line: str) -> bool:
    """Whether a line is site furniture (a breadcrumb, a copyright or ICP line, a share button …)."""
    if any(p.search(line) for p in _NOISE_LINE) or _is_breadcrumb(line):
        return True
    return len(line) <= 30 and bool(_SHORT_NOISE.search(line))


def _is_breadcrumb(line: str) -> bool:
    """首页 > 范文 > 工作总结 >: a line ending in an arrow, with an earlier step of at most 30
    characters (spaces around it aside) between two arrows before that last one. The same test as
    the pattern [>＞]\\s*[^>＞]{1,30}\\s*[>＞].*[>＞]\\s*$, done in one pass."""
    text = line.rstrip()
    if not text or text[-1] not in _ARROWS:
        return False
    arrows = [i for i, ch in enumerate(text) if ch in _ARROWS]
    for a, b in zip(arrows, arrows[1:], strict=False):
        if b >= len(text) - 1:
            break
        step = text[a + 1 : b]
        if step and len(step.strip()) <= 30:
            return True
    return False


def cut_trailing_ellipsis(line: str) -> str | None:
    """The line without a trailing ellipsis (“ ……”, “ …”, “ ...”) set off by a space, where a web
    copy cut the paragraph short; None when it has none. The ellipsis is the last one or two “…”
    or the whole last run of three or more dots, and a space must come before it."""
    text = line.rstrip()
    dots = len(text) - len(text.rstrip("."))
    ellipses = len(text) - len(text.rstrip("…"))
    if dots >= 3:
        start = len(text) - dots
    elif 1 <= ellipses <= 2:
        start = len(text) - ellipses
    else:
        return None
    if start == 0 or not text[start - 1].isspace():
        return None
    return text[:start].rstrip()
