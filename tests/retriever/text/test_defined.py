from retriever.text.defined import acronyms, defined_abbreviations, expand_defined


def test_an_acronym_is_defined_by_the_words_whose_initials_it_spells():
    texts = [
        "Điểm trung bình chung tích lũy (ĐTBCTL) là điểm trung bình của các môn học.",
        "Sinh viên nộp Học phí học kỳ (HPHK) trước ngày 15/9; ĐTBCTL được dùng để xét học bổng.",
    ]
    assert defined_abbreviations(texts) == {"ĐTBCTL": "Điểm trung bình chung tích lũy", "HPHK": "Học phí học kỳ"}


def test_brackets_whose_letters_are_not_the_initials_define_nothing():
    assert defined_abbreviations(["Hội nghị họp tại Hà Nội (HCM) vào tháng ba.", "Theo mẫu số 2 (KTX)."]) == {}


def test_acronyms_the_fixed_table_knows_are_not_learned_again():
    assert defined_abbreviations(["Ủy ban nhân dân (UBND) tỉnh ban hành kế hoạch."]) == {}
    assert acronyms("UBND tỉnh quy định HPHK thế nào?") == {"HPHK"}


def test_expansion_follows_the_acronym_once_and_not_where_the_text_says_it():
    table = {"HPHK": "Học phí học kỳ"}
    assert expand_defined("HPHK phụ thuộc vào đâu?", table) == "HPHK (Học phí học kỳ) phụ thuộc vào đâu?"
    assert expand_defined("Học phí học kỳ (HPHK) là gì?", table) == "Học phí học kỳ (HPHK) là gì?"
