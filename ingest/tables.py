"""Tables as text that keeps their rows: each data row becomes one line that names its columns,
"Chỉ tiêu: Dịch vụ công trực tuyến; Năm 2025: 90%", so that a passage holding one cell also says what the cell
is, and a question about it finds that row. DOCX and text-layer PDF tables go through here alike.

A table used for layout (the two-column header of a decree, a signature block) is not a data table: its rows
stay as they read, cells joined with " | ", which is what the legal header parser expects.
"""
from __future__ import annotations

import re

from retriever.text.normalize import fold

Cell = str | None  # None: the cell is merged into the one on its left (or above)

_MAX_HEADER_CELL = 80
# A header row with one of these is the layout of a document, not column names.
_LAYOUT = re.compile(r"cong hoa xa hoi chu nghia|doc lap\s*-\s*tu do|dang cong san viet nam|noi nhan")


def _clean(cell: Cell) -> str:
    return " ".join(cell.split()) if cell else ""


def _is_header(row: list[str]) -> bool:
    filled = [c for c in row if c]
    return (
        len(filled) >= 2
        and len(filled) * 2 >= len(row)
        and all(len(c) <= _MAX_HEADER_CELL for c in filled)
        and not any(_LAYOUT.search(fold(c)) for c in filled)
    )


def plain_rows(rows: list[list[Cell]]) -> list[str]:
    """One line per row, its non-empty cells joined with " | " (a merged cell appears once)."""
    lines = []
    for row in rows:
        cells = [c for c in map(_clean, row) if c]
        if cells:
            lines.append(" | ".join(cells))
    return lines


def render_table(rows: list[list[Cell]], header: list[str] | None = None) -> tuple[list[str], list[str] | None]:
    """The lines of a table, and the column names used (to carry on into the rest of a table cut by a page break).

    `header`, when given, names the columns of a table continued from the previous page; a first row equal to it
    (the header repeated on the new page) is then skipped.
    """
    table = [[_clean(c) for c in row] for row in rows]
    table = [row for row in table if any(row)]
    if not table:
        return [], header
    width = max(len(row) for row in table)
    table = [row + [""] * (width - len(row)) for row in table]
    if header is not None and len(header) == width:
        if table[0] == header:
            table = table[1:]
    elif len(table) >= 2 and width >= 2 and _is_header(table[0]):
        header, table = table[0], table[1:]
    else:
        return plain_rows(rows), None
    lines = []
    for row in table:
        filled = [(n, c) for n, c in enumerate(row) if c]
        if len(filled) == 1 and width >= 3:  # a group row ("I. CHỈ TIÊU KINH TẾ") spanning the table
            lines.append(filled[0][1])
            continue
        parts = [f"{header[n]}: {c}" if header[n] else c for n, c in filled]
        lines.append("; ".join(parts))
    return [line for line in lines if line], header
