"""The workbench's routes through Starlette's test client: uploads good and bad, every page,
downloads read back by jixiao, CSRF, tokens, escaping, errors as pages."""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("jinja2")

from starlette.testclient import TestClient

import jixiao
from jixiao.store import ResultStore
from jixiao.web.app import create_app
from jixiao.web.uploads import UploadLimits

ROOT = Path(__file__).resolve().parents[2]
SEED_XLSX = ROOT / "examples" / "seed.xlsx"
SEED_JSON = ROOT / "examples" / "seed.json"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _client(tmp_path: Path, **kwargs: object) -> TestClient:
    return TestClient(create_app(tmp_path / "r.sqlite", **kwargs))  # type: ignore[arg-type]


def _csrf(client: TestClient) -> str:
    page = client.get("/")
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match, page.text
    return match.group(1)


def _upload(
    client: TestClient, files: list[tuple[str, bytes]], policy: str = "central"
) -> tuple[int, str]:
    csrf = _csrf(client)
    response = client.post(
        "/upload",
        data={"csrf": csrf, "policy": policy},
        files=[("files", (name, data, "application/octet-stream")) for name, data in files],
        follow_redirects=False,
    )
    return response.status_code, response.headers.get("location", response.text)


def _form_ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'href="/forms/(\d+)"', html)]


def test_upload_seed_workbook_and_read_the_form(tmp_path: Path) -> None:
    client = _client(tmp_path)
    status, location = _upload(client, [("seed.xlsx", SEED_XLSX.read_bytes())])
    assert status == 303 and location.startswith("/batches/")
    batch = client.get(location)
    assert batch.status_code == 200
    (form_id,) = set(_form_ids(batch.text))
    page = client.get(f"/forms/{form_id}")
    assert page.status_code == 200
    assert re.search(r'id="computed-total">95.71<', page.text)
    assert re.search(r'id="grade">优<', page.text)
    # every indicator row of the form is shown, each with its computed score
    result = jixiao.score_form(jixiao.read_form(SEED_XLSX))
    rows = re.findall(r'<tr class="row[^"]*" id="row-(\d+)"', page.text)
    assert len(rows) == len(result.indicators)
    # findings sit on their rows, coloured by severity
    for i, ind in enumerate(result.indicators, start=1):
        for f in ind.findings:
            row_html = page.text.split(f'id="row-{i}"', 1)[1].split("</tr>", 1)[0]
            assert f.code in row_html
    assert "row-warning" in page.text or "row-error" in page.text or "row-info" in page.text


def test_downloads_read_back(tmp_path: Path) -> None:
    client = _client(tmp_path)
    _status, location = _upload(client, [("seed.xlsx", SEED_XLSX.read_bytes())])
    (form_id,) = set(_form_ids(client.get(location).text))
    xlsx = client.get(f"/forms/{form_id}/download/xlsx")
    assert xlsx.status_code == 200
    assert "attachment" in xlsx.headers["content-disposition"]
    out = tmp_path / "annotated.xlsx"
    out.write_bytes(xlsx.content)
    again = jixiao.score_form(jixiao.read_forms(out)[0])
    assert str(again.total) == "95.71"
    md = client.get(f"/forms/{form_id}/download/md")
    assert md.status_code == 200 and "95.71" in md.text
    js = client.get(f"/forms/{form_id}/download/json")
    assert json.loads(js.content)["total"] == "95.71"
    assert client.get(f"/forms/{form_id}/download/exe").status_code == 404
    assert client.get("/forms/999/download/json").status_code == 404


def test_many_files_and_a_zip_of_a_folder(tmp_path: Path) -> None:
    client = _client(tmp_path)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("单位A/seed.json", SEED_JSON.read_bytes())
        zf.writestr("单位B/seed.xlsx", SEED_XLSX.read_bytes())
        zf.writestr("单位B/说明.txt", "不是自评表")
        zf.writestr("__MACOSX/._seed.json", b"junk")
    status, location = _upload(
        client,
        [
            ("forms.zip", buf.getvalue()),
            ("broken.json", b"{ nope"),
            ("seed.json", SEED_JSON.read_bytes()),
        ],
    )
    assert status == 303
    page = client.get(location).text
    assert len(set(_form_ids(page))) == 3
    assert "说明.txt" in page and "不支持的文件类型" in page
    assert "broken.json" in page and "file-failed" in page
    with ResultStore(tmp_path / "r.sqlite") as store:
        (batch,) = store.batches()
        statuses = sorted(f["status"] for f in store.batch_files(batch["id"]))
    assert statuses == ["failed", "ok", "ok", "ok", "skipped"]


