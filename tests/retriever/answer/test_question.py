"""Question analysis (retriever/answer/question.py): the kind of fact asked, the focus noun and units, the
ordinal item, the names that must appear in the passages and the ones that need not."""
import pytest

from retriever.answer.question import (
    analyse,
    document_years,
    ordinal_item,
    question_entities,
    question_type,
    without_scope,
)


@pytest.mark.parametrize(
    "question, kind",
    [
        ("Năm 2020 tỉnh Lào Cai xếp thứ mấy về cải cách hành chính?", "rank"),
        ("Quận đứng thứ bao nhiêu trong thành phố?", "rank"),
        ("Tỷ lệ hộ nghèo của huyện là bao nhiêu?", "percent"),
        ("Dân số tăng bao nhiêu %?", "percent"),
        ("Doanh thu của hợp tác xã năm ngoái đạt bao nhiêu?", "money"),
        ("Mức hỗ trợ cho mỗi hộ là bao nhiêu tiền?", "money"),
        ("Thời hạn nộp hồ sơ kéo dài bao lâu?", "duration"),
        ("Người phạm tội có thể bị phạt tù bao nhiêu năm?", "duration"),
        ("Xã có bao nhiêu trường học?", "number"),
        ("Cầu được khánh thành khi nào?", "date"),
        ("Kết quả được công bố vào tháng mấy?", "date"),
        ("Nghị định có hiệu lực từ ngày nào?", "date"),
        ("Ai là Chủ tịch UBND huyện?", "person"),
        ("Cơ quan nào cấp giấy phép?", "who"),
        ("Vì sao dự án chậm tiến độ?", "reason"),
        ("Hồ sơ được nộp ở đâu?", "place"),
        ("Kinh tế tuần hoàn là gì?", "definition"),
        ("Thủ tục đăng ký được thực hiện như thế nào?", "manner"),
        ("Hồ sơ gồm những giấy tờ nào?", "list"),
        ("Biện pháp thứ ba trong các biện pháp trên là gì?", "ordinal"),
        ("Điểm rèn luyện có được tính vào điểm trung bình không?", "yesno"),
        ("Xin hoãn thi có điều kiện gì không?", "what"),  # "gì … không" asks for the condition, not yes or no
        ("Mức hỗ trợ được tính dựa vào đâu?", "what"),  # the basis of a rule, no place
        ("Xét khen thưởng trên cơ sở nào?", "what"),  # no body ("cơ sở" is also an institution)
        ("Căn cứ nào để thu hồi giấy phép?", "what"),
        ("Quy định về học phí", "other"),
        # "Người nào" opening a rule's wording means "whoever"; the question word after it asks.
        ("Người nào đánh bạc trái phép, thì bị phạt như thế nào?", "manner"),
        ("Nguoi nao danh bac trai phep thi bi phat bao nhieu tien?", "money"),
        ("Người nào chịu trách nhiệm cấp giấy phép?", "who"),
        ("ty le ho ngheo la bao nhieu", "percent"),  # typed without diacritics
        ("cau duoc khanh thanh khi nao", "date"),
        ("Tỷ lệ hộ nghèo chiếm bao phần trăm dân số?", "percent"),  # "bao" for "bao nhiêu"
        # No question word: the figure the question opens with is the kind it asks for.
        ("Số tín chỉ tối đa sinh viên được đăng ký trong học kỳ hè?", "number"),
        ("Số lượng thành viên tối thiểu của tổ hợp tác?", "number"),
        ("Thời hạn có hiệu lực của giấy phép?", "duration"),
        ("Tỷ lệ hộ nghèo của huyện năm 2023?", "percent"),
        ("so luong thanh vien toi thieu cua to hop tac", "number"),
        ("Số hiệu văn bản quy định mức thu phí?", "other"),
    ],
)
def test_question_type(question, kind):
    assert question_type(question) == kind


def test_a_kind_only_implied_is_marked_so():
    assert analyse("Số lượng thành viên tối thiểu của tổ hợp tác?").implied
    assert not analyse("Tổ hợp tác có tối thiểu bao nhiêu thành viên?").implied


@pytest.mark.parametrize(
    "question, items",
    [
        ("Sự khác nhau giữa tạm trú và thường trú?", ["tạm trú", "thường trú"]),
        ("So sánh văn bằng với chứng chỉ", ["văn bằng", "chứng chỉ"]),
        ("Cho em hỏi, học phí và lệ phí khác nhau thế nào?", ["học phí", "lệ phí"]),
        ("Giấy phép con khác gì so với giấy phép kinh doanh?", ["giấy phép con", "giấy phép kinh doanh"]),
        ("su khac nhau giua tam tru va thuong tru", ["tam tru", "thuong tru"]),
    ],
)
def test_a_comparison_names_the_two_things_it_compares(question, items):
    info = analyse(question)
    assert (info.kind, info.compared) == ("compare", items)


