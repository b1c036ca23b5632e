"""Deterministic demo data: the files offices would send, with their real-world mess.

`python -m annualreport_dev.demo` writes `data/raw/<year>/` and `data/reference/` for the demo years.
Each year's true figures are set in `truth.py`; the generator builds exactly that many valid rows,
then adds the mess the contract says must be accepted and the bad rows it says to quarantine.
`demo/MESS.md` lists which file carries which kind of mess (tests check each one is handled).
"""