def test_bad_uploads_are_pages_not_tracebacks(tmp_path: Path) -> None:
    client = _client(
        tmp_path, limits=UploadLimits(max_request_bytes=200_000, max_unzipped_bytes=1_000_000)
    )
    # wrong type
    status, location = _upload(client, [("virus.exe", b"MZ")])
    assert status == 303
    assert "不支持的文件类型" in client.get(location).text
    # oversized request
    status, body = _upload(client, [("big.json", b" " * 300_000)])
    assert status == 413 and "上限" in body and "Traceback" not in body
    # zip bomb: a small zip that expands far past the limit
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("bomb.json", b"0" * 5_000_000)
    assert len(buf.getvalue()) < 200_000
    status, body = _upload(client, [("bomb.zip", buf.getvalue())])
    assert status == 400 and "解压后" in body
    # not a zip at all
    status, body = _upload(client, [("fake.zip", b"PK not really")])
    assert status == 400 and "不是有效的 zip 文件" in body
    # no file chosen
    csrf = _csrf(client)
    response = client.post("/upload", data={"csrf": csrf}, follow_redirects=False)
    assert response.status_code == 400 and "请选择至少一个文件" in response.text
    # unknown pages and records
    for url in ("/forms/12345", "/batches/nope", "/nowhere", "/policy?name=../../etc/passwd"):
        page = client.get(url)
        assert page.status_code == 404 and "找不到" in page.text


def test_zip_member_names_never_leave_the_upload_folder(tmp_path: Path) -> None:
    client = _client(tmp_path)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("../../../../tmp/evil.json", SEED_JSON.read_bytes())
        zf.writestr("/abs/evil2.json", SEED_JSON.read_bytes())
    status, location = _upload(client, [("trav.zip", buf.getvalue())])
    assert status == 303
    assert len(set(_form_ids(client.get(location).text))) == 2
    assert not Path("/tmp/evil.json").exists()
    assert not Path("/abs/evil2.json").exists()


def test_every_string_from_a_form_is_escaped(tmp_path: Path) -> None:
    form = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    form["project"] = XSS
    form["department"] = XSS
    form["implementer"] = XSS
    for row in form["indicators"]:
        row["name"] = XSS
        row["level2"] = XSS
        row["reason"] = XSS
    form["indicators"][0]["actual"] = XSS
    client = _client(tmp_path)
    status, location = _upload(client, [(f"{XSS}.json", json.dumps(form).encode())])
    assert status == 303
    pages = [client.get(location).text]
    form_id = _form_ids(pages[0])[0]
    pages += [
        client.get(f"/forms/{form_id}").text,
        client.get("/dashboard").text,
        client.get("/").text,
    ]
    for page in pages:
        assert "<script>alert" not in page
        assert "<img src=x" not in page
    assert "&lt;script&gt;alert" in pages[1]
    # and the page forbids inline script anyway
    response = client.get(f"/forms/{form_id}")
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_csrf_is_required_for_state_changes(tmp_path: Path) -> None:
    client = _client(tmp_path)
    _csrf(client)
    response = client.post(
        "/upload",
        data={"csrf": "forged"},
        files=[("files", ("seed.json", SEED_JSON.read_bytes(), "application/json"))],
        follow_redirects=False,
    )
    assert response.status_code == 403 and "请求被拒绝" in response.text
    fresh = TestClient(create_app(tmp_path / "r.sqlite"))
    assert fresh.post("/api/lint", json={"text": "x"}).status_code == 403
    csrf = _csrf(client)
    foreign = client.post(
        "/api/lint",
        json={"text": "x"},
        headers={"x-csrf-token": csrf, "origin": "http://evil.example"},
    )
    assert foreign.status_code == 403
    with ResultStore(tmp_path / "r.sqlite") as store:
        assert store.forms() == []


def test_token_is_required_when_set(tmp_path: Path) -> None:
    client = _client(tmp_path, token="s3cret")
    page = client.get("/")
    assert page.status_code == 401 and "令牌" in page.text
    assert client.get("/?token=wrong").status_code == 401
    assert client.get("/?token=s3cret").status_code == 200
    # the token is kept in a cookie after the first visit
    assert client.get("/dashboard").status_code == 200


