"""The results store: a real SQLite file, round-trips, migrations, history, concurrent writers."""

from __future__ import annotations

import json
import multiprocessing
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.corpus_forms import corpus_forms

import jixiao
from jixiao.cli.app import cli
from jixiao.forms.model import Form
from jixiao.store import MIGRATIONS, SCHEMA_VERSION, ResultStore, StoreError

ROOT = Path(__file__).resolve().parent.parent
SEED_JSON = ROOT / "examples" / "seed.json"


def test_new_store_has_the_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    with ResultStore(path) as store:
        assert store.version == SCHEMA_VERSION
    db = sqlite3.connect(path)
    tables = {
        r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table','view')")
    }
    assert {
        "forms",
        "findings",
        "sources",
        "batches",
        "batch_files",
        "policies",
        "latest_forms",
    } <= tables
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_every_corpus_form_round_trips(tmp_path: Path) -> None:
    forms = corpus_forms()
    assert len(forms) >= 20
    with ResultStore(tmp_path / "r.sqlite") as store:
        batch = store.new_batch("corpus")
        ids = []
        for form in forms:
            result = jixiao.score_form(form, "central")
            ids.append(store.add(result, source_name=form.source or "?", batch_id=batch))
        for form, form_id in zip(forms, ids, strict=True):
            result = jixiao.score_form(form, "central")
            row = store.form(form_id)
            assert row is not None
            assert row["result"] == json.loads(json.dumps(result.to_dict("zh"), ensure_ascii=False))
            assert Form.from_dict(row["form"]) == form
            assert row["total"] == result.to_dict()["total"]
            assert (row["errors"], row["warnings"], row["infos"]) == (
                result.count("error"),
                result.count("warning"),
                result.count("info"),
            )
            stored = store.findings(form_ids=[form_id])
            assert [(f["code"], f["severity"]) for f in stored] == [
                (f.code, f.severity) for f in result.findings
            ]
        assert len(store.forms(batch_id=batch)) == len(forms)


def test_findings_of_more_forms_than_sqlite_takes_parameters(tmp_path: Path) -> None:
    """The workbench filters findings by the ids of the forms a filter matches: more of them
    than SQLite's 32,766 parameters in one statement still work, against a real file."""
    result = jixiao.score_form(jixiao.read_form(SEED_JSON))
    path = tmp_path / "r.sqlite"
    with ResultStore(path) as store:
        kept = [store.add(result, source_name=f"seed{i}.json") for i in range(3)]
        (other,) = [store.add(result, source_name="other.json")]
        # ids of no form, more than this SQLite build takes parameters (32,766 by default)
        cap = sqlite3.connect(":memory:").getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        absent = range(10**7, 10**7 + max(cap, 32_766) + 1)
        ids = [kept[0], *absent, kept[2]]
        rows = store.findings(form_ids=ids)
        assert {r["form_id"] for r in rows} == {kept[0], kept[2]}
        assert len(rows) == 2 * len(result.findings) > 0
        assert other not in {r["form_id"] for r in rows}
        # the same rows as asking for the two forms alone, in the same order
        assert rows == store.findings(form_ids=[kept[0], kept[2]])
        assert store.findings(form_ids=[]) == []
    # the old form of the query (one ? per id) is what SQLite refuses
    db = sqlite3.connect(path)
    with pytest.raises(sqlite3.OperationalError, match="too many SQL variables"):
        db.execute(f"SELECT id FROM forms WHERE id IN ({','.join('?' * len(ids))})", ids)
    db.close()


def test_findings_carry_the_row_they_concern(tmp_path: Path) -> None:
    form = jixiao.read_form(SEED_JSON)
    result = jixiao.score_form(form)
    with ResultStore(tmp_path / "r.sqlite") as store:
        form_id = store.add(result, source_name="seed.json")
        rows = store.findings(form_ids=[form_id])
    by_where = {r["location"]: r for r in rows}
    for i, ind in enumerate(result.indicators):
        for f in ind.findings:
            assert by_where[f.where]["row_number"] == i + 1
            assert by_where[f.where]["row_name"] == ind.name


