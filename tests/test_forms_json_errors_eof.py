"""A JSON file that breaks off at its end (after a final newline) gets a FormError with a position."""

from __future__ import annotations

from pathlib import Path

import pytest

import jixiao


def test_truncated_json_ending_in_newline(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text('{"indicators": [\n', encoding="utf-8")
    with pytest.raises(jixiao.FormError) as info:
        jixiao.read_form(path)
    assert "cut.json" in str(info.value)
    assert info.value.where == "2:1"
    assert "JSON 语法错误" in info.value.message
