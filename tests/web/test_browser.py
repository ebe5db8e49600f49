"""End to end in a real browser: Chromium (Debian's package) driven by Playwright against
``jixiao serve`` on a free loopback port. Screenshots of each page are saved as test artefacts
(``out/screenshots/``, or $JIXIAO_ARTEFACTS)."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.corpus_forms import corpus_forms

import jixiao

ROOT = Path(__file__).resolve().parents[2]
SEED_XLSX = ROOT / "examples" / "seed.xlsx"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTEFACTS = Path(os.environ.get("JIXIAO_ARTEFACTS", ROOT / "out" / "screenshots"))

if CHROMIUM is None and os.environ.get("CI"):
    pytest.fail("CI must install Debian's chromium for the browser tests", pytrace=False)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None, reason="no chromium on this machine (apt-get install chromium)"
    ),
]
sync_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("serve")
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jixiao",
            "serve",
            "--db",
            str(folder / "r.sqlite"),
            "--port",
            str(port),
            "--no-browser",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if proc.poll() is not None:
                out = proc.stdout.read().decode() if proc.stdout else ""
                pytest.fail(f"jixiao serve exited: {out}")
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("jixiao serve did not start in 60 s")
    yield url
    proc.terminate()
    proc.wait(20)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1360, "height": 900})  # type: ignore[attr-defined]
    pg = context.new_page()
    yield pg
    context.close()


def _shot(page: object, name: str) -> None:
    """Save a screenshot as a test artefact; with $JIXIAO_DOC_SCREENSHOTS set, also the small
    JPEG that docs/workbench.md shows (regenerate: JIXIAO_DOC_SCREENSHOTS=docs/img pytest …)."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]
    docs = os.environ.get("JIXIAO_DOC_SCREENSHOTS")
    if docs:
        Path(docs).mkdir(parents=True, exist_ok=True)
        page.screenshot(  # type: ignore[attr-defined]
            path=str(Path(docs) / f"workbench-{name}.jpg"), type="jpeg", quality=70, full_page=False
        )


def test_upload_seed_read_it_open_a_finding_download(
    server: str, page: object, tmp_path: Path
) -> None:
    pg = page
    pg.goto(server + "/")  # type: ignore[attr-defined]
    _shot(pg, "01-start")
    pg.set_input_files("#files", str(SEED_XLSX))  # type: ignore[attr-defined]
    pg.click("#score")  # type: ignore[attr-defined]
    pg.wait_for_url(re.compile(r".*/batches/.*"))  # type: ignore[attr-defined]
    _shot(pg, "02-batch")
    pg.click("#forms-table a")  # type: ignore[attr-defined]
    pg.wait_for_url(re.compile(r".*/forms/\d+"))  # type: ignore[attr-defined]
    assert pg.inner_text("#computed-total") == "95.71"  # type: ignore[attr-defined]
    assert pg.inner_text("#grade") == "优"  # type: ignore[attr-defined]
    # open the first finding on a row and read it
    row = pg.locator("tr.row-warning, tr.row-error").first  # type: ignore[attr-defined]
    row.locator("summary").click()
    finding = row.locator(".finding").first
    assert finding.is_visible()
    code = finding.locator("b").inner_text()
    result = jixiao.score_form(jixiao.read_form(SEED_XLSX))
    assert code in {f.code for f in result.findings}
    _shot(pg, "03-form")
    with pg.expect_download() as info:  # type: ignore[attr-defined]
        pg.click("#dl-xlsx")  # type: ignore[attr-defined]
    saved = tmp_path / "annotated.xlsx"
    info.value.save_as(saved)
    assert str(jixiao.score_form(jixiao.read_forms(saved)[0]).total) == "95.71"


def test_folder_of_corpus_forms_dashboard_matches_check(
    server: str, page: object, tmp_path: Path
) -> None:
    folder = tmp_path / "forms"
    folder.mkdir()
    for i, form in enumerate(corpus_forms()):
        (folder / f"{i:03d}.json").write_text(
            json.dumps(form.to_dict(), ensure_ascii=False), encoding="utf-8"
        )
    files = sorted(folder.iterdir())
    checked = subprocess.run(
        [sys.executable, "-m", "jixiao", "check", str(folder), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    results = json.loads(checked.stdout)
    pg = page
    pg.goto(server + "/")  # type: ignore[attr-defined]
    pg.set_input_files("#files", [str(f) for f in files])  # type: ignore[attr-defined]
    pg.click("#score")  # type: ignore[attr-defined]
    pg.wait_for_url(re.compile(r".*/batches/.*"))  # type: ignore[attr-defined]
    pg.click("#to-dashboard")  # type: ignore[attr-defined]
    pg.wait_for_url(re.compile(r".*/dashboard\?batch=.*"))  # type: ignore[attr-defined]
    _shot(pg, "04-dashboard")
    assert int(pg.inner_text("#count-forms")) == len(results) == len(files)  # type: ignore[attr-defined]
    for severity in ("errors", "warnings", "infos"):
        key = severity[:-1] if severity != "infos" else "info"
        expected = sum(r["counts"][key] for r in results)
        assert int(pg.inner_text(f"#count-{severity}")) == expected, severity  # type: ignore[attr-defined]
    assert pg.locator("svg.chart").count() == 4  # type: ignore[attr-defined]


def test_policy_editor_shows_an_error_at_its_line(server: str, page: object) -> None:
    pg = page
    pg.goto(server + "/policy?name=central")  # type: ignore[attr-defined]
    area = pg.locator("#policy-text")  # type: ignore[attr-defined]
    text = area.input_value()
    first_rule = re.search(r"^rule ", text, flags=re.M)
    assert first_rule
    line = text[: first_rule.start()].count("\n") + 1
    area.fill(text[: first_rule.start()] + "rulee " + text[first_rule.end() :])
    problem = pg.locator("#problems li.problem").first  # type: ignore[attr-defined]
    problem.wait_for(timeout=15000)
    assert problem.get_attribute("data-line") == str(line)
    assert f"{line}" in problem.inner_text()
    _shot(pg, "05-policy-editor")
    area.fill(text)
    pg.locator("#examples li.ok").first.wait_for(timeout=15000)  # type: ignore[attr-defined]
    assert pg.locator("#examples li.sev-error").count() == 0  # type: ignore[attr-defined]
