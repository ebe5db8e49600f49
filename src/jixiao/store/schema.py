"""The results store's schema: one forward migration script per version, applied on open.

The schema is versioned with ``PRAGMA user_version``; :class:`jixiao.store.ResultStore` runs the
scripts a file has not seen yet, in one transaction, and marks the file with
:data:`APPLICATION_ID`. docs/store.md documents every table.
"""

from __future__ import annotations

import sqlite3

__all__ = ["APPLICATION_ID", "MIGRATIONS", "SCHEMA_VERSION", "statements"]

#: Forward migrations, one SQL script per schema version (index 0 → version 1). Never edit a
#: released script: add a new one.
MIGRATIONS: tuple[str, ...] = (
    # 1: forms, their findings and the source files they came from
    """
    CREATE TABLE sources (
        sha256     TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        size       INTEGER NOT NULL,
        content    BLOB,
        added_at   TEXT NOT NULL
    );
    CREATE TABLE forms (
        id              INTEGER PRIMARY KEY,
        source_sha256   TEXT REFERENCES sources(sha256),
        source_name     TEXT NOT NULL,
        location        TEXT,
        project         TEXT,
        department      TEXT,
        implementer     TEXT,
        year            INTEGER,
        policy_name     TEXT NOT NULL,
        policy_version  TEXT NOT NULL,
        policy_digest   TEXT NOT NULL,
        total           TEXT,
        claimed_total   TEXT,
        grade           TEXT,
        errors          INTEGER NOT NULL,
        warnings        INTEGER NOT NULL,
        infos           INTEGER NOT NULL,
        form_json       TEXT NOT NULL,
        result_json     TEXT NOT NULL,
        scored_at       TEXT NOT NULL
    );
    CREATE TABLE findings (
        id        INTEGER PRIMARY KEY,
        form_id   INTEGER NOT NULL REFERENCES forms(id) ON DELETE CASCADE,
        code      TEXT NOT NULL,
        severity  TEXT NOT NULL,
        message   TEXT NOT NULL,
        location  TEXT
    );
    CREATE INDEX findings_form ON findings(form_id);
    CREATE INDEX findings_code ON findings(code, severity);
    """,
    # 2: batches (one upload or one command run), a stable key per form across re-scorings,
    # numeric copies of the totals for filtering, row numbers on findings, verified counts
    """
    CREATE TABLE batches (
        id          TEXT PRIMARY KEY,
        label       TEXT NOT NULL,
        created_at  TEXT NOT NULL
    );
    ALTER TABLE forms ADD COLUMN batch_id TEXT REFERENCES batches(id);
    ALTER TABLE forms ADD COLUMN form_key TEXT;
    ALTER TABLE forms ADD COLUMN total_value REAL;
    ALTER TABLE forms ADD COLUMN claimed_total_value REAL;
    ALTER TABLE forms ADD COLUMN verified_rows INTEGER;
    ALTER TABLE forms ADD COLUMN unverified_rows INTEGER;
    ALTER TABLE findings ADD COLUMN row_number INTEGER;
    ALTER TABLE findings ADD COLUMN row_name TEXT;
    UPDATE forms SET form_key = coalesce(source_sha256, source_name) || '#' || coalesce(location, ''),
                     total_value = CAST(total AS REAL),
                     claimed_total_value = CAST(claimed_total AS REAL);
    CREATE INDEX forms_key ON forms(form_key, policy_name, scored_at);
    CREATE INDEX forms_batch ON forms(batch_id);
    CREATE TABLE batch_files (
        id          INTEGER PRIMARY KEY,
        batch_id    TEXT NOT NULL REFERENCES batches(id),
        name        TEXT NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'skipped')),
        message     TEXT,
        forms       INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX batch_files_batch ON batch_files(batch_id);
    CREATE TABLE policies (
        digest      TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        version     TEXT NOT NULL,
        chain_json  TEXT NOT NULL
    );
    CREATE VIEW latest_forms AS
        SELECT f.* FROM forms f
        WHERE f.id = (SELECT max(g.id) FROM forms g
                      WHERE g.form_key = f.form_key AND g.policy_name = f.policy_name);
    """,
    # 3: a file's message in English too (the page shows the one of its own language)
    """
    ALTER TABLE batch_files ADD COLUMN message_en TEXT;
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)
#: ``PRAGMA application_id`` of a jixiao store: "JXST".
APPLICATION_ID = 0x4A58_5354


def statements(script: str) -> list[str]:
    """The statements of a migration script (each ends with ';' at the end of a line)."""
    out: list[str] = []
    buf: list[str] = []
    for line in script.splitlines():
        buf.append(line)
        if line.rstrip().endswith(";") and sqlite3.complete_statement("\n".join(buf)):
            out.append("\n".join(buf).strip())
            buf = []
    rest = "\n".join(buf).strip()
    if rest:
        out.append(rest)
    return out
