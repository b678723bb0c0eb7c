"""Clause cutting (retriever/answer/clauses.py): where a long sentence may be cut, which clause keeps its subject,
and the items of an enumeration."""
from retriever.answer.clauses import (
    Piece,
    choose_window,
    clause_pieces,
    enumeration_end,
    line_items,
    list_items,
    split_pieces,
)


def texts(text: str, pieces) -> list[str]:
    return [text[p.start : p.end] for p in pieces]


def test_pieces_split_at_semicolons_colons_and_commas_but_not_inside_numbers_brackets_or_quotes():
    text = 'Tỷ lệ đạt 98,7% (gồm A, B), khẩu hiệu "X, Y"; số hộ: 1.234 hộ'
    assert texts(text, split_pieces(text, 0, len(text))) == [
        "Tỷ lệ đạt 98,7% (gồm A, B)", 'khẩu hiệu "X, Y"', "số hộ", "1.234 hộ",
    ]
    assert [p.separator for p in split_pieces(text, 0, len(text))] == ["", ",", ";", ":"]


def test_a_reference_to_a_provision_or_a_document_is_never_cut_at_its_comma():
    text = (
        "Xếp loại được xác định theo bảng quy định tại Khoản 1, Điều 22 của Quy chế này, có thời gian học vượt quá "
        "thời gian thiết kế tại điểm a, khoản 2 Điều 6 của Quyết định số 813/QĐ-ĐHCNTT-ĐTĐH, ngày 16 tháng 11 năm "
        "2017 của Hiệu trưởng, sau đó ngày 5 tháng 1, Trường công bố."
    )
    assert texts(text, split_pieces(text, 0, len(text))) == [
        "Xếp loại được xác định theo bảng quy định tại Khoản 1, Điều 22 của Quy chế này",
        "có thời gian học vượt quá thời gian thiết kế tại điểm a, khoản 2 Điều 6 của Quyết định số "
        "813/QĐ-ĐHCNTT-ĐTĐH, ngày 16 tháng 11 năm 2017 của Hiệu trưởng",
        "sau đó ngày 5 tháng 1",
        "Trường công bố.",
    ]


def test_a_comma_without_a_verb_after_it_is_a_list_of_nouns_not_a_clause():
    text = "Tỉnh xếp thứ 15 trong tổng số 63 tỉnh, thành phố cả nước, tăng 3 bậc so với năm trước."
    pieces, _, _ = clause_pieces(text, 0, len(text))
    assert texts(text, pieces)[0] == "Tỉnh xếp thứ 15 trong tổng số 63 tỉnh, thành phố cả nước"


def test_a_pair_of_nouns_named_together_again_is_one_phrase_not_a_cut():
    text = (
        "Hồ sơ, tài liệu được lưu trữ tại văn phòng, trừ trường hợp hồ sơ, tài liệu đã chuyển cho cơ quan khác thì "
        "cơ quan nhận hồ sơ, tài liệu chịu trách nhiệm bảo quản."
    )
    pieces, _, _ = clause_pieces(text, 0, len(text))
    assert texts(text, pieces) == [
        "Hồ sơ, tài liệu được lưu trữ tại văn phòng",
        "trừ trường hợp hồ sơ, tài liệu đã chuyển cho cơ quan khác thì cơ quan nhận hồ sơ, tài liệu chịu trách "
        "nhiệm bảo quản.",
    ]
    # Named once, the same words after a comma start a clause of their own.
    once = "Cán bộ tiếp nhận kiểm tra giấy phép, biên lai đã chuyển cho cơ quan khác được trả lại cho người nộp."
    assert len(clause_pieces(once, 0, len(once))[0]) == 2


