"""One language at a time: ``--lang en`` shows no Chinese but the form's and the policy's own
text, ``--lang zh`` no English but codes, paths and the policy's own text; click's messages too.

The outputs of every command on every corpus form are scanned: each run of Chinese characters
in an English output must come from the form (its cells, names, reasons) or from the policy's rule
files (rule and tier names, the words of a tier table); each English word in a Chinese output must
be a finding code, part of a path, or come from the form or the rule files.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner

import jixiao
from corpus_forms import build_form, corpus_index, require_corpus
from jixiao.cli import main
from jixiao.cli.app import cli
from jixiao.forms import write_json

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
