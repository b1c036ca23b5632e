"""What follows from the stage declarations (`runner/stages.py`): who writes and who reads each catalog entry,
which stages come before which, the order the steps run in, and a check that the declarations hold together.
Pure functions of the declarations: no files are read here."""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from annualreport.base.catalog import ARTEFACTS, CATALOG, parse_read, placeholders
from annualreport.runner.stages import STEPS, Stage, Step

STAGES: tuple[Stage, ...] = tuple(s for step in STEPS for s in step.stages)
BY_NAME: dict[str, Stage] = {s.name: s for s in STAGES}
STEP_OF: dict[str, Step] = {s.name: step for step in STEPS for s in step.stages}
NOTEBOOK_WRITES = ("executed", "logs")  # what a whole stage of a notebook step writes besides its own


def asked(stage: Stage, formats: tuple[str, ...]) -> bool:
    """Whether the output formats ask for the stage (a stage declaring no formats is always built)."""
    return not stage.formats or bool(set(stage.formats) & set(formats))


def writes(stage: Stage) -> tuple[str, ...]:
    """A stage's writes as `name` or `name[value]`: its declared ones and, for a notebook step's last whole stage,
    its notebook's executed copy and log."""
    step = STEP_OF[stage.name]
    last = [s for s in step.stages if not s.per_dataset][-1:]
    extra = () if step.notebook is None or last != [stage] else NOTEBOOK_WRITES
    return stage.writes + tuple(f"{a}[{step.notebook}]" for a in extra)


@cache
def writers() -> dict[str, str]:
    """{written entry (as a stage reads it: `ledger`, `executed[40-report]`): the stage that writes it}."""
    out: dict[str, str] = {}
    for s in STAGES:
        for w in writes(s):
            out[w] = s.name
    return out


def writer_of(read: str) -> str | None:
    """The stage that writes what `read` names (None: an input of the project, the year or the machine)."""
    name, _, fixed = parse_read(read)
    w = writers()
    return w.get(f"{name}[{fixed}]" if fixed else name)


@cache
def after(name: str) -> tuple[str, ...]:
    """The stages whose outputs `name` reads, in declaration order."""
    before = {writer_of(r) for r in BY_NAME[name].reads} - {None, name}
    return tuple(s.name for s in STAGES if s.name in before)


def ancestors(name: str) -> set[str]:
    out: set[str] = set()
    todo = list(after(name))
    while todo:
        n = todo.pop()
        if n not in out:
            out.add(n)
            todo.extend(after(n))
    return out


def step_after(step: Step) -> tuple[str, ...]:
    """The steps whose stages the step's stages read from (not itself)."""
    names = {STEP_OF[a].name for s in step.stages for a in after(s.name)} - {step.name}
    return tuple(t.name for t in STEPS if t.name in names)


@cache
def readers() -> dict[str, tuple[str, ...]]:
    """{catalog entry: the stages that read it}."""
    out: dict[str, list[str]] = defaultdict(list)
    for s in STAGES:
        for r in s.reads:
            name = parse_read(r)[0]
            if s.name not in out[name]:
                out[name].append(s.name)
    return {k: tuple(v) for k, v in out.items()}


def order(wanted: set[str] | None = None) -> list[Step]:
    """The steps to run for the wanted stages (and what they need), each after the steps it reads from; steps
    that do not depend on each other keep the order they are declared in."""
    names = set(BY_NAME) if wanted is None else set(wanted)
    for n in list(names):
        names |= ancestors(n)
    todo = [step for step in STEPS if any(s.name in names for s in step.stages)]
    done: list[Step] = []
    while todo:
        ready = next(t for t in todo if all(a in {d.name for d in done} for a in step_after(t)))
        done.append(ready)
        todo.remove(ready)
    return done


def problems() -> list[str]:
    """What is wrong with the declarations (empty when they hold together)."""
    out = []
    written: dict[str, str] = {}
    for step in STEPS:
        per = [s for s in step.stages if s.per_dataset]
        if (per and step.stages[0] is not per[0]) or len(per) > 1:
            out.append(f"step {step.name}: one per-dataset stage at most, and first")
        if step.notebook is None and len(step.stages) != 1:
            out.append(f"step {step.name}: a step the driver runs holds one stage")
        for s in step.stages:
            for r in s.reads:
                try:
                    name, _, fixed = parse_read(r)
                except KeyError as exc:
                    out.append(f"stage {s.name}: {exc.args[0]}")
                    continue
                if fixed and len(placeholders(CATALOG[name])) != 1:
                    out.append(f"stage {s.name}: '{r}' fixes a placeholder '{name}' does not have")
            for w in writes(s):
                name = w.partition("[")[0]
                if name not in ARTEFACTS:
                    out.append(f"stage {s.name}: writes '{w}', which is not an artefact of the catalog")
                if w in written:
                    out.append(f"'{w}' is written by both {written[w]} and {s.name}")
                written[w] = s.name
    if len(BY_NAME) != len(STAGES):
        out.append("two stages share a name")
    try:
        order()
    except StopIteration:
        out.append("the stages read each other in a circle")
    return out
