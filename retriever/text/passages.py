"""A passage as it is embedded and indexed: under its document's title and section path."""
from __future__ import annotations

SECTION_SEPARATOR = " > "  # between the levels of Chunk.section: "Chương II > Điều 5. Phạm vi > Khoản 2"


def passage_with_context(title: str, section: str, text: str) -> str:
    """A passage as it is embedded and indexed: under its document's title and section path, so that a clause
    split from its article still says which article it belongs to. Headings the passage already begins with
    (the first passage of an article opens with its title) are not repeated."""
    opening = text[:300]
    head = [title] if title and not text.startswith(title) else []
    path = [p for p in section.split(SECTION_SEPARATOR) if p and p not in opening and p != title]
    if path:
        head.append(SECTION_SEPARATOR.join(path))
    return "\n".join([*head, text])
