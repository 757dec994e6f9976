"""Remove web noise from example files and find masked placeholders.

Works line by line: a noise line is dropped whole; paywall and truncation markers inside a line are
cut out and the paragraph is flagged `truncated`. Report text is otherwise kept as written, with
punctuation made consistently full-width."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.text import punctuate_cjk

# Whole lines that are site furniture, never report text.
_NOISE_LINE = [
    re.compile(p)
    for p in (
        r"^(首页|当前位置|您的位置|你的位置)\s*[>＞›»]",
        r"[>＞]\s*[^>＞]{1,30}\s*[>＞].*[>＞]\s*$",  # breadcrumb "a > b > c >"
        r"预览结束|免费获取全文|定制代笔|扫码|联系老师|下载全文|全文阅读|点击查看|查看全文",
        r"(?i)copyright|版权所有|All Rights Reserved|©",
        r"ICP\s*[备证]|备案号|公网安备",
        r"内容侵权|侵权请|侵权删除|错误投诉|投诉[:：]|举报电话[:：]",
        r"[\w.+-]+@[\w-]+\.[\w.]+",
        r"(?i)https?://|www\.",
        r"链接地址|转载请|由互联网用户分享|本文由|来源[:：]\s*\S*网",
        r"^(相关文章|推荐文章|热门文章|猜你喜欢|上一篇|下一篇|友情链接|返回顶部|收藏本文|分享到)",
        r"所在栏目|内容摘要[:：]",
        r"范文网|文库|范文大全",
        r"为大家整理|欢迎品鉴|欢迎阅读|欢迎借鉴|仅供参考",
        r"^\s*\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}",
    )
]
# Short lines only: these words also occur in real prose.
_SHORT_NOISE = re.compile(r"导航|阅读\s*\d+|浏览\s*\d+|字体[:：]|打印本页|关闭窗口|发布时间|作者[:：]")

_PAYWALL = re.compile(r"##paid(begin|end)##", re.I)
_ELIDED = re.compile(r"\s*(……|\.{3,}|…)\s*略\s*(……|\.{3,}|…)?\s*|\s*[（(]略[)）]\s*")
_TRAILING_ELLIPSIS = re.compile(r"\s+(……|…|\.{3,})\s*$")

# Masked names and dates in the example files (202_, 20XX, ***, --社区, x日报, 党的_大).
PLACEHOLDER = re.compile(
    r"(?:19|20)\d?[_＿xX×]+|[Xx]{2,}|\*{2,}|[_＿]+|-{2,}|(?<![A-Za-z0-9])[xX](?=[\u4e00-\u9fff《“])"
    r"|某某|[（(]\s*[）)]"
)


@dataclass
class CleanLine:
    text: str
    flags: set[str] = field(default_factory=set)


@dataclass
class CleanResult:
    lines: list[CleanLine]
    removed: list[str]  # the noise lines dropped, for --json and debugging


def is_noise_line(line: str) -> bool:
    if any(p.search(line) for p in _NOISE_LINE):
        return True
    return len(line) <= 30 and bool(_SHORT_NOISE.search(line))


def find_placeholders(text: str) -> list[str]:
    return [m.group() for m in PLACEHOLDER.finditer(text)]


def clean_text(text: str) -> CleanResult:
    lines: list[CleanLine] = []
    removed: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip().strip("\ufeff").strip()
        if not line:
            continue
        flags: set[str] = set()
        if _PAYWALL.search(line):
            line = _PAYWALL.sub("", line).strip()
            if not line:
                continue
        # Markdown copies: heading markers, emphasis and list bullets are layout, not text.
        line = re.sub(r"^#{1,6}\s*", "", line)
        line = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: m.group(1) or m.group(2), line)
        line = re.sub(r"^[-*+]\s+(?=\S)", "", line).strip()
        if not line:
            continue
        if is_noise_line(line):
            removed.append(line)
            continue
        if _ELIDED.search(line):
            line = _ELIDED.sub("", line)
            flags.add("truncated")
        if _TRAILING_ELLIPSIS.search(line):
            line = _TRAILING_ELLIPSIS.sub("", line)
            flags.add("truncated")
        line = punctuate_cjk(re.sub(r"[ \t\u3000]+", " ", line)).strip()
        if line:
            lines.append(CleanLine(line, flags))
    return CleanResult(lines, removed)
