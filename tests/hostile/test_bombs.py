"""Resource bombs are refused before any parser expands them, and the batch goes on (issue 11).

Each case puts one hostile file beside the seed form in a folder and runs ``jixiao check`` on
the folder in a subprocess limited to 1 GB of address space and 60 s of CPU: the hostile file
must be reported with an error naming the limit, and the seed form must still be scored.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import jixiao
from jixiao.limits import LimitError, using

from .build import (
    SEED_JSON,
    billion_laughs,
    deflate_bomb,
    huge_cell_xlsx,
    inline,
    many_cells_xlsx,
    merge_bomb,
    run_bounded,
    sheet_xml,
    workbook,
    xxe,
)

pytest.importorskip("openpyxl")


def _batch(tmp_path: Path, make: Callable[[Path], Path]) -> tuple[Path, Path]:
    folder = tmp_path / "batch"
    folder.mkdir()
    shutil.copy(SEED_JSON, folder / "a_seed.json")
    return folder, make(folder)


def _check_batch(folder: Path, *extra: str) -> tuple[int, str, str]:
    proc = run_bounded("check", str(folder), "--lang", "en", *extra)
    return proc.returncode, proc.stdout, proc.stderr


CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "merge bomb (data in the corner)": (
        lambda d: merge_bomb(d, "merge.xlsx", corner=True),
        "rows",  # the used range A1:XFD1048576 is refused before the merge is counted
    ),
    "merge bomb within the rows and columns limits": (
        lambda d: merge_bomb(d, "merge2.xlsx", corner=True, last="ALL100000"),
        "merged_cells",
    ),
    "zip bomb, honest headers": (
        lambda d: deflate_bomb(d, "zip-honest.xlsx", 300, lie=False),
        "unzipped_bytes",
    ),
    "zip bomb, lying headers": (
        lambda d: deflate_bomb(d, "zip-lying.xlsx", 50, lie=True),
        "unzipped_bytes",
    ),
    "billion laughs": (lambda d: billion_laughs(d, "laughs.xlsx"), "DTD"),
    "5 MB cell": (lambda d: huge_cell_xlsx(d, "cell.xlsx", 5_000_000), "cell_chars"),
    "junk rows (CSV)": (
        lambda d: _write(d / "junk.csv", "垃圾,数据\n" * 150_000),
        "rows",
    ),
    "huge CSV cell": (lambda d: _write(d / "cell.csv", "三级指标," + "长" * 100_000), "cell"),
}


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", sorted(CASES))
def test_bomb_is_refused_and_the_batch_goes_on(tmp_path: Path, case: str) -> None:
    make, needle = CASES[case]
    folder, bad = _batch(tmp_path, make)
    code, out, err = _check_batch(folder)
    assert code == 1, (out, err)
    assert "Traceback" not in err
    assert bad.name in err and needle in err, err
    assert "法治培训服务" in out  # the other form of the batch is scored and reported
    if bad.suffix == ".xlsx":
        assert bad.stat().st_size < 400_000  # built small on disk


def test_merge_bomb_without_data_is_clipped_and_read_at_once(tmp_path: Path) -> None:
    bomb = merge_bomb(tmp_path, "merge.xlsx", corner=False)
    assert bomb.stat().st_size < 3_000
    with pytest.raises(jixiao.FormError, match="不是绩效自评表"):
        jixiao.read_forms(bomb)  # the range is clipped to A1: nothing is expanded


def test_merged_area_limit_names_the_sheet(tmp_path: Path) -> None:
    rows = '<row r="1">' + inline("A1", "x") + inline("T1", "y") + "</row>"
    rows += '<row r="500">' + inline("A500", "z") + "</row>"
    tail = '<mergeCells count="1"><mergeCell ref="A1:T500"/></mergeCells>'
    path = workbook(tmp_path, "m.xlsx", sheet_xml(rows, tail))
    with using(merged_cells=1000), pytest.raises(LimitError) as info:
        jixiao.read_forms(path)
    assert info.value.limit_name == "merged_cells"
    assert "merged_cells=1000" in str(info.value) and "--limit merged_cells=N" in str(info.value)
    assert "实际为 10000" in str(info.value) and "found 10000" in info.value.render("en")


def test_xxe_never_reads_the_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-42", encoding="utf-8")
    path = xxe(tmp_path, "xxe.xlsx", secret)
    with pytest.raises(jixiao.FormError) as info:
        jixiao.read_forms(path)
    assert "DTD" in str(info.value)
    assert "TOP-SECRET-42" not in str(info.value)


def test_cells_rows_and_columns_limits(tmp_path: Path) -> None:
    path = many_cells_xlsx(tmp_path, "many.xlsx", rows=40, cols=30)
    for name, value in (("cells", 1000), ("rows", 30), ("columns", 20)):
        with using(**{name: value}), pytest.raises(LimitError) as info:
            jixiao.read_forms(path)
        assert info.value.limit_name == name


def test_file_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    shutil.copy(SEED_JSON, path)
    with using(file_bytes=1000), pytest.raises(LimitError, match="file_bytes=1000"):
        jixiao.read_forms(path)


def test_cli_limit_option_raises_a_limit(tmp_path: Path) -> None:
    path = many_cells_xlsx(tmp_path, "many.xlsx", rows=3, cols=5)
    code = run_bounded("check", str(path), "--limit", "columns=2").returncode
    assert code == 1
    proc = run_bounded("check", str(path), "--limit", "columns=200", "--lang", "en")
    assert "columns" not in proc.stderr and "not a form" in proc.stderr


def test_unknown_limit_is_a_usage_error() -> None:
    proc = run_bounded("check", str(SEED_JSON), "--limit", "bogus=3")
    assert proc.returncode == 2 and "bogus" in proc.stderr


def test_deep_json_and_huge_numbers_are_errors_for_their_file(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    shutil.copy(SEED_JSON, folder / "a_seed.json")
    row = {"name": "人数", "target": "≥45人", "actual": "45人", "weight": 5}
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (folder / "e400.json").write_text(
        json.dumps({"indicators": [row]}).replace('"weight": 5', '"weight": 1e400'),
        encoding="utf-8",
    )
    (folder / "digits.json").write_text(
        json.dumps({"indicators": [row]}).replace('"weight": 5', '"weight": ' + "9" * 5000),
        encoding="utf-8",
    )
    (folder / "surrogate.json").write_text(
        json.dumps({"indicators": [{**row, "name": "\ud800"}]}), encoding="utf-8"
    )
    (folder / "nul.json").write_text(
        json.dumps({"indicators": [{**row, "name": "a\x00b\x1b[2Jc"}]}), encoding="utf-8"
    )
    out_md, out_jsonl, out_xlsx = (tmp_path / n for n in ("r.md", "r.jsonl", "r.xlsx"))
    proc = run_bounded(
        "check",
        str(folder),
        "--lang",
        "en",
        "--markdown",
        str(out_md),
        "--jsonl",
        str(out_jsonl),
        "--xlsx-out",
        str(out_xlsx),
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    err = proc.stderr
    assert "deep.json" in err and "json_depth" in err
    assert "surrogate.json" in err and "indicators[0].name" in err and "surrogate" in err
    assert "e400.json" not in err and "digits.json" not in err  # scored, with a finding
    assert "\x1b" not in proc.stdout + err
    # every report is written whole, and names both the scored forms and the failed files
    text = out_md.read_text(encoding="utf-8")
    assert "法治培训服务" in text and "deep.json" in text and "surrogate.json" in text
    assert "a\\\\x00b\\\\x1b[2Jc" in text  # the NUL/ESC row is scored, its name shown escaped
    results = [json.loads(line) for line in out_jsonl.read_text(encoding="utf-8").splitlines()]
    assert len(results) == 4  # the seed, 1e400, 5000 digits, NUL/ESC: each scored
    for r in results:
        if "e400" in str(r["source"]) or "digits" in str(r["source"]):
            codes = {(f["code"], f["where"]) for f in r["findings"]}
            assert ("UNREADABLE_CELL", "indicators[0].weight") in codes, codes
    assert out_xlsx.stat().st_size > 0


def test_read_forms_raises_only_jixiao_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jixiao.forms import read as read_module

    path = tmp_path / "x.json"
    shutil.copy(SEED_JSON, path)

    def broken(_path: Path, _source: str, **_options: object) -> list[object]:
        raise KeyError("a library's surprise")

    monkeypatch.setitem(read_module._READERS, ".json", broken)
    with pytest.raises(jixiao.FormError, match="KeyError") as info:
        jixiao.read_forms(path)
    assert info.value.source == str(path)

    def deep(_path: Path, _source: str, **_options: object) -> list[object]:
        raise RecursionError

    monkeypatch.setitem(read_module._READERS, ".json", deep)
    with pytest.raises(jixiao.FormError, match="文件结构过深或过大"):
        jixiao.read_forms(path)