def test_differing_without_two_things_is_no_comparison():
    assert question_type("Thủ tục cấp đổi ở các tỉnh khác nhau ra sao?") == "manner"


def test_a_question_about_how_many_things_wants_a_number_before_a_list():
    assert question_type("Đề án có bao nhiêu nhiệm vụ, gồm những nhiệm vụ gì?") == "number"


def test_the_focus_noun_and_the_unit_counted():
    info = analyse("Doanh thu của khu du lịch năm 2023 đạt bao nhiêu?")
    assert info.focus == ["doanh thu"] and info.units == []
    info = analyse("Khu du lịch đón bao nhiêu lượt khách trong năm 2023?")
    assert "lượt khách" in info.units


def test_one_unit_per_question_word():
    info = analyse("Huyện có bao nhiêu trường học và bao nhiêu trạm y tế?")
    assert info.units == ["trường học", "trạm y tế"]


def test_general_nouns_are_no_focus():
    assert analyse("Năm 2022 huyện xếp thứ mấy?").focus != ["năm"]


@pytest.mark.parametrize(
    "question, item",
    [("Giải pháp thứ sáu là gì?", ("giải pháp", 6)), ("Nhiệm vụ thứ 2 của đề án là gì?", ("nhiệm vụ", 2)),
     ("Biện pháp thứ tư là gì?", ("biện pháp", 4))],
)
def test_ordinal_items(question, item):
    assert ordinal_item(question) == item


@pytest.mark.parametrize(
    "question",
    ["Ai có thể đăng ký học ngành thứ 2?", "Điều kiện tối thiểu để học ngành thứ hai?",
     "Điều kiện để đăng ký học một chương trình đào tạo thứ hai là gì?"],
)
def test_an_ordinal_the_question_asks_within_is_no_item_asked_for(question):
    # The second major or a second programme is where the question asks, not the second item of a list.
    assert ordinal_item(question) is None


def test_a_rank_or_a_count_of_times_is_no_ordinal_item():
    assert ordinal_item("Thanh Hóa xếp thứ sáu cả nước?") is None
    assert ordinal_item("Đại hội lần thứ XIX diễn ra khi nào?") is None


def test_the_question_word_position():
    info = analyse("Số tín chỉ tối đa là bao nhiêu?")
    assert info.text[info.wh_span[0] : info.wh_span[1]] == "bao nhiêu"


def test_the_year_of_a_cited_law_is_not_the_year_asked_about():
    assert document_years("Theo Bộ luật Hình sự năm 2017, người bao nhiêu tuổi phải chịu trách nhiệm?") == {"2017"}
    assert document_years("Năm 2017 có bao nhiêu vụ án?") == set()


def test_names_that_passages_must_mention():
    assert question_entities("Hà Tĩnh đề nghị Bộ TT&TT hỗ trợ những gì?") == ["Hà Tĩnh", "Bộ TT&TT"]
    assert question_entities("Ngân hàng Vietcombank có bao nhiêu chi nhánh?") == ["Vietcombank"]


@pytest.mark.parametrize(
    "question",
    [
        "Luật An ninh mạng 2018 có hiệu lực thi hành từ ngày nào?",  # a law names where to look, not what
        "Quy định tại Điều 12 về Danh mục hệ thống là gì?",  # capitals of legal text
        "Ngoài IELTS, còn chứng chỉ nào được công nhận?",  # a capital only because the question starts there
        "Chương trình nào được áp dụng ở Việt Nam?",  # the country every document speaks of
    ],
)
def test_words_capitalized_for_other_reasons_are_no_names(question):
    assert question_entities(question) in ([], ["IELTS"])  # an acronym is a name; "Ngoài IELTS" is not one


@pytest.mark.parametrize(
    "question, rest",
    [
        ("Theo Điều 26, Bộ luật dân sự 2015, họ tên được xác định thế nào?", "họ tên được xác định thế nào?"),
        ("Trong điều 10 của Bộ luật Lao động, nơi làm việc là gì?", "nơi làm việc là gì?"),
        ("Theo Nghị định 13/2023/NĐ-CP, dữ liệu cá nhân là gì?", "dữ liệu cá nhân là gì?"),
        ("Bộ luật Dân sự 2015 quy định thế nào về tên gọi của pháp nhân?", "tên gọi của pháp nhân?"),
        ("Theo em, học phí có tăng không?", "Theo em, học phí có tăng không?"),  # no legal text: no scope
    ],
)
def test_the_scope_a_question_opens_with_is_not_what_it_asks(question, rest):
    assert without_scope(question) == rest
