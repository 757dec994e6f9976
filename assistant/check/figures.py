"""What figures the facts allow: each normalised figure of the facts, with the forms a writer may
legitimately derive from it (a date's year, a number without its unit). Figures themselves are
found by assistant.genre.figures."""

from __future__ import annotations

import re
import unicodedata

from assistant.genre.figures import Figure, find_figures


def allowed_values(texts: list[str]) -> set[str]:
    """Normalised figures the facts allow, with the forms a writer may legitimately derive:
    a full date allows its year, its month-day; a number allows its bare value."""
    out: set[str] = set()
    for t in texts:
        for f in find_figures(t):
            out.add(f.value)
            if f.kind == "date" and not f.value.endswith("@md"):
                parts = f.value.split("-")
                out.add(parts[0])
                if len(parts) >= 2:
                    out.add("-".join(parts[1:]) + "@md")
                    out.add(parts[1] + "@md")
                    out.add("-".join(parts[:2]))
            if f.kind == "date" and f.value.endswith("@md"):
                out.add(f.value.split("-")[0].replace("@md", "") + "@md")
            if f.kind in ("number", "percent"):
                out.add(re.match(r"[\d.]+", f.value).group())  # type: ignore[union-attr]
        # Years and quarter/half-year words in the period (2024年第三季度) are facts too.
        for y in re.findall(r"(?:19|20)\d{2}", unicodedata.normalize("NFKC", t)):
            out.add(y)
    return out


def is_allowed(fig: Figure, allowed: set[str]) -> bool:
    if fig.value in allowed:
        return True
    if fig.kind == "number":
        num = re.match(r"[\d.]+", fig.value)
        unit = fig.value[num.end() :] if num else ""
        # A bare year number or a count restated without its unit is fine if the value is a fact.
        if num and (not unit or unit in ("年",)) and num.group() in allowed:
            return True
    if fig.kind == "quote":
        return any(
            fig.value in a or a in fig.value for a in allowed if not re.fullmatch(r"[\d.%@-]+(?:md)?\w*", a)
        )
    return False
