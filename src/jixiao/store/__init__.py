"""The results store: every scored form kept in a SQLite file, for the workbench and for analysts.

结果库：每张评过分的表都存入一个 SQLite 文件（路径由用户给出，首次使用时创建），含表单本身、源文件的
哈希、评分策略的名称与摘要、结果 JSON，以及逐条复核发现（便于查询）。同一张表在新策略下重新评分时，
旧结果保留为历史。``jixiao check|score … --db PATH`` 与 ``jixiao serve`` 共用这一结果库。

The schema is versioned with ``PRAGMA user_version`` and migrated forward on open (see
:data:`MIGRATIONS`); docs/store.md documents every table and gives example queries. Writers may be
several processes at once: the file is in WAL mode and every write is one ``BEGIN IMMEDIATE``
transaction with a busy timeout, so concurrent writers wait for each other instead of losing rows.

>>> import tempfile, os, jixiao
>>> from jixiao.store import ResultStore
>>> path = os.path.join(tempfile.mkdtemp(), "results.sqlite")
>>> with ResultStore(path) as store:
...     result = jixiao.score_form(jixiao.read_form("examples/seed.json"))
...     form_id = store.add(result, source_name="seed.json", content=b"{}")
...     store.form(form_id)["total"]
'95.71'
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jixiao.errors import JixiaoError
from jixiao.i18n import Msg
from jixiao.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, statements

if TYPE_CHECKING:
    from jixiao.evaluate import FormResult

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "ResultStore", "StoreError", "form_key"]


class StoreError(JixiaoError):
    """The results store cannot be opened or written (not a jixiao store, newer schema, disk)."""


def form_key(sha256: str | None, source_name: str, location: str | None) -> str:
    """The identity of one form across re-scorings: its file's hash (or name) and the sheet."""
    return f"{sha256 or source_name}#{location or ''}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _real(text: Any) -> float | None:
    try:
        return float(Decimal(str(text))) if text is not None else None
    except ArithmeticError:
        return None


