"""The Server-Sent Events parser behind streamed answers."""
from __future__ import annotations

from sse import Event, iter_events


def test_events_split_on_blank_lines_and_join_data_lines():
    lines = ["event: delta", "data: một", "", "data: hai", "data: ba", "", "event: done", "data: {}", ""]
    assert list(iter_events(lines)) == [Event("delta", "một"), Event("message", "hai\nba"), Event("done", "{}")]


def test_comments_other_fields_and_empty_events_are_skipped():
    lines = [": ping", "", "id: 3", "retry: 100", "", "event: delta", "", "event: delta", "data:x", "data"]
    # "data:x" has no space to strip; a bare "data" is an empty data line; the last event ends with the stream.
    assert list(iter_events(lines)) == [Event("delta", "x\n")]
