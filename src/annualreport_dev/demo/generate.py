"""Generate the demo files for each year. Deterministic: same code, same bytes.

Usage: python -m annualreport_dev.demo [--years 2019 2020 2021] [--out DIR] [--scale N]

With --scale N the record-level datasets get N times their rows (for benchmarks); that output goes
to `build/demo-xN/` unless --out says otherwise, never over the committed `data/raw/`.
"""

from __future__ import annotations

import argparse
import importlib
import random
from pathlib import Path

from annualreport.base.paths import repo_root

from .common import YearFiles
from .reference import MAJORS, POVERTY_COUNTIES
from .truth import TRUTH
from .writers import write_csv

# One module per office (or group of offices); each exports GENERATORS: functions (YearFiles, out_dir).
MODULES = ["gen_enrolment", "gen_teaching", "gen_research", "gen_staff_safety"]


def generators() -> list:
    out = []
    for name in MODULES:
        try:
            module = importlib.import_module(f"{__package__}.{name}")
        except ModuleNotFoundError:
            continue
        out.extend(module.GENERATORS)
    return out


# --------------------------------------------------------------------------------------------
# Reference tables


def write_reference(out: Path) -> None:
    rows = [["专业代码", "专业名称", "二级学院", "专业群", "状态", "批准年份"]]
    rows += [list(m) for m in MAJORS]
    write_csv(out / "majors.csv", rows, "utf-8")
    rows = [["省份", "县区"]] + [list(pc) for pc in POVERTY_COUNTIES]
    write_csv(out / "poverty_counties.csv", rows, "utf-8")


def rng_for(year: int, gen, scale: int = 1) -> random.Random:
    """The random stream of one generator for one year: seeded by the generator's module name as it
    was first written (annualreport.demo.<module>), so the committed demo bytes do not depend on
    where the generators live."""
    module = "annualreport.demo." + gen.__module__.rsplit(".", 1)[1]
    return random.Random(f"demo-{year}-{module}.{gen.__name__}-x{scale}")


def generate(years: list[int], raw_root: Path, reference_dir: Path | None, scale: int = 1) -> dict:
    """Write every demo file; returns {year: [(file, mess kind), ...]}."""
    if reference_dir is not None:
        write_reference(reference_dir)
    mess = {}
    for year in years:
        mess[year] = []
        institution = demo_institution(year)
        out = raw_root / str(year)
        for gen in generators():
            # Each generator has its own random stream, so changing one file leaves the others as they are.
            rng = rng_for(year, gen, scale)
            gen(YearFiles(year=year, rng=rng, scale=scale, mess=mess[year], institution=institution), out)
    return mess


def demo_institution(year: int) -> str:
    """The demo college's name, from its params (the demo data are that college's files)."""
    from annualreport.base.params import load_params, params_path_for

    path = params_path_for(year)
    if not path.exists():
        path = params_path_for(2020)
    return load_params(path).institution["name"]


def write_manifest(path: Path, mess: dict) -> None:
    """Which demo file carries which kind of mess: tests check each kind is handled."""
    rows = [["year", "file", "mess"]]
    for year in sorted(mess):
        rows += [[year, f, kind] for f, kind in sorted(mess[year])]
    write_csv(path, rows, "utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--years", type=int, nargs="+", default=sorted(TRUTH))
    ap.add_argument("--scale", type=int, default=1, help="multiply record-level datasets (benchmarks)")
    ap.add_argument(
        "--out", type=Path, default=None, help="raw data root (default data/raw, or build/demo-xN with --scale N > 1)"
    )
    args = ap.parse_args(argv)
    root = repo_root()
    if args.out is None:
        out = root / "data" / "raw" if args.scale == 1 else root / "build" / f"demo-x{args.scale}" / "raw"
    else:
        out = args.out
    reference = root / "data" / "reference" if args.out is None and args.scale == 1 else out.parent / "reference"
    mess = generate(args.years, out, reference, scale=args.scale)
    if args.scale == 1:
        write_manifest(out / "mess-manifest.csv", mess)
    print(f"demo data written under {out} (reference tables in {reference})")
    return 0
