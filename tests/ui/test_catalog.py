"""Example questions and filter values derived from the document list."""
from __future__ import annotations

from catalog import FilterOptions, example_question, example_questions, filter_options


def test_questions_read_naturally_for_each_kind_of_title():
    assert example_question("Luật Thanh niên") == "Luật Thanh niên quy định những gì?"
    assert example_question("Nghị định số 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân.") == (
        "Nghị định số 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân quy định những gì?"
    )
    assert example_question("Luật sư tư vấn miễn phí") == "Luật sư tư vấn miễn phí như thế nào?"  # not a law
    # A place-first headline becomes one clause.
    assert example_question("Thanh Hóa: Xây dựng Đề án Chuyển đổi số") == (
        "Thanh Hóa xây dựng Đề án Chuyển đổi số như thế nào?"
    )
    # A long headline keeps its first clause.
    assert example_question(
        "Thanh Hóa: Nỗ lực chuyển đổi số sâu rộng, mang lại lợi ích thiết thực cho người dân và doanh nghiệp"
    ) == "Thanh Hóa nỗ lực chuyển đổi số sâu rộng như thế nào?"
    assert example_question("  Động lực   thúc đẩy chuyển đổi số ") == "Động lực thúc đẩy chuyển đổi số như thế nào?"


def test_examples_prefer_short_headlines_over_lead_sentences():
    docs = [
        {"title": "Mới đây, Bộ Thông tin và Truyền thông đã công bố bảng xếp hạng năm 2021."},
        {"title": "Thanh Hóa: Xây dựng Đề án Chuyển đổi số"},
        {"title": "Động lực thúc đẩy chuyển đổi số"},
        {"title": "Động lực thúc đẩy chuyển đổi số"},  # the same title twice gives one question
        {"title": ""},
        {"title": "Luật Thanh niên"},
    ]
    assert example_questions(docs) == [
        "Luật Thanh niên quy định những gì?",
        "Động lực thúc đẩy chuyển đổi số như thế nào?",
        "Thanh Hóa xây dựng Đề án Chuyển đổi số như thế nào?",
    ]
    # Lead sentences fill in only when there are too few headlines.
    assert len(example_questions(docs[:2])) == 2
    assert example_questions(docs, limit=2) == example_questions(docs)[:2]


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
