"""Readers' ratings of answers (POST /feedback), in their own SQLite file, so staff can review the bad ones.

Append-only: one row per rating, written in its own short transaction. A connection per write keeps the
store safe to use from the API's worker threads, and WAL mode lets staff read the file while the API writes.
Review with e.g. `sqlite3 data/feedback.sqlite "select * from feedback where rating = 'down'"`.
"""
from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,             -- UTC, ISO 8601
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,              -- JSON list of {chunk_id, marker?, title?, source?, quote?}
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment TEXT
);
CREATE INDEX IF NOT EXISTS feedback_rating ON feedback (rating, created_at);
"""


class FeedbackStore:
    def __init__(self, path: Path):
        """Opens (creating if needed) the database, so a bad path fails at start-up, not at the first rating."""
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        # Waits for a concurrent writer rather than failing at once with "database is locked".
        return sqlite3.connect(self.path, timeout=10)

    def add(
        self, question: str, answer: str, citations: list[dict[str, Any]], rating: str, comment: str | None = None
    ) -> int:
        """Stores one rating; returns its id."""
        row = (
            datetime.now(timezone.utc).isoformat(timespec="seconds"),
            question,
            answer,
            json.dumps(citations, ensure_ascii=False),
            rating,
            comment,
        )
        with closing(self._connect()) as conn, conn:  # the inner `conn` commits, or rolls back on error
            cursor = conn.execute(
                "INSERT INTO feedback (created_at, question, answer, citations, rating, comment)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                row,
            )
            return int(cursor.lastrowid)
