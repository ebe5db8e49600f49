"""Every page of the workbench in one language: ``?lang=en`` shows no Chinese but the form's and
the policy's own text, the Chinese page no English but codes, file names, product names and the
form's and policy's own text. Each page is rendered through Starlette's test client for a corpus
form and scanned as tests/test_language.py scans the CLI's output."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("jinja2")

from starlette.testclient import TestClient

import jixiao
from corpus_forms import build_form, corpus_index, require_corpus
from jixiao.forms import write_json
from jixiao.web.app import create_app

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]+")
LATIN = re.compile(r"[A-Za-z][A-Za-z_]+")
CODE = re.compile(r"[A-Z][A-Z0-9_]+")
FILE_NAME = re.compile(r"[\w*.-]*[/.][\w*./-]+")  # seed.json, rules/central.policy
#: Names that read the same in both languages, and words of the page's machinery (the language
#: switch names the other language in its own words).
NAMES = "jixiao Markdown JSON SQLite Excel WPS Word PDF English auto " + " ".join(
    jixiao.shipped_policies()
)
SWITCH = "English 中文"


def _visible(page: str) -> str:
    """The text a reader sees: no scripts, styles, tags or attributes (titles included)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    titles = " ".join(re.findall(r'\btitle="([^"]*)"', page))
    text = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(f"{text} {titles}")


def _policy_text() -> str:
    return "\n".join(text for _display, text in jixiao.load_policy("central").chain)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str]]:
    """Each page's visible text in zh and en, for the first corpus form (uploaded as JSON)."""
    require_corpus()
    tmp = tmp_path_factory.mktemp("wb")
    form_id = corpus_index()[0]["form"]
    path = tmp / f"{form_id}.json"
    write_json(build_form(form_id), path)
    client = TestClient(create_app(tmp / "r.sqlite"))
    index = client.get("/")
    csrf = re.search(r'name="csrf" value="([^"]+)"', index.text)
    assert csrf
    response = client.post(
        "/upload",
        data={"csrf": csrf.group(1), "policy": "central"},
        files=[
            ("files", (path.name, path.read_bytes(), "application/json")),
            # a skipped and a failed file: their reasons, recorded at upload, follow the page
            ("files", ("notes.txt", b"not a form", "text/plain")),
            ("files", ("broken.json", b"{,}", "application/json")),
        ],
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    batch = response.headers["location"]
    batch_id = batch.rsplit("/", 1)[1]
    ids = re.findall(r'href="/forms/(\d+)"', client.get(batch).text)
    assert ids
    urls = {
        "index": "/",
        "batch": batch,
        "dashboard": f"/dashboard?batch={batch_id}",
        "form": f"/forms/{ids[0]}",
        "policy": "/policy",
        "not found": "/forms/999999",
    }
    out = {}
    for name, url in urls.items():
        sep = "&" if "?" in url else "?"
        zh = client.get(f"{url}{sep}lang=zh")
        en = client.get(f"{url}{sep}lang=en")
        assert zh.status_code == en.status_code, name
        out[name] = (_visible(zh.text), _visible(en.text))
    out["allowed"] = (path.read_text(encoding="utf-8") + _policy_text(), "")
    return out


PAGES = ["index", "batch", "dashboard", "form", "policy", "not found"]


@pytest.mark.parametrize("page", PAGES)
def test_english_page_has_no_chinese_of_its_own(
    page: str, pages: dict[str, tuple[str, str]]
) -> None:
    allowed = pages["allowed"][0] + SWITCH
    text = FILE_NAME.sub(" ", pages[page][1])
    foreign = sorted({run for run in CJK.findall(text) if run not in allowed})
    assert not foreign, json.dumps(foreign, ensure_ascii=False)


@pytest.mark.parametrize("page", PAGES)
def test_chinese_page_has_no_english_of_its_own(
    page: str, pages: dict[str, tuple[str, str]]
) -> None:
    allowed = pages["allowed"][0] + NAMES + SWITCH
    text = FILE_NAME.sub(" ", pages[page][0])
    words = {w for w in LATIN.findall(text) if not CODE.fullmatch(w)}
    foreign = sorted(w for w in words if w not in allowed)
    assert not foreign, foreign


def test_a_csv_forms_places_follow_the_page_language(tmp_path: Path) -> None:
    seed = Path(__file__).resolve().parents[2] / "examples" / "seed.csv"
    client = TestClient(create_app(tmp_path / "r.sqlite"))
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text)
    assert csrf
    response = client.post(
        "/upload",
        data={"csrf": csrf.group(1), "policy": "central"},
        files=[("files", ("seed.csv", seed.read_bytes(), "text/csv"))],
        follow_redirects=False,
    )
    (form_id,) = set(
        re.findall(r'href="/forms/(\d+)"', client.get(response.headers["location"]).text)
    )
    zh = client.get(f"/forms/{form_id}?lang=zh").text
    en = client.get(f"/forms/{form_id}?lang=en").text
    assert "文件第22行第8列" in zh and "row 22, col 8" not in zh
    assert "row 22, col 8" in en and "文件第22行" not in en


def test_headings_use_the_page_languages_punctuation(pages: dict[str, tuple[str, str]]) -> None:
    """A full-width colon joins a heading to its name on a Chinese page only (the scan above
    cannot tell it from the form's own punctuation)."""
    zh, en = pages["batch"]
    assert "批次：" in zh
    assert "Batch: " in en and "Batch：" not in en
    assert "Files of the batch" in en  # the upload's skipped and failed files are listed
    assert "unsupported file type .txt" in en and "不支持的文件类型" in zh
