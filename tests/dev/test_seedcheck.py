"""The seed-coverage tool: splitting the seed into units, normalising, present/close/missing, numbers with
their measure words, the thresholds' exit code, and the real seed kept in reference/. No build."""

from collections import Counter

from annualreport_dev import seedcheck as sc
from tests.helpers import ROOT

# A made-up seed in the real one's shape: wrapped lines, a trailing space at each paragraph's end,
# page numbers on their own lines, text before part 一 that is not part of the check. ¶ marks a trailing space.
SEED = """ ——某某学院 2021年工作报告¶

一、2020 年工作回顾¶

2020年学院完成各项任务。全年开展培训 28408人次，录取

新生 4001人。¶

（一）加强党的领导¶

1.加强党的建设。组织集中学习 14 次，发布新闻近千篇；开

展“1+X”证书试点 14个。¶

7¶

2.完成改造。完成体验馆改造和画册改版工作。¶

二、存在的问题¶

1.落实主体责任力度不够，手段比较

单一。¶

三、2021 年工作要点¶

（一）主要任务¶

1.推进产教融合¶

（1）深化合作。再吸引 3-4 个企业进入董事会，培训收入达到 600 万元。¶

（2）¶

""".replace("¶", " ")

REPORT = """一、2020年工作回顾
  2020年学院完成各项任务。全年开展培训28408人次，录取新生
4001人。
（一）加强党的领导
1.加强党的建设
  组织集中学习14次，发布新闻近千篇；开展“1＋X”证书试点14个。
                         — 7 —
  完成体验馆改造工作。
二、存在的问题
  落实主体责任力度不够，手段比较单一。
"""


def units():
    return [u for part in sc.seed_parts(SEED).values() for u in part]


def test_the_seed_splits_into_its_three_parts_sentences_and_headings():
    parts = sc.seed_parts(SEED)
    assert list(parts) == ["一", "二", "三"]
    texts = {p: [u.text for u in us] for p, us in parts.items()}
    assert texts["一"] == [
        "一、2020年工作回顾",
        "2020年学院完成各项任务。",
        "全年开展培训28408人次，录取新生4001人。",  # joined across the wrapped line
        "（一）加强党的领导",
        "1.加强党的建设。",
        "组织集中学习14次，发布新闻近千篇；",
        "开展“1+X”证书试点14个。",  # the page number "7" between the lines is dropped
        "2.完成改造。",
        "完成体验馆改造和画册改版工作。",
    ]
    assert texts["二"] == ["二、存在的问题", "1.落实主体责任力度不够，手段比较单一。"]
    # "1.推进产教融合" ends its line without a full stop: a heading of its own; "（2）" alone is dropped
    assert texts["三"] == [
        "三、2021年工作要点",
        "（一）主要任务",
        "1.推进产教融合",
        "（1）深化合作。",
        "再吸引3-4个企业进入董事会，培训收入达到600万元。",
    ]
    heads = [u.text for u in parts["三"] if u.heading]
    assert heads == ["三、2021年工作要点", "（一）主要任务", "1.推进产教融合", "（1）深化合作。"]
    assert parts["一"][5].section == "（一）加强党的领导 / 1.加强党的建设"
    assert parts["三"][-1].section == "（一）主要任务 / 1.推进产教融合"


def test_normalisation_unifies_width_quotes_glyphs_and_strips_numbering():
    assert sc.normalise("“１＋Ｘ” 证书，\n试点") == '"1+X"证书,试点'
    assert sc.normalise("应急处臵 学四史〃再奋进") == "应急处置学四史·再奋进"
    assert sc.unit_key("（一）加强党的领导") == "加强党的领导"
    assert sc.unit_key("(1)深化合作。") == "深化合作"
    assert sc.unit_key("12.完成改造；") == "完成改造"
    assert sc.unit_key("一、2020 年工作回顾") == "2020年工作回顾"
    assert sc.unit_key("2.1万个资源") == "2.1万个资源"  # a decimal is not numbering
    assert sc.level("（三）主要任务") == 1 and sc.level("3.深入推进") == 2 and sc.level("学院") is None


