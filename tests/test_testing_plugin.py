"""The pytest plugin: *.policy files as tests, and the check_policy fixture.

The plugin is loaded with ``-p jixiao.pytest_plugin`` until the ``pytest11`` entry point is
installed; then it loads by itself.
"""

from __future__ import annotations

import shutil
from importlib.metadata import entry_points
from pathlib import Path

import pytest

# Imported here so that the in-process runs below reuse these modules: pytester drops the modules
# a run imports, and cached policies must not outlive the evaluator module they were scored by.
import jixiao.evaluate
import jixiao.testing  # noqa: F401

pytest_plugins = ("pytester",)

FIXTURES = Path(__file__).parent / "fixtures" / "policies"

# Once the pytest11 entry point is installed the plugin loads by itself; naming it again with -p
# would register the module twice.
PLUGIN: tuple[str, ...] = (
    ()
    if any(ep.value == "jixiao.pytest_plugin" for ep in entry_points(group="pytest11"))
    else ("-p", "jixiao.pytest_plugin")
)


def test_policy_files_are_collected_one_test_per_property(pytester: pytest.Pytester) -> None:
    shutil.copy(FIXTURES / "unrequired_reason.policy", pytester.path / "mine.policy")
    result = pytester.runpytest_inprocess(
        *PLUGIN, "--jixiao-policies", "--jixiao-max-examples", "5", "-q",
        "-k", "reason_required or monotone",
    )  # fmt: skip
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*reason_required*", "*REASON_MISSING*", "*mine.policy:8*"])


def test_policy_files_are_ignored_unless_asked(pytester: pytest.Pytester) -> None:
    shutil.copy(FIXTURES / "unrequired_reason.policy", pytester.path / "mine.policy")
    result = pytester.runpytest_inprocess(*PLUGIN, "-q")
    result.assert_outcomes()


def test_the_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        def test_good(check_policy):
            assert check_policy("central", only=["monotone"]).ok

        def test_bad(check_policy):
            check_policy({str(FIXTURES / "non_monotone.policy")!r}, only=["monotone"])
        """
    )
    result = pytester.runpytest_inprocess(
        *PLUGIN, "--jixiao-max-examples", "5", "--jixiao-lang", "en", "-q"
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*monotone*more achievement never lowers the score*"])


def test_the_three_line_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from jixiao.testing import assert_policy_ok
        def test_my_policy():
            assert_policy_ok("hubei", only=["tier_bands", "budget_monotone"], max_examples=5)
        """
    )
    pytester.runpytest_inprocess("-q").assert_outcomes(passed=1)
