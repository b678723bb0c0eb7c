"""The files officials actually hold, generated here (a scanned decision, a mixed PDF, an old Word .doc, a DOCX and
a PDF with tables), ingested beside the sample corpus; a question about a fact inside each is answered with a
quote from that file. Also the type and year filters on the metadata read from their headers."""
import shutil

import pytest

from ingest.pipeline import IngestPipeline
from retriever.engine import Engine
from retriever.filters import Filters
from retriever.settings import Settings
from tests.ingest.conftest import render_page
from tests.ingest.test_ocr import DECISION

pytestmark = pytest.mark.slow

RESOLUTION_PAGE = [  # a header laid out without a type heading: the type, number and date on one line
    "HỘI ĐỒNG NHÂN DÂN",
    "TỈNH NGHỆ AN",
    "Nghị quyết số 12/NQ-HĐND ngày 10 tháng 7 năm 2024",
    "về chính sách hỗ trợ đào tạo nghề cho lao động nông thôn",
    "Điều 1. Mỗi học viên là lao động nông thôn được hỗ trợ tiền ăn 30.000 đồng mỗi ngày thực học.",
]


@pytest.fixture(scope="module")
def real_files_index(tmp_path_factory, sample_index, embedder, make_scanned_pdf, make_pdf, make_docx, convert_office):
    docs = tmp_path_factory.mktemp("real-files")
    (docs / "qd-1234-scan.pdf").write_bytes(make_scanned_pdf([DECISION], dpi=300))
    (docs / "quy-che-mot-cua.pdf").write_bytes(make_pdf([
        ["QUY CHẾ TIẾP NHẬN HỒ SƠ TẠI BỘ PHẬN MỘT CỬA",
         "Điều 1. Bộ phận một cửa tiếp nhận hồ sơ của tổ chức, cá nhân trong giờ hành chính các ngày làm việc."],
        render_page(["Điều 2. Hồ sơ đất đai được giải quyết trong thời hạn không quá 15 ngày làm việc kể từ ngày "
                     "nhận đủ hồ sơ hợp lệ."], dpi=300),
    ]))
    (docs / "ke-hoach-ha-tinh.doc").write_bytes(convert_office(make_docx([
        "KẾ HOẠCH CẢI THIỆN CHỈ SỐ CHUYỂN ĐỔI SỐ CỦA TỈNH HÀ TĨNH",
        "Tỉnh Hà Tĩnh phấn đấu đến năm 2025 có 100% xã, phường được phủ sóng mạng di động 5G.",
        "Tổ chức thực hiện: Sở Thông tin và Truyền thông chủ trì.",
    ]), "doc"))
    (docs / "chi-tieu-thanh-hoa.docx").write_bytes(make_docx([
        "CHỈ TIÊU CHÍNH QUYỀN SỐ TỈNH THANH HÓA",
        [["Chỉ tiêu", "Năm 2024", "Năm 2025"],
         ["Tỉ lệ hồ sơ thủ tục hành chính được ký số", "70%", "95%"],
         ["Tỉ lệ cuộc họp trực tuyến của tỉnh", "40%", "60%"]],
        "Các sở, ngành báo cáo kết quả hằng quý.",
    ]))
    (docs / "von-dau-tu-nghe-an.pdf").write_bytes(make_pdf([[
        "PHÂN BỔ VỐN ĐẦU TƯ CÔNG TỈNH NGHỆ AN",
        [["Dự án", "Vốn năm 2025 (tỷ đồng)"],
         ["Trung tâm dữ liệu tỉnh Nghệ An", "120"],
         ["Nâng cấp đường ven biển Cửa Lò", "350"]],
        "Ủy ban nhân dân tỉnh giao Sở Kế hoạch và Đầu tư theo dõi giải ngân.",
    ]]))
    (docs / "nq-12-scan.pdf").write_bytes(make_scanned_pdf([RESOLUTION_PAGE], dpi=300))
    index = tmp_path_factory.mktemp("real-files-index") / "index"
    shutil.copytree(sample_index, index)
    report = IngestPipeline(Settings(index_dir=index), embedder).run([docs])
    assert len(report.added) == 6 and not report.skipped, report.summary()
    assert sorted(s for s, _ in report.ocr) == ["nq-12-scan.pdf", "qd-1234-scan.pdf", "quy-che-mot-cua.pdf"]
    return Engine(Settings(index_dir=index), embedder)


@pytest.mark.parametrize(
    "question, source, fact",
    [
        ("Kinh phí thực hiện kế hoạch số hóa hồ sơ hộ tịch của Thanh Hóa là bao nhiêu?", "qd-1234-scan.pdf",
         "18,5 tỷ đồng"),
        ("Hồ sơ đất đai được giải quyết trong thời hạn bao lâu?", "quy-che-mot-cua.pdf", "15 ngày làm việc"),
        ("Đến năm 2025 bao nhiêu xã phường Hà Tĩnh được phủ sóng 5G?", "ke-hoach-ha-tinh.doc", "100% xã, phường"),
        ("Tỉ lệ hồ sơ thủ tục hành chính được ký số năm 2025 của Thanh Hóa là bao nhiêu?",
         "chi-tieu-thanh-hoa.docx", "Năm 2025: 95%"),
        ("Vốn năm 2025 cho dự án nâng cấp đường ven biển Cửa Lò là bao nhiêu?", "von-dau-tu-nghe-an.pdf",
         "Vốn năm 2025 (tỷ đồng): 350"),
        ("Lao động nông thôn học nghề được hỗ trợ tiền ăn bao nhiêu một ngày?", "nq-12-scan.pdf", "30.000 đồng"),
    ],
)
def test_a_fact_inside_each_file_is_answered_from_it(real_files_index, question, source, fact):
    best = real_files_index.search(question, top_k=1)[0]
    assert best.source == source and fact in best.text, (best.source, best.text)
    answer = real_files_index.ask(question, top_k=5)
    assert answer.found, answer.answer
    cited = [c for c in answer.citations if c.hit.source == source]
    assert cited, [c.hit.source for c in answer.citations]
    # Each quote is verbatim text of its passage, and one of them holds the fact (a table cell comes with its row).
    for citation in cited:
        assert citation.hit.text[citation.quote_start:citation.quote_end] == citation.quote
    quoted = [c.hit.text[a:b] for c in cited for a, b in c.highlights]
    assert any(fact in q for q in quoted), (answer.answer, quoted)


def test_headers_read_from_scans_feed_the_filters(real_files_index):
    docs = {d.source: d for d in real_files_index.documents()}
    decision, resolution = docs["qd-1234-scan.pdf"], docs["nq-12-scan.pdf"]
    assert (decision.doc_type, decision.doc_number, decision.issued_date) == ("Quyết định", "1234/QĐ-UBND", "2023-03-05")
    assert (resolution.doc_type, resolution.doc_number, resolution.issued_date) == (
        "Nghị quyết", "12/NQ-HĐND", "2024-07-10")
    hits = real_files_index.search("hỗ trợ tiền ăn học nghề", top_k=5,
                                   filters=Filters(doc_type="Nghị quyết", year_from=2024, year_to=2024))
    assert hits and {h.source for h in hits} == {"nq-12-scan.pdf"}