class ResultStore:
    """A results store in one SQLite file, created and migrated on open.

    Use it as a context manager, or call :meth:`close`. Each method is one transaction.
    """

    def __init__(self, path: str | Path, *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        try:
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(
                Msg(
                    f"无法打开结果库 {self.path}：{exc}",
                    f"cannot open the store {self.path}: {exc}",
                )
            ) from exc
        self._db.row_factory = sqlite3.Row
        try:
            self._db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
            self._db.execute("PRAGMA journal_mode = WAL")
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(
                Msg(
                    f"{self.path} 不是 jixiao 结果库（无法作为 SQLite 数据库读取）",
                    f"{self.path} is not a jixiao results store: {exc}",
                )
            ) from exc

    # ------------------------------------------------------------------ life cycle

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    @property
    def version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
            app = int(self._db.execute("PRAGMA application_id").fetchone()[0])
            tables = self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if app not in (0, APPLICATION_ID) or (app == 0 and tables and version == 0):
                raise StoreError(
                    Msg(
                        f"{self.path} 是其他程序的 SQLite 文件，不是 jixiao 结果库",
                        f"{self.path} is an SQLite file of another program, "
                        "not a jixiao results store",
                    )
                )
            if version > SCHEMA_VERSION:
                raise StoreError(
                    Msg(
                        f"结果库 {self.path} 的版本 {version} 比本程序支持的 {SCHEMA_VERSION} 新，"
                        "请升级 jixiao",
                        f"the store {self.path} has schema {version}, newer than "
                        f"{SCHEMA_VERSION}: upgrade jixiao",
                    )
                )
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in statements(script):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number}")
            self._db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    # ------------------------------------------------------------------ writing

    def new_batch(self, label: str) -> str:
        """Start a batch (one upload, one command run); returns its id."""
        batch_id = uuid.uuid4().hex[:12]
        with self._write():
            self._db.execute(
                "INSERT INTO batches(id, label, created_at) VALUES (?, ?, ?)",
                (batch_id, label, _now()),
            )
        return batch_id

    def add(
        self,
        result: FormResult,
        *,
        source_name: str,
        content: bytes | None = None,
        location: str | None = None,
        batch_id: str | None = None,
        keep_content: bool = True,
    ) -> int:
        """Store one scored form; returns its id. *content* is the source file's bytes (hashed,
        and kept unless *keep_content* is false, so the workbench can write an annotated copy)."""
        return self.add_many(
            [(result, source_name, content, location)], batch_id=batch_id, keep_content=keep_content
        )[0]

    def add_many(
        self,
        items: Iterable[tuple[FormResult, str, bytes | None, str | None]],
        *,
        batch_id: str | None = None,
        keep_content: bool = True,
    ) -> list[int]:
        """Store several scored forms in one transaction: ``(result, source_name, content,
        location)`` each; returns their ids in order."""
        ids: list[int] = []
        with self._write():
            for result, source_name, content, location in items:
                ids.append(
                    self._insert(result, source_name, content, location, batch_id, keep_content)
                )
        return ids

    def _insert(
        self,
        result: FormResult,
        source_name: str,
        content: bytes | None,
        location: str | None,
        batch_id: str | None,
        keep_content: bool,
    ) -> int:
        sha = hashlib.sha256(content).hexdigest() if content is not None else None
        if sha is not None and content is not None:
            self._db.execute(
                "INSERT OR IGNORE INTO sources(sha256, name, size, content, added_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (sha, source_name, len(content), content if keep_content else None, _now()),
            )
        data = result.to_dict("zh")
        form = result.form
        policy = result.policy
        self._db.execute(
            "INSERT OR IGNORE INTO policies(digest, name, version, chain_json) VALUES (?, ?, ?, ?)",
            (
                policy.digest,
                policy.name,
                policy.version,
                json.dumps(policy.chain, ensure_ascii=False),
            ),
        )
        rows = data.get("indicators", [])
        verification = data.get("verification") or {}
        cur = self._db.execute(
            """INSERT INTO forms(source_sha256, source_name, location, project, department,
                   implementer, year, policy_name, policy_version, policy_digest, total,
                   claimed_total, grade, errors, warnings, infos, form_json, result_json,
                   scored_at, batch_id, form_key, total_value, claimed_total_value,
                   verified_rows, unverified_rows)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                sha,
                source_name,
                location,
                form.project,
                form.department,
                form.implementer,
                form.year,
                result.policy.name,
                result.policy.version,
                result.policy.digest,
                data["total"],
                data["claimed_total"],
                data["grade"],
                result.count("error"),
                result.count("warning"),
                result.count("info"),
                json.dumps(form.to_dict(), ensure_ascii=False),
                json.dumps(data, ensure_ascii=False),
                _now(),
                batch_id,
                form_key(sha, source_name, location),
                _real(data["total"]),
                _real(data["claimed_total"]),
                verification.get("verified"),
                verification.get("unverified"),
            ),
        )
        form_id = cur.lastrowid
        assert form_id is not None
        names = {r.get("where"): (i + 1, r.get("name")) for i, r in enumerate(rows)}
        self._db.executemany(
            "INSERT INTO findings(form_id, code, severity, message, location, row_number, "
            "row_name) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    form_id,
                    f["code"],
                    f["severity"],
                    f["message"],
                    f.get("where"),
                    f.get("row", _row_of(f.get("where"), names)[0]),
                    f.get("name", _row_of(f.get("where"), names)[1]),
                )
                for f in data["findings"]
            ],
        )
        return form_id

    def record_file(
        self,
        batch_id: str,
        name: str,
        status: str,
        message: Msg | str | None,
        *,
        forms: int = 0,
    ) -> None:
        """Note what became of one file of a batch: ``ok`` (with its number of forms),
        ``failed`` (it could not be read; *message* says where and why) or ``skipped``. A
        :class:`~jixiao.i18n.Msg` keeps both languages (:meth:`batch_files` gives the one
        asked for); a plain string is shown as it is in both."""
        zh, en = (message.zh, message.en) if isinstance(message, Msg) else (message, None)
        with self._write():
            self._db.execute(
                "INSERT INTO batch_files(batch_id, name, status, message, message_en, forms) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (batch_id, name, status, zh, en, forms),
            )

    class _Tx:
        def __init__(self, db: sqlite3.Connection) -> None:
            self.db = db

        def __enter__(self) -> None:
            self.db.execute("BEGIN IMMEDIATE")

        def __exit__(self, kind: object, *rest: object) -> None:
            self.db.execute("COMMIT" if kind is None else "ROLLBACK")

    def _write(self) -> ResultStore._Tx:
        return ResultStore._Tx(self._db)

    # ------------------------------------------------------------------ reading

    def batches(self) -> list[dict[str, Any]]:
        """Every batch, newest first, with its form count and totals of findings."""
        rows = self._db.execute(
            """SELECT b.id, b.label, b.created_at, count(f.id) AS forms,
                      coalesce(sum(f.errors), 0) AS errors,
                      coalesce(sum(f.warnings), 0) AS warnings
               FROM batches b LEFT JOIN forms f ON f.batch_id = b.id
               GROUP BY b.id ORDER BY b.created_at DESC, b.rowid DESC"""
        ).fetchall()
        return [dict(r) for r in rows]

    def batch(self, batch_id: str) -> dict[str, Any] | None:
        row = self._db.execute("SELECT * FROM batches WHERE id = ?", (batch_id,)).fetchone()
        return dict(row) if row else None

    def forms(
        self,
        *,
        batch_id: str | None = None,
        latest: bool = False,
        filters: Mapping[str, str] | None = None,
    ) -> list[dict[str, Any]]:
        """Summaries of stored forms (no JSON bodies), oldest first. *filters* may hold
        ``department``, ``year``, ``policy``, and ``severity`` / ``code`` (forms with at least one
        such finding)."""
        table = "latest_forms" if latest else "forms"
        where: list[str] = []
        args: list[Any] = []
        if batch_id is not None:
            where.append("f.batch_id = ?")
            args.append(batch_id)
        for key, column in (("department", "department"), ("policy", "policy_name")):
            value = (filters or {}).get(key)
            if value:
                where.append(f"f.{column} = ?")
                args.append(value)
        year = (filters or {}).get("year")
        if year:
            where.append("f.year = ?")
            args.append(int(year) if str(year).isdigit() else -1)
        sub: list[str] = []
        for key in ("severity", "code"):
            value = (filters or {}).get(key)
            if value:
                sub.append(f"x.{key} = ?")
                args.append(value)
        if sub:
            where.append(
                "EXISTS (SELECT 1 FROM findings x WHERE x.form_id = f.id AND "
                + " AND ".join(sub)
                + ")"
            )
        sql = (
            "SELECT f.id, f.batch_id, f.source_name, f.location, f.project, f.department, "
            "f.implementer, f.year, f.policy_name, f.policy_version, f.policy_digest, f.total, "
            "f.claimed_total, f.grade, f.errors, f.warnings, f.infos, f.scored_at, f.form_key, "
            "f.total_value, f.claimed_total_value, f.verified_rows, f.unverified_rows, "
            f"f.source_sha256 FROM {table} f"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY f.id"
        )
        return [dict(r) for r in self._db.execute(sql, args).fetchall()]

    def form(self, form_id: int) -> dict[str, Any] | None:
        """One stored form with its form and result JSON decoded (``form`` and ``result``)."""
        row = self._db.execute("SELECT * FROM forms WHERE id = ?", (form_id,)).fetchone()
        if row is None:
            return None
        out = dict(row)
        out["form"] = json.loads(out.pop("form_json"))
        out["result"] = json.loads(out.pop("result_json"))
        return out

    def history(self, form_id: int) -> list[dict[str, Any]]:
        """Every scoring of the same form (same file and sheet), oldest first."""
        row = self._db.execute("SELECT form_key FROM forms WHERE id = ?", (form_id,)).fetchone()
        if row is None:
            return []
        rows = self._db.execute(
            "SELECT id, policy_name, policy_version, policy_digest, total, grade, errors, "
            "warnings, scored_at FROM forms WHERE form_key = ? ORDER BY id",
            (row["form_key"],),
        ).fetchall()
        return [dict(r) for r in rows]

    def batch_files(self, batch_id: str, lang: str = "zh") -> list[dict[str, Any]]:
        """Every file of a batch in the order it was read, with its status and its message in
        *lang* (a message stored in one language only is given as it is)."""
        rows = self._db.execute(
            "SELECT name, status, coalesce(CASE WHEN ? THEN message_en END, message) AS message,"
            " forms FROM batch_files WHERE batch_id = ? ORDER BY id",
            (lang == "en", batch_id),
        ).fetchall()
        return [dict(r) for r in rows]

    def policy_chain(self, digest: str) -> list[tuple[str, str]] | None:
        """The rule files (display name, text) of a policy a stored form was scored under."""
        row = self._db.execute(
            "SELECT chain_json FROM policies WHERE digest = ?", (digest,)
        ).fetchone()
        if row is None:
            return None
        return [(str(a), str(b)) for a, b in json.loads(row[0])]

    def source(self, sha256: str) -> tuple[str, bytes] | None:
        """The name and bytes of a stored source file, if its content was kept."""
        row = self._db.execute(
            "SELECT name, content FROM sources WHERE sha256 = ?", (sha256,)
        ).fetchone()
        if row is None or row["content"] is None:
            return None
        return str(row["name"]), bytes(row["content"])

    def findings(
        self, *, batch_id: str | None = None, form_ids: Sequence[int] | None = None
    ) -> list[dict[str, Any]]:
        """Finding rows joined with their form's department, year, project and policy."""
        where: list[str] = []
        args: list[Any] = []
        if batch_id is not None:
            where.append("f.batch_id = ?")
            args.append(batch_id)
        if form_ids is not None:
            # one parameter, a JSON array, however many ids: SQLite allows at most 32,766
            # parameters in a statement, and a workbench filter can match more forms than that
            where.append("f.id IN (SELECT value FROM json_each(?))")
            args.append(json.dumps([int(i) for i in form_ids]))
        sql = (
            "SELECT x.form_id, x.code, x.severity, x.message, x.location, x.row_number, "
            "x.row_name, f.source_name, f.project, f.department, f.year, f.policy_name "
            "FROM findings x JOIN forms f ON f.id = x.form_id"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY x.form_id, x.id"
        )
        return [dict(r) for r in self._db.execute(sql, args).fetchall()]

    def query(self, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """A read-only query (the documented example queries run through this in the tests)."""
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            raise StoreError(Msg("只允许查询语句", "only SELECT queries are allowed"))
        return [dict(r) for r in self._db.execute(sql, args).fetchall()]

    def export_findings(self, path: str | Path) -> int:
        """Write the findings table (joined with its forms' columns) as Parquet; needs pyarrow
        (the ``tables`` extra). Returns the number of rows written."""
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError as exc:
            raise StoreError(
                Msg(
                    "导出 Parquet 需要 pyarrow：pip install 'jixiao[tables]'",
                    "Parquet export needs pyarrow: pip install 'jixiao[tables]'",
                )
            ) from exc
        rows = self.findings()
        columns = (
            "form_id",
            "code",
            "severity",
            "message",
            "location",
            "row_number",
            "row_name",
            "source_name",
            "project",
            "department",
            "year",
            "policy_name",
        )
        table = pa.table({c: [r[c] for r in rows] for c in columns})
        pq.write_table(table, str(path))
        return len(rows)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.forms())


def _row_of(where: Any, names: Mapping[Any, tuple[int, Any]]) -> tuple[int | None, Any]:
    """The 1-based row number and name of the indicator a finding's location points into."""
    if not isinstance(where, str):
        return None, None
    for key, value in names.items():
        if isinstance(key, str) and (where == key or where.startswith(key + ".")):
            return value
    return None, None
