"""docs/security.md: its Python runs, and its table of limits is the code's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jixiao.limits import LIMIT_TEXT, NAMES, Limits

ROOT = Path(__file__).resolve().parents[2]
PAGE = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")


def test_python_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("openpyxl")
    monkeypatch.chdir(ROOT)
    blocks = re.findall(r"```python\n(.*?)```", PAGE, flags=re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "docs/security.md", "exec"), {})


def test_both_tables_list_every_limit_with_its_default() -> None:
    defaults = Limits()
    zh, en = PAGE.split("## English", 1)
    for part in (zh, en):
        rows = dict(re.findall(r"^\| `(\w+)` \| (\d+)", part, flags=re.M))
        assert set(rows) == set(NAMES)
        for name in NAMES:
            assert int(rows[name]) == getattr(defaults, name), name
    assert set(LIMIT_TEXT) == set(NAMES)
    assert PAGE.index("## 中文") < PAGE.index("## English")