def test_dashboard_counts_and_filters(tmp_path: Path) -> None:
    client = _client(tmp_path)
    a = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    b = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    b["department"] = "另一个局"
    b["year"] = 2022
    b["indicators"][0]["score"] = 0  # a wrong claim: SCORE_MISMATCH
    _status, location = _upload(
        client, [("a.json", json.dumps(a).encode()), ("b.json", json.dumps(b).encode())]
    )
    batch_id = location.rsplit("/", 1)[1]
    page = client.get(f"/dashboard?batch={batch_id}").text
    assert re.search(r'id="count-forms">2<', page)
    results = [jixiao.score_form(jixiao.Form.from_dict(d)) for d in (a, b)]
    errors = sum(r.count("error") for r in results)
    assert re.search(rf'id="count-errors"[^>]*>{errors}<', page)
    for chart in ("复核总分分布", "等级分布", "自评总分与复核总分", "复核发现（按代码与级别）"):
        assert chart in page
    assert page.count("<svg") == 4
    only = client.get(f"/dashboard?batch={batch_id}&department=另一个局").text
    assert re.search(r'id="count-forms">1<', only)
    coded = client.get(f"/dashboard?batch={batch_id}&code=SCORE_MISMATCH").text
    assert re.search(r'id="count-forms">1<', coded)
    english = client.get(f"/dashboard?batch={batch_id}&lang=en").text
    assert "Distribution of computed totals" in english


def test_policy_editor_lints_runs_examples_and_diffs(tmp_path: Path) -> None:
    client = _client(tmp_path)
    page = client.get("/policy?name=central")
    assert page.status_code == 200 and "rule" in page.text
    csrf = _csrf(client)
    text = (ROOT / "rules" / "central.policy").read_text(encoding="utf-8")
    ok = client.post("/api/lint", json={"text": text}, headers={"x-csrf-token": csrf}).json()
    assert ok["problems"] == [] and ok["examples"] and all(e["passed"] for e in ok["examples"])
    first_rule = re.search(r"^rule ", text, flags=re.M)
    assert first_rule
    broken = text[: first_rule.start()] + "rulee " + text[first_rule.end() :]
    line = text[: first_rule.start()].count("\n") + 1
    bad = client.post("/api/lint", json={"text": broken}, headers={"x-csrf-token": csrf}).json()
    assert not bad["ok"] and bad["problems"][0]["line"] == line
    _upload(client, [("seed.json", SEED_JSON.read_bytes())])
    diff = client.post(
        "/api/diff", json={"text": text, "other": "central-linear"}, headers={"x-csrf-token": csrf}
    ).json()
    assert diff["ok"] and len(diff["rows"]) == 1
    expected = jixiao.score_form(jixiao.read_form(SEED_JSON), "central-linear").total
    assert diff["rows"][0]["other"] == str(expected)
    assert (
        client.post("/api/lint", content=b"not json", headers={"x-csrf-token": csrf}).status_code
        == 400
    )


def test_uploaded_policy_is_used(tmp_path: Path) -> None:
    client = _client(tmp_path)
    csrf = _csrf(client)
    policy = (ROOT / "rules" / "central-linear.policy").read_text(encoding="utf-8")
    response = client.post(
        "/upload",
        data={"csrf": csrf, "policy": "central"},
        files=[
            ("files", ("seed.json", SEED_JSON.read_bytes(), "application/json")),
            ("policy_file", ("mine.policy", policy.encode(), "text/plain")),
        ],
        follow_redirects=False,
    )
    assert response.status_code == 303
    with ResultStore(tmp_path / "r.sqlite") as store:
        (form,) = store.forms()
    assert form["policy_name"] == jixiao.load_policy(ROOT / "rules" / "central-linear.policy").name
    broken = client.post(
        "/upload",
        data={"csrf": csrf},
        files=[
            ("files", ("seed.json", SEED_JSON.read_bytes(), "application/json")),
            ("policy_file", ("bad.policy", b"policy {", "text/plain")),
        ],
    )
    assert broken.status_code == 400 and "Traceback" not in broken.text
    assert "语法错误：此处不应出现「{」" in html.unescape(broken.text)
    english = client.post(
        "/upload?lang=en",
        data={"csrf": csrf},
        files=[
            ("files", ("seed.json", SEED_JSON.read_bytes(), "application/json")),
            ("policy_file", ("bad.policy", b"policy {", "text/plain")),
        ],
    )
    page = html.unescape(english.text)
    assert english.status_code == 400 and "syntax error: unexpected '{'" in page
    assert "语法错误" not in page and "提示" not in page


