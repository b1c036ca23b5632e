"""The seed's rounded and word forms, as general rules."""

import pytest

from annualreport.base.wording import cn_numeral, join_list, word


@pytest.mark.parametrize(
    "value, style, step, band, text",
    [
        (968, "near", 1000, 100, "近千篇"),
        (900, "near", 1000, 100, "近千篇"),
        (999, "near", 1000, 100, "近千篇"),
        (788_000, "near", 100_000, 50_000, "近80万篇"),
        (750_000, "near", 100_000, 50_000, "近80万篇"),
        (21_480, "over", 1_000, 999, "超过2.1万篇"),
        (21_001, "over", 1_000, 999, "超过2.1万篇"),
        (34, "plus", 10, None, "30余篇"),
        (31, "plus", 10, None, "30余篇"),
        (20_000, "wan", None, None, "2万篇"),
        (20_500, "wan", None, None, "2.05万篇"),
        (4, "cn", None, None, "四篇"),
        (4001, "plain", None, None, "4001篇"),
    ],
)
def test_rounded_forms(value, style, step, band, text):
    assert word(value, "篇", style, step, band).text == text


@pytest.mark.parametrize(
    "value, style, step, band",
    [
        (850, "near", 1000, 100),  # not just below a round number
        (1000, "near", 1000, 100),  # exactly round: not "near"
        (21_000, "over", 1_000, 999),  # exactly round: not "over"
        (30, "plus", 10, None),  # exactly round: not "余"
    ],
)
def test_rounded_forms_fall_back_to_plain_with_a_note(value, style, step, band):
    w = word(value, "次", style, step, band)
    assert w.text == f"{value}次" and w.note


def test_word_forms():
    assert word(100, "%", "all").text == "全部"
    assert word("97.30", "%", "all").text == "97.3%"
    assert word(0, "起", "zero").text == "零"
    assert word(100, "%", "full").text == "百分之百"
    assert word(41, "人", "num").text == "41"
    assert word("81.24", "%").text == "81.24%"
    assert word("100.00", "%").text == "100%"


def test_cn_numerals():
    assert [cn_numeral(n) for n in (0, 2, 4, 10, 11, 20, 32)] == ["零", "两", "四", "十", "十一", "二十", "三十二"]
    assert word(0, "只", "wan").text == "0只"


def test_unknown_style():
    with pytest.raises(ValueError, match="unknown wording style"):
        word(1, "个", "roughly")


def test_lists_join_as_chinese_prose_does():
    assert [join_list(items) for items in ([], ["甲"], ["甲", "乙"], ["甲", "乙", "丙"])] == [
        "",
        "甲",
        "甲和乙",
        "甲、乙和丙",
    ]
    assert join_list(("甲", "乙", "丙", "丁、戊")) == "甲、乙、丙和丁、戊"  # an item keeps its own 、