def test_rescoring_keeps_history_and_latest_view(tmp_path: Path) -> None:
    form = jixiao.read_form(SEED_JSON)
    content = SEED_JSON.read_bytes()
    with ResultStore(tmp_path / "r.sqlite") as store:
        first = store.add(
            jixiao.score_form(form, "central"), source_name="seed.json", content=content
        )
        second = store.add(
            jixiao.score_form(form, "central-linear"), source_name="seed.json", content=content
        )
        third = store.add(
            jixiao.score_form(form, "central"), source_name="seed.json", content=content
        )
        history = store.history(second)
        assert [h["id"] for h in history] == [first, second, third]
        assert [h["policy_name"] for h in history] == ["central", "central-linear", "central"]
        latest = store.forms(latest=True)
        assert sorted(f["id"] for f in latest) == [second, third]
        # the source file is stored once, by its hash, and comes back byte for byte
        assert store.query("SELECT count(*) AS n FROM sources")[0]["n"] == 1
        assert store.source(latest[0]["source_sha256"]) == ("seed.json", content)
        chain = store.policy_chain(latest[0]["policy_digest"])
        assert chain is not None and any("policy" in text for _name, text in chain)


def test_migration_from_the_previous_schema_keeps_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0])
    db.execute("PRAGMA user_version = 1")
    db.execute(
        "INSERT INTO forms(source_sha256, source_name, location, project, department, implementer,"
        " year, policy_name, policy_version, policy_digest, total, claimed_total, grade, errors,"
        " warnings, infos, form_json, result_json, scored_at) VALUES (NULL, 'a.json', NULL, '项目',"
        " '某局', '', 2023, 'central', '2020.1', 'd', '88.50', '90.00', '良', 1, 0, 0, '{}', '{}',"
        " '2024-01-01T00:00:00+00:00')"
    )
    db.execute(
        "INSERT INTO findings(form_id, code, severity, message, location) "
        "VALUES (1, 'SCORE_MISMATCH', 'error', 'x', 'indicators[0]')"
    )
    db.commit()
    db.close()
    with ResultStore(path) as store:
        assert store.version == SCHEMA_VERSION
        (row,) = store.forms()
        assert row["form_key"] == "a.json#"
        assert row["total_value"] == pytest.approx(88.5)
        assert store.query("SELECT count(*) AS n FROM findings")[0]["n"] == 1
        assert [f["id"] for f in store.forms(latest=True)] == [1]


def test_a_files_message_is_kept_in_both_languages(tmp_path: Path) -> None:
    """A skipped or failed file's reason is shown in the language of the page that reads it,
    whatever the language of the upload; a message written in one language is shown as it is."""
    from jixiao.i18n import Msg

    with ResultStore(tmp_path / "s.sqlite") as store:
        batch = store.new_batch("two files")
        store.record_file(batch, "a.txt", "skipped", Msg("不是自评表文件", "not a form file"))
        store.record_file(batch, "b.xlsx", "failed", "只有一种语言的说明")
        store.record_file(batch, "c.json", "ok", None, forms=1)
        zh = [(f["name"], f["status"], f["message"]) for f in store.batch_files(batch)]
        en = [(f["name"], f["message"]) for f in store.batch_files(batch, "en")]
    assert zh == [
        ("a.txt", "skipped", "不是自评表文件"),
        ("b.xlsx", "failed", "只有一种语言的说明"),
        ("c.json", "ok", None),
    ]
    assert en == [("a.txt", "not a form file"), ("b.xlsx", "只有一种语言的说明"), ("c.json", None)]


def test_migration_adds_english_messages_to_a_version_2_store(tmp_path: Path) -> None:
    path = tmp_path / "v2.sqlite"
    db = sqlite3.connect(path)
    for script in MIGRATIONS[:2]:
        db.executescript(script)
    db.execute("PRAGMA user_version = 2")
    db.execute("INSERT INTO batches(id, label, created_at) VALUES ('b1', 'x', '2024-01-01')")
    db.execute(
        "INSERT INTO batch_files(batch_id, name, status, message) "
        "VALUES ('b1', 'a.txt', 'skipped', '旧的说明')"
    )
    db.commit()
    db.close()
    with ResultStore(path) as store:
        assert store.version == SCHEMA_VERSION
        assert [f["message"] for f in store.batch_files("b1", "en")] == ["旧的说明"]


