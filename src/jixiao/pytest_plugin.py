"""pytest plugin: test rule files as part of a test suite.

Registered under the ``pytest11`` entry point, so it is active wherever jixiao is installed; it
does nothing until asked and imports hypothesis only when a check runs.

* ``pytest --jixiao-policies rules/`` (or ``jixiao_policies = true`` in the ini file) collects
  every ``*.policy`` file as a test module with one test per property::

      rules/my.policy::score_in_bounds PASSED
      rules/my.policy::monotone FAILED

* the ``check_policy`` fixture asserts that a policy has every property, with the run's
  settings (``--jixiao-max-examples``, ``--jixiao-lang``)::

      def test_my_policy(check_policy):
          check_policy("rules/my.policy", skip=["monotone"])

Without the plugin, ``jixiao.testing.assert_policy_ok`` does the same in three lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from jixiao.errors import JixiaoError, PolicyError

if TYPE_CHECKING:
    from jixiao.testing import PolicyReport

__all__ = ["PolicyFile", "PolicyPropertyItem"]

_DEFAULT_EXAMPLES = 100


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("jixiao", "jixiao scoring policies (绩效评分规则)")
    group.addoption(
        "--jixiao-policies",
        action="store_true",
        default=None,
        help="collect *.policy files and check their properties (检验 *.policy 规则文件的性质)",
    )
    group.addoption(
        "--jixiao-max-examples",
        type=int,
        default=None,
        help=f"generated inputs per property (每条性质生成的输入数, default {_DEFAULT_EXAMPLES})",
    )
    group.addoption(
        "--jixiao-lang",
        choices=("zh", "en"),
        default=None,
        help="language of the failure reports (报告语言, default zh)",
    )
    parser.addini("jixiao_policies", "collect *.policy files as tests", type="bool", default=False)
    parser.addini("jixiao_max_examples", "generated inputs per property", default="")


def _max_examples(config: pytest.Config) -> int:
    value = config.getoption("jixiao_max_examples")
    if value is None:
        ini = str(config.getini("jixiao_max_examples") or "").strip()
        value = int(ini) if ini else _DEFAULT_EXAMPLES
    return int(value)


def _lang(config: pytest.Config) -> str:
    return str(config.getoption("jixiao_lang") or "zh")


def _collecting(config: pytest.Config) -> bool:
    flag = config.getoption("jixiao_policies")
    return bool(flag) if flag is not None else bool(config.getini("jixiao_policies"))


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix == ".policy" and _collecting(parent.config):
        collector: PolicyFile = PolicyFile.from_parent(parent, path=file_path)
        return collector
    return None


class PolicyViolation(JixiaoError):
    """A property of a rule file does not hold; carries the report to render."""

    def __init__(self, report: PolicyReport) -> None:
        self.report = report
        super().__init__(report.render())


class PolicyFile(pytest.File):
    """A ``*.policy`` file: one test per property."""

    def collect(self) -> Iterator[pytest.Item]:
        from jixiao.testing import PROPERTIES

        for name in PROPERTIES:
            yield PolicyPropertyItem.from_parent(self, name=name)


class PolicyPropertyItem(pytest.Item):
    """One property of one rule file."""

    def runtest(self) -> None:
        from jixiao.testing import check_policy

        report = check_policy(self.path, only=[self.name], max_examples=_max_examples(self.config))
        if not report.ok:
            raise PolicyViolation(report)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str:
        if isinstance(excinfo.value, PolicyViolation):
            return excinfo.value.report.render(_lang(self.config))
        if isinstance(excinfo.value, PolicyError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"{self.path.name}::{self.name}"


@pytest.fixture
def check_policy(request: pytest.FixtureRequest) -> Callable[..., PolicyReport]:
    """``check_policy(policy, skip=(), only=None)``: assert that *policy* (a name, a path or a
    :class:`jixiao.Policy`) has every property; fails the test with the rendered report."""
    from jixiao.testing import assert_policy_ok

    config = request.config

    def check(policy: Any, **kwargs: Any) -> PolicyReport:
        kwargs.setdefault("max_examples", _max_examples(config))
        kwargs.setdefault("lang", _lang(config))
        return assert_policy_ok(policy, **kwargs)

    return check
