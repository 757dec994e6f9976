"""Claims with no figure: found in model prose, supported only by a fact that makes them."""

from __future__ import annotations

import pytest

from assistant.genre.claims import find_claims, is_supported

FACTS = [
    "党工委会议专题研究意识形态工作2次",
    "“产业园微讯”公众号获评全市优秀政务新媒体",
    "全年未发生涉企重大网络舆情",
    "印发《园区意识形态工作责任清单》",
    "首次开展企业宣传员轮训",
]


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("园区党工委荣获市级先进集体称号。", "honour"),
        ("相关做法受到市委宣传部通报表扬。", "honour"),
        ("全年未发生重大负面舆情。", "zero"),
        ("实现零投诉。", "zero"),
        ("工作成效位居全市前列。", "first"),
        ("召开意识形态工作推进会。", "meeting"),
        ("制定《园区网络舆情处置办法》。", "document"),
    ],
)
def test_invented_claims_are_found_and_unsupported(sentence: str, kind: str) -> None:
    claims = find_claims(sentence)
    assert [c.kind for c in claims] == [kind], claims
    assert not is_supported(claims[0], FACTS)


@pytest.mark.parametrize(
    "sentence",
    [
        "“产业园微讯”公众号获评全市优秀政务新媒体。",
        "全年未发生涉企重大网络舆情。",
        "印发《园区意识形态工作责任清单》，压实责任。",
        "首次开展企业宣传员轮训。",
    ],
)
def test_claims_the_facts_make_are_supported(sentence: str) -> None:
    claims = find_claims(sentence)
    assert claims and all(is_supported(c, FACTS) for c in claims), claims


@pytest.mark.parametrize(
    "sentence",
    [
        "党工委会议专题研究意识形态工作2次。",
        "推动意识形态工作取得新成效。",
        "切实增强做好意识形态工作的责任感。",
    ],
)
def test_ordinary_genre_prose_makes_no_claim(sentence: str) -> None:
    assert find_claims(sentence) == []


def test_a_first_about_another_thing_is_not_supported() -> None:
    (claim,) = find_claims("首次组织开展网评员培训。")
    assert not is_supported(claim, FACTS)