def test_refuses_files_that_are_not_its_own(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE t(x)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="不是 jixiao 结果库"):
        ResultStore(other)
    text = tmp_path / "notes.sqlite"
    text.write_text("这不是数据库" * 100, encoding="utf-8")
    with pytest.raises(StoreError, match=re.escape(str(text))):
        ResultStore(text)
    newer = tmp_path / "newer.sqlite"
    with ResultStore(newer):
        pass
    db = sqlite3.connect(newer)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="请升级 jixiao"):
        ResultStore(newer)


def _writer(path: str, tag: str, count: int) -> None:
    form = jixiao.read_form(SEED_JSON)
    result = jixiao.score_form(form)
    with ResultStore(path) as store:
        batch = store.new_batch(tag)
        for i in range(count):
            store.add(
                result, source_name=f"{tag}-{i}.json", content=f"{tag}{i}".encode(), batch_id=batch
            )


def test_two_processes_write_at_once_without_loss(tmp_path: Path) -> None:
    path = str(tmp_path / "r.sqlite")
    with ResultStore(path):
        pass
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, tag, 40)) for tag in ("a", "b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    with ResultStore(path) as store:
        forms = store.forms()
        assert len(forms) == 80
        assert len({f["source_name"] for f in forms}) == 80
        n_findings = store.query("SELECT count(*) AS n FROM findings")[0]["n"]
        per_form = len(jixiao.score_form(jixiao.read_form(SEED_JSON)).findings)
        assert n_findings == 80 * per_form


def test_parquet_export_of_findings(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    with ResultStore(tmp_path / "r.sqlite") as store:
        for form in corpus_forms()[:5]:
            store.add(jixiao.score_form(form), source_name=form.source or "?")
        expected = store.query("SELECT count(*) AS n FROM findings")[0]["n"]
        assert store.export_findings(tmp_path / "f.parquet") == expected
    table = pq.read_table(tmp_path / "f.parquet")
    assert table.num_rows == expected
    assert {"code", "severity", "department", "year", "row_number"} <= set(table.column_names)


def test_query_is_read_only(tmp_path: Path) -> None:
    with ResultStore(tmp_path / "r.sqlite") as store, pytest.raises(StoreError):
        store.query("DELETE FROM forms")


def test_cli_db_option_stores_every_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json", encoding="utf-8")
    good = tmp_path / "seed.json"
    good.write_bytes(SEED_JSON.read_bytes())
    db = tmp_path / "r.sqlite"
    result = CliRunner().invoke(cli, ["check", str(tmp_path), "--db", str(db)])
    assert result.exit_code == 1, result.output
    with ResultStore(db) as store:
        (batch,) = store.batches()
        files = store.batch_files(batch["id"])
        status = {Path(f["name"]).name: f["status"] for f in files}
        assert status == {"bad.json": "failed", "seed.json": "ok"}
        failed = next(f for f in files if f["status"] == "failed")
        assert "bad.json" in failed["message"]
        (form,) = store.forms(batch_id=batch["id"])
        assert (form["total"], form["grade"]) == ("95.71", "优")


def test_cli_db_refuses_an_input_as_the_store(tmp_path: Path) -> None:
    good = tmp_path / "seed.json"
    good.write_bytes(SEED_JSON.read_bytes())
    result = CliRunner().invoke(cli, ["score", str(good), "--db", str(good)])
    assert result.exit_code == 2
    assert good.read_bytes() == SEED_JSON.read_bytes()


def test_documented_queries_run(tmp_path: Path) -> None:
    """Every ```sql block of docs/store.md runs against a store holding the corpus."""
    text = (ROOT / "docs" / "store.md").read_text(encoding="utf-8")
    queries = re.findall(r"```sql\n(.*?)```", text, flags=re.S)
    assert len(queries) >= 5
    with ResultStore(tmp_path / "r.sqlite") as store:
        batch = store.new_batch("corpus")
        for form in corpus_forms():
            store.add(jixiao.score_form(form), source_name=form.source or "?", batch_id=batch)
        for sql in queries:
            rows = store.query(sql)
            assert rows, sql
