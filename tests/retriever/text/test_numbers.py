"""Numbers, quantities and dates in digits and in words (retriever/text/numbers.py)."""
import pytest

from retriever.text.numbers import (
    date_spans,
    figures,
    ordinal_value,
    quantity_spans,
    roman_to_number,
    words_to_number,
)


@pytest.mark.parametrize(
    "words, value",
    [("mười hai", 12), ("hai mươi lăm", 25), ("hai mươi mốt", 21), ("một trăm linh năm", 105), ("ba nghìn", 3000),
     ("năm", 5), ("mười", 10)],
)
def test_number_words(words, value):
    assert words_to_number(words) == value


def test_forms_that_only_follow_a_tens_word_are_no_number_alone():
    assert words_to_number("mốt") is None and words_to_number("lăm") is None
    assert words_to_number("xã hội") is None


@pytest.mark.parametrize("word, value", [("sáu", 6), ("nhất", 1), ("tư", 4), ("6", 6), ("VI", 6), ("XIX", 19)])
def test_ordinals(word, value):
    assert ordinal_value(word) == value


def test_roman_numerals():
    assert roman_to_number("II") == 2 and roman_to_number("IV") == 4 and roman_to_number("ABC") is None


def spans(text: str) -> list[str]:
    return [text[a:b] for a, b in date_spans(text)]


@pytest.mark.parametrize(
    "text, date",
    [
        ("Cổng dịch vụ công được khai trương vào tháng ba.", "tháng ba"),
        ("Đầu năm nay, huyện đã hoàn thành việc cấp nước sạch.", "Đầu năm nay"),
        ("Kế hoạch được giao trong quý II/2022.", "quý II/2022"),
        ("Quyết định này có hiệu lực kể từ ngày ký.", "kể từ ngày ký"),
        ("Ngày 23-9-2021, tỉnh ban hành bộ chỉ số.", "Ngày 23-9-2021"),
        ("Luật có hiệu lực từ ngày 1 tháng 7 năm 2021.", "ngày 1 tháng 7 năm 2021"),
        ("Mới đây (tháng 8/2002), Bộ công bố bảng xếp hạng.", "tháng 8/2002"),
        ("Đề án giai đoạn 2021-2025 đã được duyệt.", "2021-2025"),
        ("Giai đoạn kéo dài từ năm 2023 đến năm 2025.", "từ năm 2023 đến năm 2025"),
    ],
)
def test_dates_in_digits_and_in_words(text, date):
    assert date in spans(text)


@pytest.mark.parametrize(
    "text, date",
    [
        ("Khoa tổ chức báo cáo cuối mỗi học kỳ có mở môn thực tập.", "cuối mỗi học kỳ"),
        ("Hệ số được thông báo cho sinh viên trong tuần đầu tiên của học kỳ.", "tuần đầu tiên của học kỳ"),
        ("Sinh viên báo cáo vào cuối học kỳ đó theo kế hoạch của khoa.", "cuối học kỳ đó"),
        ("Hội đồng được kiện toàn vào đầu nhiệm kỳ.", "đầu nhiệm kỳ"),
    ],
)
def test_parts_of_a_school_year_or_a_term_of_office_are_dates(text, date):
    assert date in spans(text)


def test_a_decimal_written_with_a_dot_is_no_date_without_ngay_or_a_year():
    assert spans("Miễn Anh văn 2 với IELTS 4.5 hoặc TOEIC 450.") == []
    assert "ngày 4.5.2021" in spans("Hội nghị họp ngày 4.5.2021 tại Hà Nội.")
    assert "ngày 4.5" in spans("Hội nghị họp ngày 4.5 tại Hà Nội.")
    assert "23/9" in spans("Hạn nộp hồ sơ là 23/9.")


def test_a_rank_is_not_a_date():
    assert spans("Thanh Hóa xếp thứ 12/63 về chỉ số này.") == []


def kinds(text: str) -> dict[str, str]:
    return {text[a:b]: kind for a, b, kind in figures(text)}


def test_figures_carry_their_kind_qualifier_and_multiplier():
    found = kinds(
        "Tỷ lệ ký số đạt 98,7%, doanh thu đạt trên 14.000 tỉ đồng, đón gần 7 triệu lượt khách, đứng thứ 6/63 tỉnh, "
        "thời hạn 03 năm, chiếm 56 phần trăm."
    )
    assert found == {
        "98,7%": "percent", "trên 14.000 tỉ đồng": "money", "gần 7 triệu": "count", "thứ 6/63": "rank",
        "03 năm": "duration", "56 phần trăm": "percent",
    }


def test_a_figure_between_slashes_is_a_place_among_many():
    assert kinds("Chỉ số Thể chế số đạt 23/63.") == {"23/63": "rank"}


def test_figures_inside_dates_are_not_counts():
    assert kinds("Ngày 23-9-2021 và năm 2022, tỉnh có 30 biện pháp.") == {"30": "count"}


def test_number_words_before_a_unit_are_figures():
    assert kinds("Sinh viên nộp đơn trước hai tuần và học ba năm.") == {"hai tuần": "duration", "ba năm": "duration"}


def test_a_duration_counted_in_periods_that_read_as_dates_is_a_figure():
    assert kinds("Thời hạn cảnh báo kéo dài trong một học kỳ chính tiếp theo.") == {"một học kỳ chính": "duration"}
    assert kinds("Hạn nộp là đến 31/12/2021.") == {}  # a date with its qualifier is no figure


def test_a_trailer_stays_with_its_figure():
    assert "5 điểm trở lên" not in kinds("Kết quả đạt từ 5 điểm trở lên.")  # the unit is the question's to add
    assert kinds("Đạt từ 80% trở lên nội dung.") == {"từ 80% trở lên": "percent"}


def test_the_number_of_a_legal_document_is_no_figure():
    text = "Quyết định 1234/QĐ-UBND và Nghị định 13/2023/NĐ-CP giao 25 nhiệm vụ; tỉnh đạt 23/63."
    assert [(text[a:b], kind) for a, b, kind in quantity_spans(text)] == [("25", "count"), ("23/63", "rank")]
