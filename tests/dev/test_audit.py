"""`make audit` never passes when it could not check: pip-audit's own output says "No known
vulnerabilities found" when every package was skipped; the wrapper must say the audit was not done."""

import json

from annualreport_dev.audit import classify

ALL_SKIPPED = json.dumps(
    {
        "dependencies": [
            {"name": "pandas", "skip_reason": "Dependency not found on PyPI and could not be audited: pandas (3.1.1)"},
            {
                "name": "nbconvert",
                "skip_reason": "Dependency not found on PyPI and could not be audited: nbconvert (7.17.2)",
            },
        ],
        "fixes": [],
    }
)
# What pip-audit printed on this machine with `-s osv` (no DNS for api.osv.dev), last lines:
UNREACHABLE = (
    "Traceback (most recent call last):\n  ...\nrequests.exceptions.ConnectionError: "
    "HTTPSConnectionPool(host='api.osv.dev', port=443): Max retries exceeded with url: /v1/query "
    "(Caused by NameResolutionError(\"Failed to resolve 'api.osv.dev' ([Errno -2] Name or service not known)\"))"
)


def test_an_unreachable_service_is_not_a_pass():
    code, msg = classify(1, "", UNREACHABLE, "osv")
    assert code == 3 and msg.startswith("audit NOT done: the advisory service (osv) could not be reached")
    assert "api.osv.dev" in msg


def test_every_package_skipped_is_not_a_pass_even_when_pip_audit_exits_0():
    code, msg = classify(0, ALL_SKIPPED, "No known vulnerabilities found\n", "pypi")
    assert code == 3 and "audit NOT done" in msg and "none of the 2" in msg


def test_some_packages_skipped_is_incomplete():
    data = {
        "dependencies": [
            {"name": "pandas", "version": "3.1.1", "vulns": []},
            {"name": "nbconvert", "skip_reason": "not found"},
        ]
    }
    code, msg = classify(0, json.dumps(data), "", "pypi")
    assert code == 3 and msg.startswith("audit incomplete") and "nbconvert" in msg


def test_vulnerabilities_are_listed_with_their_fix():
    data = {
        "dependencies": [
            {"name": "nbconvert", "version": "7.16.0", "vulns": [{"id": "GHSA-xxxx", "fix_versions": ["7.17.1"]}]},
            {"name": "pandas", "version": "3.1.1", "vulns": []},
        ]
    }
    code, msg = classify(1, json.dumps(data), "", "pypi")
    assert code == 1 and "nbconvert 7.16.0: GHSA-xxxx (fixed in 7.17.1)" in msg


def test_a_clean_audit_passes():
    data = {"dependencies": [{"name": "pandas", "version": "3.1.1", "vulns": []}]}
    assert classify(0, json.dumps(data), "", "pypi") == (
        0,
        "no known vulnerabilities in the 1 pinned packages (service: pypi)",
    )


def test_garbage_output_is_not_a_pass():
    code, msg = classify(2, "", "usage: pip-audit ...", "pypi")
    assert code == 3 and "pip-audit failed" in msg
