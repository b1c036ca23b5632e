"""The documents' time (PDF and Word dates, the Data Docs' run time) is the report year's, not one fixed date:
1 January after the report year, unless the caller set SOURCE_DATE_EPOCH."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from annualreport.runner.driver import DOC_EPOCH_BY_BUILD, deterministic_env
from annualreport.validation.docs_run import run_time


@pytest.fixture
def env(tmp_path):
    """deterministic_env sets variables of the process: every one is put back afterwards (ANNUALREPORT_ROOT
    left pointing here would send the tests that follow to this folder)."""
    before = dict(os.environ)
    for var in ("MPLCONFIGDIR", "IPYTHONDIR"):
        os.environ[var] = str(tmp_path / var)
    for var in ("SOURCE_DATE_EPOCH", DOC_EPOCH_BY_BUILD):
        os.environ.pop(var, None)
    try:
        yield tmp_path
    finally:
        os.environ.clear()
        os.environ.update(before)


def test_each_year_gets_1_january_after_it(env):
    deterministic_env(env, 2022)
    assert run_time(2022) == dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
    deterministic_env(env, 2020)  # a second build in the same process: its own year, not the first one's
    assert run_time(2020) == dt.datetime(2021, 1, 1, tzinfo=dt.UTC)


def test_the_callers_time_is_kept(env, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1614556800")
    deterministic_env(env, 2022)
    assert run_time(2022) == dt.datetime(2021, 3, 1, tzinfo=dt.UTC)
