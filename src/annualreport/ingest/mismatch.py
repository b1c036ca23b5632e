"""A rule that fails almost every row of a file is a convention mismatch, not bad rows.

When an office writes its IDs (or dates, or categories) by another convention than the one the
college's params set, every row would be quarantined and the table would come out empty. Instead,
when at least `conventions.mismatch_share` (default 0.9) of a file's data rows fail the same rule on
the same column, and the file has at least `conventions.mismatch_min_rows` (default 10) data rows,
the clean stage stops with one message: the file, sheet and column, the rule, three sample values
(persons' IDs masked) and the params key that sets the convention.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from annualreport.base.conventions import PERSON_IDS, mask
from annualreport.base.errors import InputError
from annualreport.ingest.cells import RowError
from annualreport.ingest.infer import Proposal, propose, yaml_line


class ConventionError(InputError):
    """Almost every row of a file fails one rule: the file follows another convention. For a college convention
    (`setting`, a params key), `proposal` is the format the column's values share (`ingest/infer.py`)."""

    setting: str | None = None
    proposal: Proposal | None = None
    values: frozenset = frozenset()


@dataclass
class Tally:
    """How many rows fail each (rule, column), with the first values and the convention key."""

    rows: Counter = field(default_factory=Counter)
    samples: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)  # convention key -> every distinct non-blank text of its columns

    def seen(self, setting: str, texts) -> None:
        """The texts of a column (or the rows of a case) that follow the convention `setting`."""
        self.values.setdefault(setting, set()).update(t for t in texts if t)

    def add(self, errors: list[RowError], raw_texts: dict, names: dict[str, str]) -> None:
        for rule, column in {(e.rule, e.column) for e in errors}:
            self.rows[rule, column] += 1
            err = next(e for e in errors if (e.rule, e.column) == (rule, column))
            if err.setting:
                self.settings.setdefault((rule, column), err.setting)
            values = self.samples.setdefault((rule, column), [])
            text = raw_texts.get(names.get(column, ""), "")
            if len(values) < 3 and text not in values:
                values.append(text)


def check(tally: Tally, data_rows: int, ctx, spec, sheet, rules: dict[str, str]) -> None:
    """Raise ConventionError when one rule fails at least the threshold share of the data rows."""
    share, min_rows = ctx.mismatch
    if data_rows < min_rows:
        return
    for (rule, column), failed in tally.rows.most_common():
        if failed < share * data_rows:
            break
        setting = tally.settings.get((rule, column))
        person = setting is not None and setting.removeprefix("conventions.") in PERSON_IDS
        samples = ", ".join(
            f"'{mask(v) if person else v}'" if v else "(blank)" for v in tally.samples.get((rule, column), [])
        )
        values = frozenset(tally.values.get(setting, ())) if setting else frozenset()
        proposal = propose(values) if setting else None
        error = ConventionError(
            f"{failed} of {data_rows} data rows ({100 * failed / data_rows:.0f}%) fail the same rule {rule} "
            f"({rules.get(rule, rule)}), e.g. {samples}. A rule that fails almost every row is a convention "
            f"mismatch, not bad rows: the run stops instead of quarantining the whole file. "
            f"{_advice(rule, column, setting, spec, ctx)}{_proposed(setting, proposal, ctx)}",
            file=sheet.file,
            sheet=sheet.sheet,
            column=column,
        )
        error.setting, error.proposal, error.values = setting, proposal, values
        raise error


def _advice(rule: str, column: str, setting: str | None, spec, ctx) -> str:
    threshold = "(threshold: conventions.mismatch_share, conventions.mismatch_min_rows)"
    if setting:
        key = setting.removeprefix("conventions.")
        return (
            f"The office writes {column} in another format than {setting} = '{ctx.convention(key)}' "
            f"in {ctx.params_file}: set {setting} to the college's own format (a regular expression; "
            f"docs/用户指南.md) {threshold}."
        )
    if rule == "bad_id":
        return (
            f"The data contract fixes this format (specs/datasets/{spec.name}.yaml): ask the office for "
            f"the file as the contract says {threshold}."
        )
    return (
        f"Check that this is the right file (year, office) and that {column} holds what the data contract "
        f"means (specs/datasets/{spec.name}.yaml) {threshold}."
    )


def _proposed(setting: str | None, proposal: Proposal | None, ctx) -> str:
    """The params line the column's values propose, and the command that writes it; or why there is none."""
    if not setting or proposal is None:
        return ""
    if not proposal.ok:
        return f" No format is proposed: {proposal.why}."
    line = yaml_line(setting.removeprefix("conventions."), proposal.pattern)
    return (
        f" Proposed from the column's {proposal.values} distinct values: under conventions: in {ctx.params_file}, "
        f"{line} (`make check-inputs YEAR={ctx.year} ACCEPT=1` writes it there)."
    )