def test_policy_editor_shows_problems_in_the_page_language(tmp_path: Path) -> None:
    client = _client(tmp_path)
    csrf = _csrf(client)
    text = 'policy "x"\nextends "central"\nrule "新" before "正向指标" when target.opp == ">=" { score = weight }\n'
    got = {
        lang: client.post(
            f"/api/lint?lang={lang}", json={"text": text}, headers={"x-csrf-token": csrf}
        ).json()["problems"][0]
        for lang in ("zh", "en")
    }
    assert got["zh"]["message"] == "未知名称「target.opp」"
    assert got["zh"]["text"] == "行 3，列 29：未知名称「target.opp」（提示：是不是「target.op」？）"
    assert got["en"]["message"] == "unknown name 'target.opp'"
    assert got["en"]["text"] == (
        "Line 3, Column 29: unknown name 'target.opp' (hint: did you mean 'target.op'?)"
    )
    examples = 'example "e" { target "≥10人" actual "10人" weight 10 expect score 9 }\n'
    ran = {
        lang: client.post(
            f"/api/lint?lang={lang}",
            json={"text": 'extends "central"\n' + examples},
            headers={"x-csrf-token": csrf},
        ).json()["examples"][0]["text"]
        for lang in ("zh", "en")
    }
    assert ran["zh"] == "e：期望 score = 9，实际为 10.00"
    assert ran["en"] == "e: expected score = 9, got 10.00"


def test_unverified_rows_are_marked_and_counted(tmp_path: Path) -> None:
    form = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    form["indicators"][0]["actual"] = "已完成"  # words where a number belongs
    client = _client(tmp_path)
    _status, location = _upload(client, [("seed.json", json.dumps(form).encode())])
    form_id = _form_ids(client.get(location).text)[0]
    page = client.get(f"/forms/{form_id}").text
    result = jixiao.score_form(jixiao.Form.from_dict(form))
    unverified = [i + 1 for i, r in enumerate(result.indicators) if not r.verified]
    assert 1 in unverified
    for n in unverified:
        row_html = page.split(f'id="row-{n}"', 1)[1].split("</tr>", 1)[0]
        assert "mark-unverified" in row_html
    summary = re.search(r'id="verified-summary">(.*?)</p>', page, flags=re.S)
    assert summary and f"{len(unverified)} 行未能复核" in summary.group(1)
    with ResultStore(tmp_path / "r.sqlite") as store:
        (row,) = store.forms()
    assert row["unverified_rows"] == len(unverified)
    assert row["verified_rows"] == len(result.indicators) - len(unverified)


def test_auto_policy_chooses_by_region(tmp_path: Path) -> None:
    form = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    form["department"] = "四川省某某局"
    client = _client(tmp_path)
    status, _location = _upload(client, [("sc.json", json.dumps(form).encode())], policy="auto")
    assert status == 303
    expected = jixiao.score_form(jixiao.Form.from_dict(form), "auto")
    with ResultStore(tmp_path / "r.sqlite") as store:
        (row,) = store.forms()
    assert row["policy_name"] == expected.policy.name != "central"
    assert row["total"] == expected.to_dict()["total"]


def test_the_cell_at_fault_is_outlined_in_a_workbook(tmp_path: Path) -> None:
    client = _client(tmp_path)
    _status, location = _upload(client, [("seed.xlsx", SEED_XLSX.read_bytes())])
    form_id = _form_ids(client.get(location).text)[0]
    page = client.get(f"/forms/{form_id}").text
    result = jixiao.score_form(jixiao.read_form(SEED_XLSX))
    # REASON_MISSING points at the reason cell (I19): that cell of its row is outlined
    (n, finding) = next(
        (i + 1, f)
        for i, r in enumerate(result.indicators)
        for f in r.findings
        if f.code == "REASON_MISSING"
    )
    row_html = page.split(f'id="row-{n}"', 1)[1].split("</tr>", 1)[0]
    assert finding.where in row_html
    assert 'class="reason fault"' in row_html
    overachieved = next(
        i + 1
        for i, r in enumerate(result.indicators)
        if any(f.code == "OVERACHIEVED" for f in r.findings)
    )
    row_html = page.split(f'id="row-{overachieved}"', 1)[1].split("</tr>", 1)[0]
    assert 'class="fault"' in row_html  # the indicator's own cell (三级指标) is outlined


def test_nothing_is_left_in_the_upload_folder(tmp_path: Path) -> None:
    app = create_app(tmp_path / "r.sqlite")
    client = TestClient(app)
    _status, location = _upload(
        client, [("seed.xlsx", SEED_XLSX.read_bytes()), ("bad.json", b"{ no")]
    )
    csrf = _csrf(client)
    text = (ROOT / "rules" / "central.policy").read_text(encoding="utf-8")
    for body in (text, text + "\nrulee"):
        client.post("/api/lint", json={"text": body}, headers={"x-csrf-token": csrf})
    form_id = _form_ids(client.get(location).text)[0]
    assert client.get(f"/forms/{form_id}/download/xlsx").status_code == 200
    uploads = app.state.workbench.uploads
    assert list(uploads.iterdir()) == []
