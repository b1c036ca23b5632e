"""Fake but real-looking personal data: Chinese names and 18-character ID numbers with check digits."""

from __future__ import annotations

import datetime as dt
import random
from operator import mul

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鑫晨浩宇轩然怡欣佳琪子涵梓萱"
    "雨辰博文思远嘉懿晓东海峰建国志强丹阳婷婷俊杰梦瑶语桐一鸣嘉豪诗琪佳怡天宇浩然瑾瑜彦昕昊骞煜祺晗曦"
)
# Region codes (first six digits of an ID number) of places students come from.
REGIONS = (
    "120101",
    "120102",
    "120104",
    "120110",
    "120112",
    "130102",
    "130602",
    "131002",
    "140105",
    "150102",
    "210102",
    "370102",
    "410102",
    "620102",
    "620823",
    "620826",
    "621122",
    "130732",
)

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """GB 11643-1999 check character for the first 17 digits of an ID number."""
    return _CHECK[sum(map(mul, map(int, first17), _WEIGHTS)) % 11]


def id_number(rng: random.Random, birth_year: int) -> str:
    region = rng.choice(REGIONS)
    birth = dt.date(birth_year, 1, 1) + dt.timedelta(days=rng.randrange(365))
    seq = f"{rng.randrange(1, 1000):03d}"
    first17 = f"{region}{birth:%Y%m%d}{seq}"
    return first17 + id_check_digit(first17)


def name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def phone(rng: random.Random) -> str:
    return rng.choice(("13", "15", "18", "17")) + f"{rng.randrange(10**9):09d}"
