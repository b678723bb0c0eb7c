"""Filter values derived from the document list (example questions come from the API: tests/ui/test_app.py)."""
from __future__ import annotations

from catalog import FilterOptions, filter_options


def test_filter_options_come_from_the_metadata_present():
    docs = [
        {"title": "a", "publisher": "nhandan.vn", "doc_type": "Nghị định", "issued_date": "2021-09-23"},
        {"title": "b", "publisher": "Dân Sinh", "year": 2019},
        {"title": "c", "publisher": None, "published_date": "2023-01-02T08:00:00"},
        {"title": "d", "published_date": "không rõ"},
    ]
    assert filter_options(docs) == FilterOptions(
        doc_types=["Nghị định"], publishers=["Dân Sinh", "nhandan.vn"], years=[2019, 2021, 2023]
    )
    assert filter_options([{"title": "x"}]) == FilterOptions([], [], [])