def test_units_are_present_close_or_missing():
    by_text = {m.unit.text: m for m in sc.coverage(units(), sc.body_text(REPORT))}
    assert by_text["全年开展培训28408人次，录取新生4001人。"].status == "present"  # across a line break
    assert by_text["开展“1+X”证书试点14个。"].status == "present"  # across the page number, full-width ＋
    assert by_text["1.落实主体责任力度不够，手段比较单一。"].status == "present"  # numbering stripped
    close = by_text["完成体验馆改造和画册改版工作。"]
    assert close.status == "close" and 0.6 <= close.ratio < 1 and close.best == "完成体验馆改造工作"
    missing = by_text["再吸引3-4个企业进入董事会，培训收入达到600万元。"]
    assert missing.status == "missing" and missing.ratio < 0.6
    stats = sc.summary(list(by_text.values()), Counter(), Counter())
    assert stats["units"] == 16 and stats["present"] == round(100 * 9 / 16, 1)  # "2.完成改造" is not in the report


def test_numbers_with_measure_words():
    found = sc.numbers(
        "培训 28408人次，录取 4001人，近千篇，“1+X”试点 14个，3-4 个企业，600 万元，达到 100%，五大赛项八个类别"
    )
    assert set(found) == {"28408人次", "4001人", "近千", "1+X", "14个", "3-4个", "600万元", "100%", "八个"}
    seed, hit = sc.number_coverage(units(), REPORT)
    assert seed["14次"] == 1 and seed["600万元"] == 1 and seed["3-4个"] == 1
    assert hit["14次"] == 1 and hit["近千"] == 1 and hit["1+X"] == 1 and hit["28408人次"] == 1
    assert hit["600万元"] == 0 and hit["3-4个"] == 0
    # a number inside a longer one does not count: 4个 is not in 14个
    assert sc.number_coverage([sc.Unit("一", "", "试点4个。", "试点4个")], "试点14个")[1]["4个"] == 0


def test_the_cli_writes_the_markdown_and_fails_only_below_a_given_threshold(tmp_path, capsys):
    seed, report, out = tmp_path / "seed.txt", tmp_path / "report.html", tmp_path / "out" / "2020.md"
    seed.write_text(SEED, encoding="utf-8")
    report.write_text("<html><body><p>" + REPORT.replace("\n", "</p><p>") + "</p></body></html>", encoding="utf-8")
    args = ["--seed", str(seed), "--report", str(report), "--out", str(out)]
    assert sc.main(args) == 0
    printed = capsys.readouterr().out
    assert "sentences: 56.2% present" in printed and "numbers:" in printed
    md = out.read_text(encoding="utf-8")
    assert "## 三、 （一）主要任务 / 1.推进产教融合" in md
    assert "**missing**" in md and "**close**" in md and "best match: 完成体验馆改造工作" in md
    assert "`600万元` ×1" in md
    assert sc.main([*args, "--min-sentences", "55", "--min-numbers", "70"]) == 0
    assert sc.main([*args, "--min-sentences", "95"]) == 1
    assert sc.main([*args, "--min-numbers", "99"]) == 1
    assert sc.main(["--seed", str(seed), "--report", str(tmp_path / "absent.pdf")]) == 2


def test_the_real_seed_kept_in_the_repository():
    text = (ROOT / sc.SEED).read_text(encoding="utf-8")
    parts = sc.seed_parts(text)
    assert {p: len(us) for p, us in parts.items()} == {"一": 112, "二": 5, "三": 142}
    assert {p: sum(u.heading for u in us) for p, us in parts.items()} == {"一": 21, "二": 5, "三": 37}
    first = parts["一"]
    assert first[0].text == "一、2020年工作回顾" and first[-1].text.endswith("确保“十四五”规划高质量完成。")
    assert parts["三"][-1].text.endswith("扎实做好在常态化疫情防控下的各项工作。")
    sections = {u.section for u in parts["一"]}
    assert sum(s.startswith("（") and " / " not in s for s in sections) == 10  # （一）…（十）
    seed_numbers = Counter()
    for u in first + parts["二"] + parts["三"]:
        seed_numbers.update(sc.numbers(u.text))
    assert sum(seed_numbers.values()) == 127
    assert {"14名", "3名", "2项", "40门", "600万元", "20项", "3-4个", "100%", "近千", "2万只", "1+X"} <= set(
        seed_numbers
    )
