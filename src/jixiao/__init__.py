"""jixiao (绩效): parse, score and audit 项目支出绩效自评表.

>>> import jixiao
>>> jixiao.parse_target("≥45人").to_dict()
{'kind': 'comparison', 'op': '>=', 'value': '45', 'unit': '人', 'inclusive': True}

``import jixiao`` is light: the parser, the policy compiler and the form readers are imported on
first use (PEP 562 module ``__getattr__``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from jixiao.batch import score_forms
    from jixiao.errors import (
        EvaluationError,
        FormError,
        JixiaoError,
        PolicyError,
        TargetSyntaxError,
        UnitMismatchError,
    )
    from jixiao.evaluate import (
        BudgetResult,
        Finding,
        FormResult,
        IndicatorResult,
        score_budget,
        score_form,
        score_indicator,
        score_rows,
    )
    from jixiao.forms import read_form, read_forms
    from jixiao.forms.model import Budget, Form, Indicator
    from jixiao.policy import Policy, load_policy, shipped_policies
    from jixiao.targets import parse_actual, parse_target
    from jixiao.targets.ast import Actual, Target

_EXPORTS: dict[str, str] = {
    "JixiaoError": "jixiao.errors",
    "TargetSyntaxError": "jixiao.errors",
    "UnitMismatchError": "jixiao.errors",
    "PolicyError": "jixiao.errors",
    "FormError": "jixiao.errors",
    "EvaluationError": "jixiao.errors",
    "parse_target": "jixiao.targets",
    "parse_actual": "jixiao.targets",
    "Target": "jixiao.targets.ast",
    "Actual": "jixiao.targets.ast",
    "load_policy": "jixiao.policy",
    "shipped_policies": "jixiao.policy",
    "run_policy_examples": "jixiao.evaluate.examples",
    "ExampleOutcome": "jixiao.evaluate.examples",
    "Policy": "jixiao.policy",
    "read_form": "jixiao.forms",
    "read_forms": "jixiao.forms",
    "Form": "jixiao.forms.model",
    "Indicator": "jixiao.forms.model",
    "Budget": "jixiao.forms.model",
    "score_form": "jixiao.evaluate",
    "score_rows": "jixiao.evaluate",
    "score_indicator": "jixiao.evaluate",
    "score_forms": "jixiao.batch",
    "score_budget": "jixiao.evaluate",
    "FormResult": "jixiao.evaluate",
    "IndicatorResult": "jixiao.evaluate",
    "BudgetResult": "jixiao.evaluate",
    "Finding": "jixiao.evaluate",
}

__all__ = [
    "Actual",
    "Budget",
    "BudgetResult",
    "EvaluationError",
    "ExampleOutcome",
    "Finding",
    "Form",
    "FormError",
    "FormResult",
    "Indicator",
    "IndicatorResult",
    "JixiaoError",
    "Policy",
    "PolicyError",
    "Target",
    "TargetSyntaxError",
    "UnitMismatchError",
    "__version__",
    "load_policy",
    "parse_actual",
    "parse_target",
    "read_form",
    "read_forms",
    "run_policy_examples",
    "score_budget",
    "score_form",
    "score_forms",
    "score_indicator",
    "score_rows",
    "shipped_policies",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'jixiao' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
