"""Text-layer PDFs read as prose: wrapped lines joined into paragraphs, real breaks kept, page furniture dropped."""
from pathlib import Path

from ingest.readers import read_document
from ingest.reflow import Line, Page, reflow

ARTICLE = ("Điều 7. Hồ sơ đề nghị cấp giấy phép được nộp trực tuyến trên Cổng dịch vụ công quốc gia; hồ sơ được "
           "tiếp nhận, giải quyết và trả kết quả được xử lý trên môi trường mạng, bảo đảm thời hạn giải quyết không "
           "quá 10 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ theo quy định.")


def _line(text: str, x0: float, x1: float, top: float) -> Line:
    return Line(text, x0, x1, top, top + 11)


def test_wrapped_lines_of_a_paragraph_are_joined_across_a_page_break(make_pdf):
    clauses = ["1. Cơ quan tiếp nhận kiểm tra tính đầy đủ của hồ sơ trong ngày làm việc.",
               "2. Trường hợp hồ sơ chưa đầy đủ, cơ quan tiếp nhận hướng dẫn tổ chức, cá nhân bổ sung một lần."]
    filler = [f"Điều {n}. Quy định chung số {n} về thủ tục hành chính được áp dụng thống nhất trên địa bàn tỉnh, "
              "bảo đảm công khai, minh bạch và thuận tiện cho người dân, doanh nghiệp." for n in range(1, 6)]
    text = read_document(Path("quy-dinh.pdf"), make_pdf([filler + ["Điều 6. Tiếp nhận hồ sơ", ARTICLE], clauses])).text
    paragraphs = text.split("\n")
    # The article ran over three printed lines and was cut in the middle of "môi trường mạng": it is whole again.
    assert ARTICLE in paragraphs
    assert paragraphs[:5] == filler
    assert paragraphs[5:] == ["Điều 6. Tiếp nhận hồ sơ", ARTICLE, *clauses]


def test_running_header_footer_and_page_numbers_across_pages(make_pdf):
    pages = [[f"Điều {i}. Nội dung quy định của điều thứ {i} về chuyển đổi số, được in trên một trang của công "
              f"báo cùng với đầu trang và số trang: trang {word}."] for i, word in enumerate(["một", "hai", "ba", "bốn"], 1)]
    text = read_document(Path("cong-bao.pdf"), make_pdf(pages, running_header="CÔNG BÁO/Số 123/Ngày 05-3-2023")).text
    assert text.split("\n") == [p[0] for p in pages]


def test_reflow_rules_on_lines():
    width, left, right = 595, 85, 552
    page = Page(width, [
        _line("QUYẾT ĐỊNH", 250, 330, 60),
        _line("Điều 1. Phạm vi điều chỉnh", left, 250, 100),  # short: the heading ends here
        _line("Quyết định này quy định việc quản lý, vận hành hệ thống thông tin giải quyết thủ tục hành", left, right, 120),
        _line("chính của tỉnh và trách nhiệm của các cơ quan, đơn vị có liên quan trong việc cập nhật dữ", left, right, 140),
        _line("liệu; hệ thống được kết nối với Cổng dịch vụ công quốc gia.", left, 400, 160),
        _line("a) Sở Thông tin và Truyền thông là cơ quan quản lý hệ thống, chịu trách nhiệm bảo đảm an toàn", left,
              right, 180),
        _line("thông tin; b) không bị tách.", left, 250, 200),
        _line("b) Các sở, ngành cập nhật dữ liệu chuyên ngành định kỳ hằng tháng.", left, 480, 220),
        _line("Kết nối với hệ thống thông tin quốc gia về thủ tục hành chính được thực hiện theo kiến trúc infor-",
              left, right, 240),
        _line("mation chung và chuẩn kinh tế-", left, right - 30, 260),
        _line("xã hội của tỉnh.", left, 200, 280),
        _line("Đoạn mới sau một khoảng cách lớn hơn giữa các dòng, dù dòng trước đã đầy đủ đến lề phải của", left,
              right, 330),
    ])
    assert reflow([page]) == [
        "QUYẾT ĐỊNH",
        "Điều 1. Phạm vi điều chỉnh",
        "Quyết định này quy định việc quản lý, vận hành hệ thống thông tin giải quyết thủ tục hành chính của tỉnh "
        "và trách nhiệm của các cơ quan, đơn vị có liên quan trong việc cập nhật dữ liệu; hệ thống được kết nối với "
        "Cổng dịch vụ công quốc gia.",
        "a) Sở Thông tin và Truyền thông là cơ quan quản lý hệ thống, chịu trách nhiệm bảo đảm an toàn thông tin; "
        "b) không bị tách.",
        "b) Các sở, ngành cập nhật dữ liệu chuyên ngành định kỳ hằng tháng.",
        "Kết nối với hệ thống thông tin quốc gia về thủ tục hành chính được thực hiện theo kiến trúc information "
        "chung và chuẩn kinh tế-xã hội của tỉnh.",
        "Đoạn mới sau một khoảng cách lớn hơn giữa các dòng, dù dòng trước đã đầy đủ đến lề phải của",
    ]


def test_a_few_short_lines_are_not_joined():
    # A page of two short lines shows no right margin: neither line is taken for a full one.
    page = Page(595, [_line("Cộng hoà xã hội chủ nghĩa Việt Nam", 85, 300, 60), _line("Độc lập - Tự do", 85, 200, 80)])
    assert reflow([page]) == ["Cộng hoà xã hội chủ nghĩa Việt Nam", "Độc lập - Tự do"]
