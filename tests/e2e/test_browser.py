"""The chat in a real browser: Chromium drives the Streamlit page, which talks to a real API over HTTP.

Screenshots land in test-artifacts/ (gitignored) for a person to look at.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from ingest.pipeline import IngestPipeline
from retriever.settings import Settings
from tests.helpers import start_api, stop, streamlit_app

pytestmark = pytest.mark.slow

# The message bodies, without the avatars (whose icon names are text too).
MESSAGES = '[data-testid="stChatMessageContent"]'
FIRST_EXAMPLE = ".st-key-example_0 button"  # Streamlit names a widget's container after its key
FOLLOW_UP = "Năm 2020 Thanh Hóa xếp thứ mấy về chuyển đổi số?"
FOLLOW_UP_SOURCE_TITLE = "Động lực thúc đẩy chuyển đổi số"

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=2">'
HOSTILE_DOC = f"""Quy định thử nghiệm {SCRIPT} về an toàn thông tin

Theo quy định thử nghiệm, mức hỗ trợ an toàn thông tin cho mỗi hộ gia đình là 5 triệu đồng {IMG} mỗi năm.

Người dân nộp hồ sơ tại Ủy ban nhân dân xã <b onmouseover="window.__xss=3">trước ngày 30 tháng 6</b>.
"""


def ask(page, question: str) -> None:
    box = page.locator('[data-testid="stChatInputTextArea"]')
    box.fill(question)
    box.press("Enter")


def wait_for_answer(page, turn: int) -> None:
    """Until the answer is finished (its citation cards replace the streamed text) and the page is idle:
    Streamlit keeps the chat scrolled to the bottom while it still adds elements."""
    page.locator(f"#cite-{turn}-1").wait_for(state="attached")
    page.locator(MESSAGES).nth(turn).get_by_role("radio", name="Thumbs up").wait_for()
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")


def full_screenshot(page, path: Path) -> None:
    """Streamlit scrolls inside its own container, so a tall window is what captures the whole conversation."""
    height = page.evaluate("document.querySelector('main').scrollHeight")
    page.set_viewport_size({"width": 1280, "height": max(900, min(int(height) + 100, 4000))})
    page.wait_for_timeout(500)  # let the layout settle at the new size
    page.screenshot(path=str(path))


def test_example_question_then_follow_up_with_citations(page, sample_index, tmp_path, artifacts):
    feedback_db = tmp_path / "feedback.sqlite"
    api, api_url = start_api(sample_index, env={"POLICYQA_FEEDBACK_DB": str(feedback_db)})
    try:
        # The first example is the API's first checked question, written from its document's content.
        (offered, *_) = httpx.get(f"{api_url}/questions", params={"limit": 4}, timeout=120).json()["questions"]
        with streamlit_app(api_url) as ui_url:
            page.goto(ui_url)
            page.get_by_text("Xin chào").wait_for()
            example = page.locator(FIRST_EXAMPLE)
            example.wait_for()
            page.get_by_text("Kho tài liệu hiện có 5 tài liệu").wait_for()
            assert offered["question"] in example.inner_text()  # after its icon's name
            page.screenshot(path=str(artifacts / "first-screen.png"))

            example.click()
            wait_for_answer(page, turn=1)
            ask(page, FOLLOW_UP)
            wait_for_answer(page, turn=3)

            messages = page.locator(MESSAGES)
            assert messages.count() == 4
            assert messages.nth(0).inner_text().strip() == offered["question"]
            assert messages.nth(2).inner_text().strip() == FOLLOW_UP
            first, second = messages.nth(1), messages.nth(3)
            assert first.get_by_text(f"[1] {offered['title']}", exact=True).count() == 1
            assert offered["answer"] in first.inner_text()  # the short answer, shown first
            assert "15" in second.locator('[data-testid="stMarkdownContainer"]').first.inner_text()
            card_title = second.get_by_text(f"[1] {FOLLOW_UP_SOURCE_TITLE}", exact=True)
            assert card_title.count() == 1
            assert second.get_by_text("Thanh Hóa xếp thứ 15 trong tổng số 63 tỉnh").count() >= 1

            # The [1] in the first answer leads to the first answer's card. Like a reader, scroll up to it with
            # the wheel first: Streamlit keeps a chat pinned to its bottom, and animates there, until the reader
            # scrolls away; a jump made while that animation still runs is undone by it (seen under load).
            page.wait_for_function(
                "(() => { const m = document.querySelector('main'); return m.scrollHeight - m.clientHeight - m.scrollTop < 2; })()"
            )
            page.mouse.move(700, 400)
            for _ in range(20):
                page.mouse.wheel(0, -1000)
                page.wait_for_timeout(200)
                if page.evaluate("document.querySelector('main').scrollTop") < 50:
                    break
            first.get_by_role("link", name="[1]").first.click()
            page.wait_for_function("location.hash === '#cite-1-1'")
            # The jump may still be scrolling (or Streamlit re-laying out) on a busy machine: wait for it to settle.
            expect(first.get_by_text(f"[1] {offered['title']}", exact=True)).to_be_in_viewport(timeout=10_000)

            # A thumbs up is stored by the API.
            second.get_by_role("radio", name="Thumbs up").click()
            second.get_by_text("Cảm ơn bạn đã đánh giá!").wait_for()
            with sqlite3.connect(feedback_db) as conn:
                stored = conn.execute("SELECT question, rating FROM feedback").fetchall()
            assert stored == [(FOLLOW_UP, "up")]

            second.scroll_into_view_if_needed()
            full_screenshot(page, artifacts / "answer-with-citations.png")
    finally:
        stop(api)


def test_document_html_is_shown_as_text_and_never_runs(page, embedder, tmp_path, artifacts):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "quy-dinh-thu-nghiem.txt").write_text(HOSTILE_DOC, encoding="utf-8")
    index_dir = tmp_path / "index"
    IngestPipeline(Settings(index_dir=index_dir), embedder).run([corpus], index_dir)

    api, api_url = start_api(index_dir, env={"POLICYQA_FEEDBACK_DB": str(tmp_path / "feedback.sqlite")})
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        with streamlit_app(api_url) as ui_url:
            page.goto(ui_url)
            # The first screen offers a question written from the hostile document's own sentences.
            example = page.locator(FIRST_EXAMPLE)
            example.wait_for()
            example.click()
            wait_for_answer(page, turn=1)
            ask(page, "Mức hỗ trợ an toàn thông tin cho mỗi hộ gia đình là bao nhiêu?")
            wait_for_answer(page, turn=3)
            page.mouse.move(0, 0)
            for text in page.get_by_text("trước ngày 30 tháng 6").all():
                text.hover()  # would fire the onmouseover, had it become an element

            assert page.evaluate("window.__xss") is None
            assert dialogs == []
            main = page.locator("main")  # the page body, sidebar excluded
            assert main.count() == 1
            assert main.locator("script, img, iframe, object, embed").count() == 0
            assert page.locator("[onerror], [onmouseover], [onload]").count() == 0
            # ...while the reader sees the document's text as written.
            shown = page.locator(MESSAGES).all_inner_texts()
            assert any(SCRIPT in t for t in shown)
            assert any(IMG in t for t in shown)
            assert any("5 triệu đồng" in t for t in shown)

            full_screenshot(page, artifacts / "hostile-document-as-text.png")
    finally:
        stop(api)


def test_interactive_docs_work_without_internet(page, api_url, artifacts):
    """This browser reaches nothing outside the machine: /docs and /redoc render only if their scripts and styles
    come from the API itself."""
    external = []  # scripts, styles and data fetched from elsewhere (ReDoc's "powered by" logo may fail: it is an image)

    def note(request) -> None:
        if request.resource_type in ("script", "stylesheet", "fetch", "xhr") and request.url.startswith("http") \
                and not request.url.startswith(api_url):
            external.append(request.url)

    page.on("request", note)
    page.goto(f"{api_url}/docs")
    operations = page.locator(".opblock-summary-path")
    operations.first.wait_for()
    listed = set(operations.all_inner_texts())
    assert {"/health", "/search", "/ask", "/ask/stream", "/documents", "/feedback"} <= {p.strip() for p in listed}
    page.screenshot(path=str(artifacts / "docs.png"))
    page.goto(f"{api_url}/redoc")
    page.get_by_text("Trợ lý hỏi đáp chính sách").first.wait_for()
    assert external == []
