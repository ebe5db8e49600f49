"""One language at a time: ``--lang en`` shows no Chinese but the form's and the policy's own
text, ``--lang zh`` no English but codes, paths and the policy's own text; click's messages too.

The outputs of every command on every corpus form are scanned: each run of Chinese characters
in an English output must come from the form (its cells, names, reasons) or from the policy's rule
files (rule and tier names, the words of a tier table); each English word in a Chinese output must
be a finding code, part of a path, or come from the form or the rule files.
"""

from __future__ import annotations

import ast
import json
import re
import sqlite3
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

import jixiao
import jixiao.limits
import jixiao.testing
import jixiao.testing.values
from corpus_forms import build_form, corpus_index, require_corpus
from jixiao.cli import main
from jixiao.cli.app import cli
from jixiao.forms import write_json
from jixiao.resources import grammar_path

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]+")
LATIN = re.compile(r"[A-Za-z][A-Za-z_]+")


@cache
def _policy_text(name: str) -> str:
    return "\n".join(text for _display, text in jixiao.load_policy(name).chain)


def _ids() -> list[str]:
    require_corpus()
    return [row["form"] for row in corpus_index()]


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def _foreign_chinese(output: str, allowed: str) -> list[str]:
    return sorted({run for run in CJK.findall(output) if run not in allowed})


@pytest.fixture(scope="module")
def corpus_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("corpus")
    files = {}
    for form_id in _ids():
        path = folder / f"{form_id}.json"
        write_json(build_form(form_id), path)
        files[form_id] = path
    return files


@pytest.mark.parametrize("command", ["score", "check", "explain"])
def test_english_output_has_no_chinese_of_its_own(
    command: str, corpus_files: dict[str, Path]
) -> None:
    policy = _policy_text("central")
    leaks: dict[str, list[str]] = {}
    for form_id, path in corpus_files.items():
        allowed = path.read_text(encoding="utf-8") + policy
        _code, out = _run(command, str(path), "--lang", "en")
        foreign = _foreign_chinese(out, allowed)
        if foreign:
            leaks[form_id] = foreign
    assert not leaks, json.dumps(leaks, ensure_ascii=False, indent=1)


def test_click_errors_follow_the_language(capsys: pytest.CaptureFixture[str]) -> None:
    for argv, zh, en in [
        (["score"], "缺少参数", "Missing argument"),
        (["score", "--bogus", "x.json"], "没有选项", "No such option"),
        (["score", "x.json", "--policy"], "需要一个值", "requires an argument"),
        (["frobnicate"], "没有命令", "No such command"),
    ]:
        for lang, want, unwanted in [("zh", zh, en), ("en", en, zh)]:
            extra = ["--lang", lang] if lang == "en" else []
            with pytest.raises(SystemExit) as info:
                main([*extra, *argv])
            assert info.value.code == 2
            err = capsys.readouterr().err
            assert want in err and unwanted not in err, (argv, lang, err)
            if lang == "en":
                assert not CJK.search(err), err
    main_lang_reset()


def main_lang_reset() -> None:
    from jixiao.cli import lang

    lang.use("zh")


def test_cli_error_lines_are_in_one_language(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["score", "no-such-file.json"])
    zh = capsys.readouterr().err
    assert "错误：" in zh and "找不到文件或文件夹" in zh and "no such" not in zh
    with pytest.raises(SystemExit):
        main(["score", "no-such-file.json", "--lang", "en"])
    en = capsys.readouterr().err
    assert "error: no such file or folder: no-such-file.json" in en
    assert not CJK.search(en), en
    main_lang_reset()


PATHISH = re.compile(r"[\w./\\-]+\.(?:policy|json|csv|tsv|xlsx|xlsm)(?::\d+)*|/[\w./-]+")


def _foreign_english(output: str, allowed: str) -> list[str]:
    text = PATHISH.sub(" ", output)
    words = set(LATIN.findall(text))
    return sorted(w for w in words if not re.fullmatch(r"[A-Z][A-Z0-9_]+", w) and w not in allowed)


@pytest.mark.parametrize("command", ["score", "check", "explain"])
def test_chinese_output_has_no_english_of_its_own(
    command: str, corpus_files: dict[str, Path]
) -> None:
    policy = _policy_text("central")
    leaks: dict[str, list[str]] = {}
    for form_id, path in corpus_files.items():
        allowed = path.read_text(encoding="utf-8") + policy
        _code, out = _run(command, str(path))
        foreign = _foreign_english(out, allowed)
        if foreign:
            leaks[form_id] = foreign
    assert not leaks, json.dumps(leaks, ensure_ascii=False, indent=1)