def test_a_pair_of_nouns_the_passage_names_together_again_is_one_phrase():
    passage = (
        "Bộ phận một cửa tiếp nhận hồ sơ, giấy tờ của người nộp. Khi hết hạn giải quyết, người nộp được nhận lại "
        "hồ sơ, giấy tờ đã nộp tại bộ phận một cửa."
    )
    start = passage.index("Khi")
    pieces, _, _ = clause_pieces(passage, start, len(passage))
    assert texts(passage, pieces)[-1] == "người nộp được nhận lại hồ sơ, giấy tờ đã nộp tại bộ phận một cửa."


def test_a_pair_of_nouns_laws_write_together_is_one_phrase():
    text = (
        "Thời hiệu khởi kiện là 02 năm, kể từ ngày người bị thiệt hại biết hoặc phải biết quyền, lợi ích hợp pháp "
        "của mình bị xâm phạm bởi quyết định của ban quản lý."
    )
    pieces, _, _ = clause_pieces(text, 0, len(text))
    assert texts(text, pieces)[-1].startswith("kể từ ngày người bị thiệt hại biết hoặc phải biết quyền, lợi ích")


def test_the_last_items_of_a_list_of_nouns_stay_with_it_however_they_are_tagged():
    text = "Quy định này áp dụng cho sinh viên chính quy, sinh viên liên thông và học viên."
    pieces, _, _ = clause_pieces(text, 0, len(text))
    assert texts(text, pieces) == [text]
    # A clause of its own stays one: it has more than a few words or no "và".
    clause = "Quy định này áp dụng cho sinh viên hệ chính quy, trường tổ chức lớp học vào buổi tối."
    assert len(clause_pieces(clause, 0, len(clause))[0]) == 2


def test_a_leading_phrase_of_time_opens_the_clause_after_it():
    text = "Để thực hiện mục tiêu, ngày 5-3-2022, UBND huyện đã ban hành kế hoạch, giao các xã thực hiện."
    pieces, _, _ = clause_pieces(text, 0, len(text))
    assert "ngày 5-3-2022, UBND huyện đã ban hành kế hoạch" in texts(text, pieces)


def test_a_clause_opening_with_its_predicate_needs_the_one_before():
    text = "Năm 2023, 1.200 hộ gia đình, tổ chức đăng ký sử dụng nước sạch, đạt 95% kế hoạch."
    pieces, needs, verbs = clause_pieces(text, 0, len(text))
    by_text = dict(zip(texts(text, pieces), needs))
    assert by_text["đạt 95% kế hoạch."] is True
    assert all(verbs)  # every clause left after the merging has its verb


def windows(n: int) -> list[Piece]:
    return [Piece(i * 10, i * 10 + 5, "" if i == 0 else ",") for i in range(n)]


def test_the_window_takes_the_subject_a_clause_needs():
    pieces = windows(3)
    assert choose_window(pieces, 2, [0, 0, 0], [False] * 3, [False, False, True], verbless=False) == (1, 2)


def test_the_window_does_not_take_a_clause_holding_a_rival_answer():
    pieces = windows(3)
    # The piece before brings question words but holds another figure of the kind asked: it stays out.
    assert choose_window(pieces, 2, [0, 1.0, 0], [False, True, True], [False] * 3, verbless=False) == (2, 2)
    assert choose_window(pieces, 2, [0, 1.0, 0], [False, False, True], [False] * 3, verbless=False) == (1, 2)


def test_the_window_never_reaches_back_across_a_semicolon():
    pieces = [Piece(0, 5, ""), Piece(10, 15, ";")]
    assert choose_window(pieces, 1, [1.0, 0], [False, False], [False, True], verbless=False) == (1, 1)


def test_a_clause_without_a_verb_takes_the_one_after_it():
    pieces = windows(3)
    assert choose_window(pieces, 0, [0, 0, 0], [False] * 3, [False] * 3, verbless=True) == (0, 1)


def test_an_enumeration_runs_over_short_comma_items_to_the_one_joined_by_va():
    text = "buộc thu hồi, xóa bỏ, chấm dứt việc sử dụng dữ liệu, bồi thường thiệt hại và áp dụng biện pháp khác"
    pieces = split_pieces(text, 0, len(text))
    assert enumeration_end(text, pieces, 0) == 3
    assert enumeration_end(text, pieces, 3) == 3  # nothing after the last item


