"""Rule-based rewriting of follow-up questions into standalone ones."""
from __future__ import annotations

import pytest

from retriever.answer.followup import is_followup, standalone

BASE = "Năm 2020 Thanh Hóa xếp thứ mấy về chuyển đổi số?"
HISTORY = [("user", BASE), ("assistant", "Thanh Hóa xếp thứ 15 trong tổng số 63 tỉnh, thành phố [1]")]


@pytest.mark.parametrize(
    "followup, expected",
    [
        ("Còn năm 2021 thì sao?", "Năm 2021 Thanh Hóa xếp thứ mấy về chuyển đổi số?"),
        ("Hà Tĩnh thì sao?", "Năm 2020 Hà Tĩnh xếp thứ mấy về chuyển đổi số?"),
        ("Thế còn Hà Tĩnh năm 2021?", "Năm 2021 Hà Tĩnh xếp thứ mấy về chuyển đổi số?"),
        ("Vậy năm 2019?", "Năm 2019 Thanh Hóa xếp thứ mấy về chuyển đổi số?"),
        # Typed without diacritics: the place comes back with its proper name.
        ("con nam 2021 thi sao", "Năm 2021 Thanh Hóa xếp thứ mấy về chuyển đổi số?"),
        ("ha tinh thi sao?", "Năm 2020 Hà Tĩnh xếp thứ mấy về chuyển đổi số?"),
        ("Còn kinh tế số thì sao?", "Năm 2020 Thanh Hóa xếp thứ mấy về chuyển đổi số, đối với kinh tế số?"),
        ("Năm đó Hà Nội xếp thứ mấy?", "Năm 2020 Hà Nội xếp thứ mấy?"),
    ],
)
def test_followup_takes_the_previous_question_with_what_it_changes(followup, expected):
    assert standalone(followup, HISTORY) == expected


def test_standalone_question_is_left_alone():
    assert standalone("Thanh Hóa có bao nhiêu doanh nghiệp đăng ký sử dụng hóa đơn điện tử?", HISTORY) is None
    # "do" (by) is not the pointer "đó" (that).
    assert standalone("Bộ chỉ số chuyển đổi số cấp tỉnh do cơ quan nào công bố?", HISTORY) is None


def test_no_history_no_rewrite():
    assert standalone("Còn năm 2021 thì sao?", []) is None


def test_pointer_takes_the_noun_phrase_of_the_previous_question():
    history = [("user", "Đề án chuyển đổi số tỉnh Thanh Hóa đặt ra bao nhiêu nhiệm vụ?"), ("assistant", "4 [1]")]
    assert standalone("Đề án đó có mấy giai đoạn?", history) == "Đề án chuyển đổi số tỉnh Thanh Hóa có mấy giai đoạn?"


def test_person_pointer_takes_the_name_from_the_last_answer():
    history = [
        ("user", "Ai là Giám đốc Sở Thông tin và Truyền thông Thanh Hóa?"),
        ("assistant", "Ông Đỗ Hữu Quyết, Giám đốc Sở Thông tin & Truyền thông Thanh Hóa cho rằng … [1]"),
    ]
    rewritten = standalone("Ông ấy nói gì về chuyển đổi số?", history)
    assert rewritten is not None and rewritten.startswith("Ông Đỗ Hữu Quyết nói gì về chuyển đổi số")
    assert standalone("Còn Hà Tĩnh?", history) == "Ai là Giám đốc Sở Thông tin và Truyền thông Hà Tĩnh?"


def test_chained_followups_build_on_the_rewritten_one():
    history = [*HISTORY, ("user", "Còn năm 2021 thì sao?"), ("assistant", "Thanh Hóa xếp thứ 12/63 [1]")]
    assert standalone("Hà Tĩnh thì sao?", history) == "Năm 2021 Hà Tĩnh xếp thứ mấy về chuyển đổi số?"


@pytest.mark.parametrize(
    "question, expected",
    [
        ("Còn năm 2021 thì sao?", True),
        ("Hà Tĩnh?", True),
        ("Vậy tỉnh này có bao nhiêu doanh nghiệp đăng ký hóa đơn điện tử?", True),
        ("Tỷ lệ ký số cá nhân trên hệ thống quản lý văn bản của Thanh Hóa là bao nhiêu?", False),
    ],
)
def test_followup_forms(question, expected):
    assert is_followup(question) is expected