# ----------------------------------------------------------------------------- other commands
# ``parse``, ``policy lint|test|list|verify|diff`` and ``db`` (with ``serve``'s error lines, which
# share ``db``'s code): each output, error lines included, is scanned as above. ``--json`` output
# is left out: JSON keys are English by design.

#: Names that read the same in both languages: products, and property names a user types
#: (``policy verify --skip NAME``).
NAMES = "jixiao SQLite Parquet pyarrow pip " + " ".join(jixiao.testing.PROPERTIES)
#: Words of forms: the English property texts quote some as examples of what jixiao reads, and
#: ``policy diff`` shows the generated cells (jixiao.testing.values) it scored.
_VALUES = Path(jixiao.testing.values.__file__).read_text(encoding="utf-8")
FORM_WORDS = "未按期完成 基本完成 " + _VALUES + re.sub(r"\s+", "", _VALUES)  # cells as canonical
OPTION = re.compile(r"--[a-z][\w-]*")  # an option's name, as typed
BROKEN = Path(__file__).parent / "fixtures" / "broken_policies"
FIXTURE_POLICIES = Path(__file__).parent / "fixtures" / "policies"
#: The policy language's own words (``not_applicable``, ``score by tiers`` …): a syntax error
#: lists the keywords that would be valid, as they are typed, in both languages.
GRAMMAR = grammar_path("policy.lark").read_text(encoding="utf-8")


@pytest.fixture
def chinese_after() -> Iterator[None]:
    yield
    main_lang_reset()


def _leaks(args: list[str], allowed: str) -> dict[str, list[str]]:
    """What each language's output of ``jixiao ARGS`` says outside *allowed* text."""
    found = {}
    for lang in ("en", "zh"):
        result = CliRunner().invoke(cli, ["--lang", lang, *args], prog_name="jixiao")
        assert not isinstance(result.exception, Exception) or isinstance(
            result.exception, SystemExit
        ), result.exception
        text = " ".join([*args, allowed, NAMES])
        foreign = (
            _foreign_chinese(result.output, text + FORM_WORDS)
            if lang == "en"
            else _foreign_english(OPTION.sub(" ", result.output), text)
        )
        if foreign:
            found[f"{lang}: {' '.join(args)}"] = foreign
    return found


def _policies_text(*specs: str) -> str:
    """The rule files of each policy (a shipped one's path stands for its name) and its bases."""
    return "\n".join(
        _policy_text(Path(s).stem) if s.endswith(".policy") else _policy_text(s) for s in specs
    )


def test_parse_speaks_one_language(chinese_after: None) -> None:
    leaks: dict[str, list[str]] = {}
    cells = ["≥45人", "≤64.253万元", "90%-100%", "2023年12月底前", "定性 效果明显", "定性效果明显"]
    for args in [
        ["parse", *cells],
        ["parse", "工5%", "≥4x5人", "%%%", "≥45人"],  # bad cells: caret, expected, hint
        ["parse", "--actual", "--target", "≥50个", "48", "已完成", "abc"],
        ["parse", "--target", "≥50个", "48"],  # a usage error
    ]:
        leaks.update(_leaks(args, ""))
    assert not leaks, json.dumps(leaks, ensure_ascii=False, indent=1)


SHIPPED = sorted(str(p) for p in (Path(jixiao.__file__).parents[2] / "rules").glob("*.policy"))


