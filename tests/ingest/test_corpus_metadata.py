"""Metadata and cleaning of the raw sample articles, exactly as shipped in corpus/."""
from pathlib import Path

import pytest

from ingest.metadata import extract_article
from retriever.text.normalize import normalize

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def article(name: str):
    return extract_article(normalize((CORPUS / name).read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    "name, title, publisher, url",
    [
        ("000_26c842c1430eb98e.txt", "Động lực thúc đẩy chuyển đổi số", "baothanhhoa.vn", None),
        ("002_9c06e3dc793e99d2.txt", "Thanh Hóa: Xây dựng Đề án Chuyển đổi số", "Dân Sinh", None),
        (
            "003_02f4682a8e564762.txt",
            "Lãnh đạo Bộ Thông tin và Truyền thông và tỉnh Hà Tĩnh chia sẻ, tháo gỡ các khó khăn liên quan đến "
            "chuyển đổi số.",
            "nhandan.vn",
            "https://nhandan.vn/ha-tinh-can-quyet-liet-cai-thien-cac-chi-so-ket-qua-chuyen-doi-so-post727922.html",
        ),
    ],
)
def test_title_publisher_url(name, title, publisher, url):
    meta = article(name)
    assert meta.title == title
    assert meta.publisher == publisher
    assert meta.url == url


def test_page_furniture_is_dropped():
    body = article("002_9c06e3dc793e99d2.txt").body
    for furniture in ["Quay lại Dân trí", "Ảnh minh họa", "- Ảnh 1.", "Diễn đàn Dân sinh", "Đời sống"]:
        assert furniture not in body
    assert "4 nhiệm vụ và 7 giải pháp" in body


def test_credit_and_link_lines_leave_the_body():
    body = article("003_02f4682a8e564762.txt").body
    assert "Link gốc" not in body and "Theo Ngô Tuấn" not in body
    assert "Theo đánh giá của Bộ Thông tin" in body  # a sentence starting with "Theo" is content


def test_furniture_in_synthetic_article():
    raw = "Quay lại VnExpress\nTiêu đề bài viết về dịch vụ công trực tuyến\nẢnh: Internet\nNội dung chính.\nTheo vnexpress.net"
    meta = extract_article(normalize(raw))
    assert meta.title == "Tiêu đề bài viết về dịch vụ công trực tuyến"
    assert meta.publisher == "vnexpress.net"
    assert "Ảnh" not in meta.body and "Quay lại" not in meta.body
