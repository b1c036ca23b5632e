"""The true figures each demo year is built to give (2020's are the published ones)."""

from __future__ import annotations

from .common import LatestYear

TRUTH = LatestYear(
    {
        2019: {
            "enrolled": {"高职(专科)": 3712, "联合培养本科": 80, "留学生": 9},
            "graduates": 3694,
            "employed": 2968,  # 80.35 %
            "poverty_graduates": 38,
            "poverty_employed": 37,
        },
        2020: {
            "enrolled": {"高职(专科)": 4001, "联合培养本科": 100, "留学生": 6},
            "graduates": 3860,
            "employed": 3136,  # 81.24 %
            "poverty_graduates": 41,
            "poverty_employed": 41,
        },
        2021: {
            "enrolled": {"高职(专科)": 4236, "联合培养本科": 120, "留学生": 4},
            "graduates": 3951,
            "employed": 3362,  # 85.09 %: the +3 points target is met
            "poverty_graduates": 37,
            "poverty_employed": 36,
        },
    }
)
