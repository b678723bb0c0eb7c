"""Server-Sent Events parsing (the text/event-stream format of the HTML standard), lines in, events out.

Only what the answer stream needs: `event` and `data` fields; comments, `id` and `retry` are ignored.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    name: str
    data: str


def iter_events(lines: Iterable[str]) -> Iterator[Event]:
    """Events in arrival order; a blank line ends an event, and an event without data is dropped (as browsers do)."""
    name, data = "", []
    for line in lines:
        line = line.rstrip("\r\n")
        if not line:
            if data:
                yield Event(name or "message", "\n".join(data))
            name, data = "", []
            continue
        field, colon, value = line.partition(":")
        if not colon:
            value = ""  # a line with no colon is a field name with an empty value
        elif value.startswith(" "):
            value = value[1:]
        if field == "event":
            name = value
        elif field == "data":
            data.append(value)
    if data:  # a stream that ends without the final blank line still delivers its last event
        yield Event(name or "message", "\n".join(data))