def test_policy_list_speaks_one_language(chinese_after: None) -> None:
    leaks: dict[str, list[str]] = {}
    leaks.update(_leaks(["policy", "list"], _policies_text(*SHIPPED)))
    leaks.update(_leaks(["policy", "lint", "no-such.policy"], ""))
    assert not leaks, json.dumps(leaks, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("spec", SHIPPED, ids=lambda s: Path(s).stem)
def test_policy_commands_speak_one_language(spec: str, chinese_after: None) -> None:
    """lint, test and diff against central on each shipped policy (one test each, so that a
    parallel run spreads them); verify on the first two."""
    allowed = _policies_text(spec, "central")
    leaks: dict[str, list[str]] = {}
    leaks.update(_leaks(["policy", "lint", spec], allowed))
    leaks.update(_leaks(["policy", "test", spec], allowed))
    leaks.update(_leaks(["policy", "diff", spec, "central"], allowed))
    if spec in SHIPPED[:2]:
        args = ["policy", "verify", spec, "--max-examples", "5", "--seed", "1"]
        leaks.update(_leaks(args, _policies_text(spec)))
    assert not leaks, json.dumps(leaks, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("name", [p.stem for p in sorted(BROKEN.glob("*.policy"))])
def test_policy_problems_speak_one_language(name: str, chinese_after: None) -> None:
    """Every policy subcommand (and ``score --policy``) given a broken policy: its problems,
    carets and hints in one language."""
    path = str(BROKEN / f"{name}.policy")
    allowed = "\n".join(p.read_text(encoding="utf-8") for p in BROKEN.glob("*.policy"))
    allowed += _policies_text(*jixiao.shipped_policies()) + GRAMMAR
    leaks: dict[str, list[str]] = {}
    seed = str(Path(__file__).parents[1] / "examples" / "seed.json")
    for args in [
        ["policy", "lint", path],
        ["policy", "test", path],
        ["policy", "verify", path, "--max-examples", "5"],
        ["policy", "diff", path, "central"],
        ["policy", "diff", "central", path],
        ["score", seed, "--policy", path],
    ]:
        leaks.update(_leaks(args, allowed))
    assert not leaks, json.dumps(leaks, ensure_ascii=False, indent=1)


#: Policies whose properties ``verify`` finds broken, one of each kind of counterexample: rows,
#: forms (above_weight), grades (grade_off_by_one), tier tables and words (late_in_top_tier).
VERIFIED = ("above_weight", "grade_off_by_one", "late_in_top_tier")


def test_policy_fixtures_speak_one_language(tmp_path: Path, chinese_after: None) -> None:
    """lint (with its warnings), test (with inherited examples that no longer apply, and examples
    that fail) and verify (with counterexamples) on the test policies."""
    leaks: dict[str, list[str]] = {}
    failing = tmp_path / "failing.policy"
    failing.write_text(
        'extends "central"\n'
        'example "错" { target "≥10人" actual "8人" weight 10 expect score 9 expect met true\n'
        "  expect tier 达成 expect finding OVERACHIEVED expect no finding REASON_MISSING }\n",
        encoding="utf-8",
    )
    for path in [*sorted(FIXTURE_POLICIES.glob("*.policy")), failing]:
        allowed = path.read_text(encoding="utf-8") + _policies_text(*jixiao.shipped_policies())
        allowed += GRAMMAR
        leaks.update(_leaks(["policy", "lint", str(path)], allowed))
        leaks.update(_leaks(["policy", "test", str(path)], allowed))
        if path.stem in VERIFIED:
            args = ["policy", "verify", str(path), "--max-examples", "5", "--seed", "1"]
            leaks.update(_leaks(args, allowed))
    assert not leaks, json.dumps(leaks, ensure_ascii=False, indent=1)


def test_store_commands_speak_one_language(tmp_path: Path, chinese_after: None) -> None:
    from jixiao.store import ResultStore

    good = tmp_path / "good.sqlite"
    with ResultStore(good):
        pass
    other = tmp_path / "other.sqlite"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    text = tmp_path / "text.sqlite"
    text.write_text("hello, not a database", encoding="utf-8")
    leaks: dict[str, list[str]] = {}
    for args in [
        ["db", "info", str(good)],
        ["db", "info", str(other)],  # an SQLite file of another program
        ["db", "info", str(text)],  # not SQLite at all
        ["db", "info", str(tmp_path / "missing.sqlite")],  # no such file
        ["db", "export-findings", str(other), str(tmp_path / "out.parquet")],
        ["db", "export-findings", str(good), str(good)],  # would overwrite the store
    ]:
        leaks.update(_leaks(args, ""))
    assert not leaks, json.dumps(leaks, ensure_ascii=False, indent=1)
    out = {
        lang: CliRunner().invoke(cli, ["--lang", lang, "db", "info", str(other)]).output
        for lang in ("zh", "en")
    }
    assert "是其他程序的 SQLite 文件，不是 jixiao 结果库" in out["zh"], out
    assert "is an SQLite file of another program, not a jixiao results store" in out["en"], out


# ----------------------------------------------------------------------------- help
# ``--help`` of every command and group, in each language: the help texts, the examples' headings
# and click's own words ("Usage:", "Options", "Show this message and exit.", defaults). Example
# command lines are left out (their cells are a form's words); so are option names, metavars and
# the words a user types as values.

TYPED = (
    "zh en auto central hubei to_dict example extends jixiao.testing "
    "Markdown Excel WPS Word pandas Dask Parquet SQLite "
) + " ".join(jixiao.limits.NAMES)  # a limit's name, as --limit takes it


def _commands(command: Any = None, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    command = command if command is not None else cli
    yield path
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _commands(sub, (*path, name))


#: The names of the commands (typed as they are).
COMMAND_NAMES = " ".join(sorted({name for path in _commands() for name in path}))
FILE_NAME = re.compile(r"[\w*-]*[/.][\w*./-]+")  # .json, docs/security.md, rules/*.policy


def _help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """``jixiao ARGV`` (a ``--help``) as a user runs it, without the example command lines."""
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 0, argv
    out = capsys.readouterr().out
    out = "\n".join(x for x in out.splitlines() if not x.lstrip().startswith("jixiao "))
    return FILE_NAME.sub(" ", out)


@pytest.mark.parametrize("command", list(_commands()), ids=lambda c: " ".join(c) or "jixiao")
def test_help_speaks_one_language(
    command: tuple[str, ...], capsys: pytest.CaptureFixture[str], chinese_after: None
) -> None:
    zh = _help([*command, "--help"], capsys)
    en = _help(["--lang", "en", *command, "--help"], capsys)
    assert "用法：" in zh and "显示此帮助并退出。" in zh, zh
    assert "Usage:" in en and "Show this message and exit." in en, en
    assert not _foreign_chinese(en, ""), (_foreign_chinese(en, ""), en)
    foreign = _foreign_english(OPTION.sub(" ", zh), f"{NAMES} {TYPED} {COMMAND_NAMES}")
    assert not foreign, (foreign, zh)
    # Chinese is wrapped in terminal columns (two a character), within click's 100 at most
    from jixiao.errors import display_width

    assert max(display_width(line) for line in zh.splitlines()) <= 100, zh


def test_version_in_each_language(capsys: pytest.CaptureFixture[str], chinese_after: None) -> None:
    assert "jixiao，版本 " in _help(["--version"], capsys)
    assert "jixiao, version " in _help(["--lang", "en", "--version"], capsys)


@pytest.mark.parametrize(
    ("argv", "env"),
    [
        (["score", "--help", "--lang", "en"], {}),
        (["policy", "lint", "--lang=en", "--help"], {}),
        (["score", "--help"], {"JIXIAO_LANG": "en"}),
    ],
)
def test_help_language_from_anywhere_on_the_line(
    argv: list[str],
    env: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    chinese_after: None,
) -> None:
    """``--lang en`` after the command, and ``JIXIAO_LANG=en``, give English help too."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    out = _help(argv, capsys)
    assert "Usage:" in out and not CJK.search(out), out


# ----------------------------------------------------------------------------- unreadable files
# Files that cannot be read as forms: each reader's error, through the one renderer, in each
# language (the file's own text, e.g. a header row it did have, excepted).


def _broken_files(folder: Path) -> dict[str, Path]:
    import docx
    import openpyxl

    files: dict[str, Path] = {}

    def put(name: str, data: bytes | str) -> None:
        path = folder / name
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
        files[name] = path

    put("not-a-zip.xlsx", b"this is not a workbook")
    put("empty.csv", "")
    put("not-a-form.csv", "科目,金额\n办公费,3\n")
    put(
        "missing-actual.csv",
        "一级指标,二级指标,三级指标,年度指标值,分值,得分\n产出指标,数量指标,培训,≥45人,10,10\n",
    )
    put("list.json", "[]")
    put("syntax.json", '{"indicators": [1, 2,]}')
    put("no-indicators.json", '{"project": "x"}')
    put(
        "bad-number.json", '{"indicators": [{"target": "≥1人", "actual": "1人", "weight": "十分"}]}'
    )
    put("xlsx-named.xls", b"PK\x03\x04rest of a zip")
    put("fake.docx", b"PK\x03\x04 not a document")
    put("old.doc.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 an OLE file")
    put("fake.pdf", b"%not a pdf")
    put("notes.txt", "x")
    document = docx.Document()
    document.add_paragraph("没有表格的文档")
    document.save(folder / "no-table.docx")
    files["no-table.docx"] = folder / "no-table.docx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "预算"
    sheet.append(["科目", "金额"])
    book.save(folder / "budget.xlsx")
    files["budget.xlsx"] = folder / "budget.xlsx"
    return files


def test_unreadable_files_speak_one_language(tmp_path: Path, chinese_after: None) -> None:
    files = _broken_files(tmp_path)
    leaks: dict[str, list[str]] = {}
    runs = [(name, path, []) for name, path in files.items()]
    runs.append(("over a limit", files["missing-actual.csv"], ["--limit", "columns=3"]))
    for name, path, extra in runs:
        allowed = path.read_bytes().decode("utf-8", "replace") + str(path) + "预算"
        for lang in ("zh", "en"):
            before = jixiao.limits.current()
            try:
                result = CliRunner().invoke(cli, ["--lang", lang, "check", *extra, str(path)])
            finally:  # --limit sets this process's limits: put them back
                jixiao.limits.set_limits(before)
            assert result.exit_code == 1, (name, lang, result.output)
            out = FILE_NAME.sub(" ", result.output.replace(str(path), " "))
            assert out.strip() and "Traceback" not in out, (name, out)
            if lang == "en":
                foreign = _foreign_chinese(out, allowed)
            else:
                foreign = _foreign_english(OPTION.sub(" ", out), f"{allowed} {NAMES} {TYPED}")
            if foreign:
                leaks[f"{lang}: {name}"] = foreign
    assert not leaks, json.dumps(leaks, ensure_ascii=False, indent=1)


def test_a_csv_place_is_written_in_the_readers_language(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "一级指标,二级指标,三级指标,年度指标值,实际完成值,分值,得分\n,,,,,10,10\n",
        encoding="utf-8",
    )
    with pytest.raises(jixiao.FormError) as info:
        jixiao.read_forms(path)
    assert info.value.where == "row 2"
    assert f"{path}: 文件第2行: 此行有分值或得分" in info.value.render("zh")
    assert f"{path}: row 2: this row has a weight or score" in info.value.render("en")


def test_an_incomplete_installation_is_told_in_one_language(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "rich", None)  # `import rich` raises ImportError
    for argv, want in (
        (["score", "x.json"], "安装不完整"),
        (["--lang", "en", "score"], "reinstall"),
    ):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 2
        err = capsys.readouterr().err
        assert want in err, err
        assert bool(CJK.search(err)) == (want == "安装不完整"), err


def _is_lang_test(node: ast.expr) -> bool:
    """``lang == "en"`` (any name on the left) or a bare ``en`` flag."""
    if isinstance(node, ast.Name):
        return node.id == "en"
    return (
        isinstance(node, ast.Compare)
        and len(node.ops) == 1
        and isinstance(node.ops[0], ast.Eq)
        and isinstance(node.comparators[0], ast.Constant)
        and node.comparators[0].value == "en"
    )


def _has_text(nodes: list[ast.stmt] | list[ast.expr]) -> bool:
    """Whether a branch holds a string constant or an f-string (a text of its own)."""
    return any(
        isinstance(sub, ast.JoinedStr)
        or (isinstance(sub, ast.Constant) and isinstance(sub.value, str))
        for node in nodes
        for sub in ast.walk(node)
    )


def inline_language_choices(source: str) -> list[int]:
    """Lines where code picks between two texts by language instead of using jixiao.i18n."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.IfExp) and _is_lang_test(node.test):
            texts = _has_text([node.body]) or _has_text([node.orelse])
        elif isinstance(node, ast.If) and _is_lang_test(node.test) and node.orelse:
            texts = _has_text(node.body) or _has_text(node.orelse)
        else:
            continue
        if texts:
            lines.append(node.lineno)
    return sorted(lines)


def test_the_finder_sees_inline_choices() -> None:
    source = (
        'a = "x" if lang == "en" else "y"\n'
        'b = f"{n} x" if en else f"{n} y"\n'
        'if lang == "en":\n    c = "x"\nelse:\n    c = "y"\n'
        'd = Msg("y", "x").text(lang)\n'
        "e = (t[1] or t[0]) if lang == 'en' else t[0]\n"
    )
    assert inline_language_choices(source) == [1, 2, 3]


def test_reports_choose_their_words_through_i18n() -> None:
    """Report text goes through :mod:`jixiao.i18n` (``Msg``, ``WORDS``, ``heading``), never an
    inline ``"English" if lang == "en" else "中文"``."""
    report = Path(jixiao.__file__).parent / "report"
    found = {
        path.name: lines
        for path in sorted(report.glob("*.py"))
        if (lines := inline_language_choices(path.read_text(encoding="utf-8")))
    }
    assert found == {}, f"inline language choices (file: lines): {found}"
