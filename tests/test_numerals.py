"""Chinese and Arabic numerals as 公文 writes them (cn2an underneath, with the colloquial forms)."""

from __future__ import annotations

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.genre.numerals import format_number, parse_number


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("15", 15),
        ("1,200", 1200),
        ("１５", 15),
        ("2.5万", 25000),
        ("12万", 120000),
        ("1.2亿", 120_000_000),
        ("十", 10),
        ("十五", 15),
        ("一万二", 12000),
        ("一万二千", 12000),
        ("两千", 2000),
        ("两万", 20000),
        ("一亿", 100_000_000),
        ("零点五", 0.5),
        ("三点五", 3.5),
        ("六十二点五", 62.5),
        ("二〇二四", 2024),
        ("一九九七", 1997),
        ("一百零八", 108),
        ("廿", 20),
        ("三点五万", 35000),
        ("一点二亿", 120_000_000),
    ],
)
def test_known_forms(token: str, value: float) -> None:
    assert parse_number(token) == value


@pytest.mark.parametrize("token", ["", "万", "百", "千万", "几十", "数十", "abc", "十五次", "3次", "半"])
def test_not_numbers(token: str) -> None:
    assert parse_number(token) is None


@given(st.integers(min_value=0, max_value=999_999_999))
def test_every_integer_written_in_chinese_reads_back(n: int) -> None:
    assert parse_number(cn2an.an2cn(n)) == n


@given(st.integers(min_value=0, max_value=10**12))
def test_every_arabic_integer_reads_back(n: int) -> None:
    assert parse_number(str(n)) == n
    assert parse_number(f"{n:,}") == n


@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=1, max_value=9))
def test_decimals_in_chinese(whole: int, tenth: int) -> None:
    assert parse_number(cn2an.an2cn(f"{whole}.{tenth}")) == pytest.approx(whole + tenth / 10)


def test_format_number() -> None:
    assert format_number(12.0) == "12" and format_number(62.5) == "62.5"
