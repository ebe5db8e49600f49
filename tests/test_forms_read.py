"""read_form / read_forms dispatch, and what the package imports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from jixiao.errors import FormError
from jixiao.forms import read_form, write_form

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("form.xls", "不是有效的 .xls 文件"),
        ("form.ods", "不是有效的 .ods 文件"),
        ("form.docx", "不是有效的 .docx 文件"),
        ("form.pdf", "不是有效的 PDF 文件"),
        ("form.txt", "不支持的文件类型「.txt」"),
        ("form", "无扩展名"),
    ],
)
def test_unsupported_files(tmp_path: Path, name: str, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"x")
    with pytest.raises(FormError) as info:
        read_form(path)
    assert expected in info.value.message and info.value.source == str(path)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(FormError, match="文件不存在"):
        read_form(tmp_path / "nowhere.csv")
    (tmp_path / "dir.json").mkdir()
    with pytest.raises(FormError, match="不是文件"):
        read_form(tmp_path / "dir.json")


def test_extension_is_case_insensitive(tmp_path: Path) -> None:
    path = tmp_path / "SEED.JSON"
    path.write_bytes((EXAMPLES / "seed.json").read_bytes())
    assert read_form(path).total is not None


def test_write_form_by_extension(tmp_path: Path) -> None:
    seed = read_form(EXAMPLES / "seed.json")
    for suffix in (".json", ".csv", ".xlsx"):
        if suffix == ".xlsx":
            pytest.importorskip("openpyxl")
        write_form(seed, tmp_path / f"out{suffix}")
        assert read_form(tmp_path / f"out{suffix}") == seed
    with pytest.raises(FormError, match="不支持写入"):
        write_form(seed, tmp_path / "out.txt")


def test_core_does_not_import_openpyxl() -> None:
    code = (
        "import sys, jixiao.forms; "
        "jixiao.forms.read_form('examples/seed.json'); "
        "jixiao.forms.read_form('examples/seed.csv'); "
        "print('openpyxl' in sys.modules)"
    )
    root = EXAMPLES.parent
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