def test_an_enumeration_without_va_runs_to_the_end_of_the_sentence():
    text = "Người đồng phạm bao gồm người tổ chức, người thực hành, người xúi giục, người giúp sức."
    assert enumeration_end(text, split_pieces(text, 0, len(text)), 0) == 3


def test_no_enumeration_after_a_piece_that_joins_its_own_last_item():
    text = "Người dân nộp hồ sơ trực tiếp hoặc qua bưu điện, kèm bản sao giấy tờ và ảnh."
    assert enumeration_end(text, split_pieces(text, 0, len(text)), 0) == 0


def test_no_enumeration_without_a_last_item_or_with_a_long_clause_after_the_comma():
    unjoined = "thu hồi, xóa bỏ, chấm dứt việc sử dụng dữ liệu, theo quyết định của cơ quan có thẩm quyền"
    assert enumeration_end(unjoined, split_pieces(unjoined, 0, len(unjoined)), 0) == 0
    clause = "được áp dụng đối với chương trình song ngành, dành cho sinh viên có đủ điều kiện học thêm và có nhu cầu"
    assert enumeration_end(clause, split_pieces(clause, 0, len(clause)), 0) == 0
    across = "thu hồi, xóa bỏ; bồi thường và xin lỗi"  # a ";" ends the enumeration
    assert enumeration_end(across, split_pieces(across, 0, len(across)), 0) == 0
    purpose = "theo cơ chế một cửa liên thông, giúp người dân giảm thời gian đi lại và chi phí"
    assert enumeration_end(purpose, split_pieces(purpose, 0, len(purpose)), 0) == 0


def test_list_items_split_at_semicolons_when_there_are_some():
    text = "Đề án có 3 giải pháp, gồm: Giải pháp về nhân lực, tài chính; Giải pháp về thể chế; Giải pháp về hạ tầng."
    items = list_items(text, 0, len(text))
    assert texts(text, [Piece(a, b, "") for a, b in items]) == [
        "Giải pháp về nhân lực, tài chính", "Giải pháp về thể chế", "Giải pháp về hạ tầng",
    ]


def test_list_items_end_at_the_item_joined_by_va_and_leave_out_the_count():
    text = "Chương trình gồm 3 trụ cột là y tế, giáo dục và giao thông, với tổng 20 chỉ tiêu."
    items = list_items(text, 0, len(text))
    assert texts(text, [Piece(a, b, "") for a, b in items]) == ["y tế", "giáo dục", "giao thông"]


def test_no_list_without_an_enumeration():
    text = "Huyện đã hoàn thành kế hoạch năm."
    assert list_items(text, 0, len(text)) == []


def test_listed_lines_end_at_the_next_level_and_never_include_siblings():
    text = (
        "1. Hồ sơ gồm các giấy tờ sau:\n\na) Đơn đề nghị;\n\nb) Bản sao giấy khai sinh.\n\n2. Hồ sơ nộp trực tiếp "
        "hoặc qua bưu điện.\n\n3. Hồ sơ được trả trong ngày."
    )
    lead_in = text.index("sau:") + 4
    assert [text[a:b] for a, b in line_items(text, lead_in)] == ["Đơn đề nghị", "Bản sao giấy khai sinh"]
    # "2. …" after "1. … sau:" is the next clause, not an item of the first.
    plain = "1. Hồ sơ được tính như sau:\n\n2. Hồ sơ nộp trực tiếp.\n\n3. Hồ sơ được trả trong ngày."
    assert line_items(plain, plain.index("sau:") + 4) == []
    # A lead-in that does not end its line announces no lines.
    assert line_items("Hồ sơ gồm: đơn và tờ khai.\n\na) Đơn.", 9) == []
