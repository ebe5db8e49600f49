"""Every real published form of the shared corpus loads, and survives CSV and Excel."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from corpus_forms import CORPUS, build_form, corpus_forms, corpus_index
from jixiao.forms import Form, read_form, write_csv, write_xlsx


def test_every_corpus_form_loads() -> None:
    forms = corpus_forms()
    assert len(forms) == len(corpus_index()) >= 20
    assert sum(len(f.indicators) for f in forms) >= 150
    for form in forms:
        assert form.source and form.source.startswith("corpus/")
        for i, ind in enumerate(form.indicators, start=1):
            assert ind.where == f"{form.source}#{i}"


def test_numbers_as_published() -> None:
    by_id = {f.source: f for f in corpus_forms()}
    shanghai = by_id["corpus/039"].budget
    assert shanghai is not None and shanghai.executed == Decimal("215457.6")
    assert shanghai.initial == Decimal("250000") and shanghai.rate == Decimal("86.19")
    ningxia = by_id["corpus/007"].budget
    assert ningxia is not None and ningxia.executed == Decimal("259.45")
    assert ningxia.rate == Decimal("86.5")
    huoshan = by_id["corpus/043"].budget
    assert huoshan is not None and huoshan.annual == Decimal("3359.62")
    assert by_id["corpus/015"].budget is not None
    assert by_id["corpus/015"].budget.rate == Decimal("100")  # "100 %"
    assert by_id["corpus/023"].budget is None  # no 项目资金 row in that form


def test_split_column_rows_keep_their_text() -> None:
    form = build_form("005")
    assert form.indicators[0].target == "﹦ 72890 元"
    assert form.indicators[0].weight == Decimal("10")


def _loose(form: Form) -> list[tuple[object, ...]]:
    """What the split layout can carry: the target without its spaces."""
    return [
        (i.level1, i.level2, i.name, i.target.replace(" ", ""), i.actual, i.weight, i.score)
        for i in form.indicators
    ]


@pytest.mark.parametrize("kind", ["csv", "standard", "split"])
def test_corpus_round_trips(tmp_path: Path, kind: str) -> None:
    if kind != "csv":
        pytest.importorskip("openpyxl")
    for form in corpus_forms():
        path = tmp_path / (form.source or "x").replace("/", "_")
        if kind == "csv":
            write_csv(form, path.with_suffix(".csv"))
            back = read_form(path.with_suffix(".csv"))
        else:
            write_xlsx(form, path.with_suffix(".xlsx"), layout=kind)  # type: ignore[arg-type]
            back = read_form(path.with_suffix(".xlsx"))
        if kind == "split":
            assert _loose(back) == _loose(form), form.source
            assert (back.budget, back.total) == (form.budget, form.total), form.source
        else:
            assert back == form, form.source


def test_corpus_location_is_beside_the_checkout() -> None:
    assert CORPUS.name == "corpus" and CORPUS.parent.name == "shared"
