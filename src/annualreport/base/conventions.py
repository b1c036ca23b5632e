"""The institution's conventions: how its offices write IDs and local codes (params `conventions:`).

The data contract fixes only a few formats (考生号: 14 digits, 学号: 10 to 12 digits); every other code
(工号, 课程代码, 项目编号 ...) follows the college's own convention, which lives in its params, not in
the specs or the suites. A spec column names its convention (`convention: staff_id`); the cleaner and
the validation suites read the pattern from here. Defaults are permissive: a code is present, has no
space inside and is not a spreadsheet formula (`=…`, `+…`, `@…`); the contract's formats are the
defaults of 考生号 and 学号.
"""

from __future__ import annotations

import re

from annualreport.base.errors import ParamsError

# Any code: no space inside, not starting like a spreadsheet formula.
ANY_CODE = r"[^\s=+@]\S*"

# The contract's own formats.
CONTRACT = {"candidate_id": r"\d{14}", "student_id": r"\d{10,12}"}

# name -> (what it is, where it is used). Persons' IDs are masked in messages (`PERSON_IDS`).
IDS: dict[str, tuple[str, str]] = {
    "candidate_id": ("考生号 (candidate number)", "admissions 考生号; the data contract's format is the default"),
    "student_id": (
        "学号 (student number)",
        "graduates 学号, awards 学号/工号 of a 学生; the contract's format is the default",
    ),
    "staff_id": ("工号 of the personnel office (人事处)", "staff_changes and experts 工号"),
    "teacher_id": (
        "teacher's 工号 as the teaching office writes it",
        "online_courses 主讲教师工号, awards 学号/工号 of a 教师",
    ),
    "lead_id": ("工号 of a project lead as the research office writes it", "research_projects 负责人工号"),
    "major_code": ("专业代码 (major code)", "the majors reference table"),
    "course_code": ("课程代码 (course code)", "online_courses"),
    "term": ("学期 (term, e.g. 2019-2020-2)", "online_courses"),
    "response_id": ("问卷编号 (survey response number)", "teaching_survey"),
    "programme_id": ("项目编号 of a training programme", "training"),
    "project_id": ("项目编号 of a research or service project", "research_projects"),
    "hazard_id": ("隐患编号 (safety hazard number)", "hazards"),
}
PERSON_IDS = frozenset({"candidate_id", "student_id", "staff_id", "teacher_id", "lead_id"})

SCHEMA: dict[str, tuple] = {
    **{
        name: (
            str,
            False,
            CONTRACT.get(name, ANY_CODE),
            f"Regular expression every {what} must match in full (used by {used})."
            + ("" if name in CONTRACT else " Default: any code without spaces that is not a formula."),
        )
        for name, (what, used) in IDS.items()
    },
    "mismatch_share": (
        float | int,
        False,
        0.9,
        "Share of a file's data rows (0 to 1) failing the same rule (same column) at or above which the run "
        "stops with one message instead of quarantining the file: the office follows another convention.",
    ),
    "mismatch_min_rows": (
        int,
        False,
        10,
        "Smallest number of data rows a file must have for `mismatch_share` to apply.",
    ),
}

ENTRY = (
    SCHEMA,
    False,
    {},
    "The college's own conventions: the format (a Python regular expression, matched in full) of each ID "
    "and local code its offices write, and when a rule failing almost every row stops the run.",
)


def check(conventions: dict, source: str) -> None:
    """Each pattern compiles; the mismatch threshold is a share."""
    for name in IDS:
        pattern = conventions[name]
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise ParamsError(
                f"{source}: 'conventions.{name}' is not a valid regular expression ({exc}): {pattern!r}"
            ) from None
        if compiled.fullmatch(""):
            raise ParamsError(f"{source}: 'conventions.{name}' matches an empty value: {pattern!r}")
    share = conventions["mismatch_share"]
    if isinstance(share, bool) or not 0 < share <= 1:
        raise ParamsError(
            f"{source}: 'conventions.mismatch_share' must be a share above 0 and at most 1, got {share!r}"
        )
    if conventions["mismatch_min_rows"] < 1:
        raise ParamsError(f"{source}: 'conventions.mismatch_min_rows' must be at least 1")


def anchored(pattern: str) -> str:
    """The pattern as GX's regex expectations need it (they search; the cleaner matches in full)."""
    return f"^(?:{pattern})$"


def mask(value: str) -> str:
    """A person's ID as readers see it (the auditor's page, corrections, messages): at least half hidden,
    the length and the format's prefix kept. From ten characters (考生号, 学号) the first four and the last
    two show (2019309277 -> 2019****77); from seven, the first two and the last one (G000123 -> G0****3);
    shorter, the first two only."""
    text = "" if value is None else str(value)
    n = len(text)
    if n >= 10:
        return text[:4] + "*" * (n - 6) + text[-2:]
    if n >= 7:
        return text[:2] + "*" * (n - 3) + text[-1:]
    return text[:2] + "*" * max(n - 2, 0)
