"""The seed form (北京市应急管理局, 法治培训服务, 2023) in JSON, CSV and Excel reads to one Form."""

from __future__ import annotations

import hashlib
import importlib.util
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.forms import Form, read_form

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SEED_FILES = ["seed.json", "seed.csv", "seed.xlsx"]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def seed() -> Form:
    return read_form(EXAMPLES / "seed.json")


def test_seed_values(seed: Form) -> None:
    assert (seed.project, seed.year) == ("法治培训服务", 2023)
    assert (seed.department, seed.implementer) == ("北京市应急管理局", "北京市应急管理局机关")
    budget = seed.budget
    assert budget is not None
    assert (budget.initial, budget.annual, budget.executed) == (
        Decimal("66.2"),
        Decimal("66.2"),
        Decimal("64.253"),
    )
    assert (budget.weight, budget.rate, budget.score) == (10, Decimal("97.06"), Decimal("9.71"))
    assert [r.name for r in budget.rows] == ["当年财政拨款", "上年结转资金", "其他资金"]
    assert len(seed.indicators) == 15
    assert sum(i.weight or 0 for i in seed.indicators) + (budget.weight or 0) == 100
    assert sum(i.score or 0 for i in seed.indicators) + (budget.score or 0) == Decimal("95.71")
    assert seed.total == Decimal("95.71")
    assert {i.level1 for i in seed.indicators} == {"产出指标", "成本指标", "效益指标", "满意度指标"}
    reasons = [i.reason for i in seed.indicators if i.reason]
    assert reasons == ["项目效益仍有提升空间。", "项目效益仍有提升空间。"]
    for text in (
        seed.goals["expected"],
        seed.goals["actual"],
        *(i.target for i in seed.indicators),
    ):
        assert "\n" not in text
    assert seed.goals["expected"].endswith("需要核减17520元。")


@pytest.mark.parametrize("name", SEED_FILES[1:])
def test_every_format_reads_to_the_same_form(seed: Form, name: str) -> None:
    path = EXAMPLES / name
    if name.endswith(".xlsx"):
        pytest.importorskip("openpyxl")
    before = sha(path)
    form = read_form(path)
    assert sha(path) == before  # the input is never modified
    assert form == seed
    assert dict(form.goals) == dict(seed.goals)  # goals are outside Form equality
    assert form.source == str(path)


def test_xlsx_locations(seed: Form) -> None:
    pytest.importorskip("openpyxl")
    form = read_form(EXAMPLES / "seed.xlsx")
    first, fee = form.indicators[0], form.indicators[9]
    assert first.where == "绩效自评表!D13"  # the 三级指标 cell
    assert first.cells["target"] == "绩效自评表!E13" and first.cells["score"] == "绩效自评表!H13"
    assert fee.name == "费用" and fee.cells["actual"] == "绩效自评表!F22"
    assert fee.cells["level1"] == "绩效自评表!B22"
    assert form.indicators[3].cells["level1"] == "绩效自评表!B13"  # merged 一级指标
    assert form.total_where == "绩效自评表!H28"
    assert form.budget is not None and form.budget.cells["score"] == "绩效自评表!I6"


def test_sichuan_split_example() -> None:
    pytest.importorskip("openpyxl")
    json_form = read_form(EXAMPLES / "sichuan_split.json")
    xlsx_form = read_form(EXAMPLES / "sichuan_split.xlsx")
    assert xlsx_form == json_form
    assert xlsx_form.indicators[0].target == "≥ 12 次"
    assert xlsx_form.indicators[0].cells["nature"] == "绩效自评表!E13"
    assert xlsx_form.budget is not None and xlsx_form.budget.reason


def test_examples_are_regenerated_byte_for_byte(tmp_path: Path) -> None:
    """make_seed_xlsx.py is deterministic and the committed files are its current output."""
    pytest.importorskip("openpyxl")
    spec = importlib.util.spec_from_file_location("make_seed_xlsx", EXAMPLES / "make_seed_xlsx.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for name in ("seed.xlsx", "seed.csv", "sichuan_split.xlsx"):
        assert sha(tmp_path / name) == sha(EXAMPLES / name), name
