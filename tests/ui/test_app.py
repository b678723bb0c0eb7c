"""End-to-end tests of the chat page (ui/app.py) with Streamlit's AppTest.

Tests that need answers run against the REAL API over HTTP: the session fixture `api_url`
(tests/conftest.py) ingests corpus/ into a temporary index and serves it with uvicorn.
"""
from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import httpx
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "ui" / "app.py"
TIMEOUT = 60

Q_RANK_2020 = "Năm 2020 Thanh Hóa xếp thứ mấy về chuyển đổi số?"
Q_FOLLOW_UP = "Còn năm 2021 thì sao?"
NOT_CONNECTED = "Không kết nối được máy chủ hỏi đáp"


def page(url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("POLICYQA_API_URL", url)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    return at.run(timeout=TIMEOUT)


def text_of(node) -> str:
    """All text shown in a block (nested elements included), with Markdown escapes removed."""
    parts = [e.value for kind in ("markdown", "caption", "info", "error", "success") for e in node.get(kind)]
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


def example_buttons(at: AppTest) -> list:
    return [b for b in at.button if (b.key or "").startswith("example_")]


def ask(at: AppTest, question: str) -> AppTest:
    return at.chat_input[0].set_value(question).run(timeout=TIMEOUT)


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there once the socket is closed


@pytest.fixture
def ask_bodies(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """JSON bodies of the questions the page sends (the requests still go to the real API)."""
    bodies: list[dict] = []
    original_send = httpx.Client.send

    def spy(self, request, *args, **kwargs):
        if request.method == "POST" and request.url.path in ("/ask", "/ask/stream"):
            bodies.append(json.loads(request.content))
        return original_send(self, request, *args, **kwargs)

    monkeypatch.setattr(httpx.Client, "send", spy)
    return bodies


@pytest.fixture
def feedback_bodies(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """Bodies of POST /feedback, answered here so the shared test API's database stays untouched
    (tests/api/test_feedback.py and the browser test cover the real storage)."""
    bodies: list[dict] = []
    original_send = httpx.Client.send

    def fake(self, request, *args, **kwargs):
        if request.method == "POST" and request.url.path == "/feedback":
            bodies.append(json.loads(request.content))
            return httpx.Response(201, json={"id": len(bodies)}, request=request)
        return original_send(self, request, *args, **kwargs)

    monkeypatch.setattr(httpx.Client, "send", fake)
    return bodies


@pytest.fixture
def streaming_api(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Makes the real API look as if it had POST /ask/stream: the answer of its /ask, sent as Server-Sent Events
    in word-sized pieces. Returns the pieces sent."""
    sent: list[str] = []
    original_send = httpx.Client.send

    def fake(self, request, *args, **kwargs):
        if request.method == "POST" and request.url.path == "/ask/stream":
            plain = self.build_request("POST", "/ask", content=request.content, headers=request.headers)
            answer = original_send(self, plain).json()
            pieces = re.findall(r"\S+\s*", answer["answer"])
            sent.extend(pieces)
            events = [("delta", json.dumps(p, ensure_ascii=False)) for p in pieces] + [("done", json.dumps(answer))]
            body = "".join(f"event: {name}\ndata: {data}\n\n" for name, data in events)
            headers = {"content-type": "text/event-stream"}
            return httpx.Response(200, content=body.encode(), headers=headers, request=request)
        return original_send(self, request, *args, **kwargs)

    monkeypatch.setattr(httpx.Client, "send", fake)
    st.cache_resource.clear()  # the page's cached client may remember an API without streaming
    yield sent
    st.cache_resource.clear()


def test_first_screen_shows_welcome_examples_and_corpus_size(api_url, monkeypatch):
    at = page(api_url, monkeypatch)

    assert not at.exception
    assert at.title[0].value == "Trợ lý hỏi đáp chính sách"
    assert "Xin chào" in text_of(at.main)
    assert not at.chat_message

    health = httpx.get(f"{api_url}/health").json()
    assert f"{health['documents']} tài liệu ({health['chunks']} đoạn văn bản)" in text_of(at.main)
    sidebar = text_of(at.sidebar)
    assert f"{health['documents']} tài liệu" in sidebar
    assert f"{health['chunks']} đoạn văn bản" in sidebar
    assert at.slider(key="top_k").value == 5
    assert any(b.label == "Xóa cuộc trò chuyện" for b in at.sidebar.button)

    # Example questions are the ones the API wrote from the documents' content and checked it answers.
    offered = [q["question"] for q in httpx.get(f"{api_url}/questions", params={"limit": 4}).json()["questions"]]
    labels = [re.sub(r"\\(.)", r"\1", b.label) for b in example_buttons(at)]
    assert 3 <= len(labels) <= 4
    assert labels == offered


def test_filters_offer_only_what_the_corpus_has(api_url, monkeypatch, ask_bodies):
    at = page(api_url, monkeypatch)

    # The sample corpus has publishers but no document types or dates.
    publishers = at.selectbox(key="filter_publisher")
    assert publishers.options[0] == "Tất cả" and "nhandan.vn" in publishers.options
    assert "filter_doc_type" not in [w.key for w in at.sidebar.selectbox]
    assert "filter_years" not in [w.key for w in at.sidebar.slider]

    at = ask(at, Q_RANK_2020)
    assert not {"publisher", "doc_type", "year_from", "year_to"} & ask_bodies[-1].keys()  # unset: not sent

    at = publishers.set_value("nhandan.vn").run(timeout=TIMEOUT)
    at = ask(at, Q_FOLLOW_UP)
    assert ask_bodies[-1]["publisher"] == "nhandan.vn"


@pytest.mark.slow
def test_every_example_button_gets_an_answer(api_url, monkeypatch):
    at = page(api_url, monkeypatch)
    count = len(example_buttons(at))
    assert count >= 3
    for i in range(count):
        at = page(api_url, monkeypatch)
        question = re.sub(r"\\(.)", r"\1", example_buttons(at)[i].label)
        at = example_buttons(at)[i].click().run(timeout=TIMEOUT)

        assert not at.exception
        user, assistant = at.chat_message
        assert user.name == "user" and text_of(user) == question
        # Found, so no notice: an answer with its citation cards, not only a title and [1].
        assert assistant.name == "assistant" and not assistant.info and not assistant.error
        reply = at.session_state["messages"][1]
        assert reply["found"] and reply["citations"]
        assert all(c["quote"].strip(" .") != c["title"].strip(" .") for c in reply["citations"])
        assert not example_buttons(at)  # the welcome screen is gone once a conversation exists


def test_the_short_answer_comes_first_in_large_type(api_url, monkeypatch):
    at = ask(page(api_url, monkeypatch), "Tỷ lệ ký số cơ quan của Thanh Hóa đạt bao nhiêu?")

    assert not at.exception
    assistant = at.chat_message[1]
    first, *rest = [m.value for m in assistant.markdown]
    assert first.startswith("#### 99%") and "(#cite-1-1)" in first  # the short answer, linked to its card
    assert "Trích dẫn nguyên văn" in text_of(assistant)
    assert any("tỷ lệ ký số cơ quan đạt 99%" in m for m in rest)  # then the quoted clause


def test_answer_shows_text_and_citation_cards(api_url, monkeypatch):
    at = ask(page(api_url, monkeypatch), Q_RANK_2020)

    assert not at.exception
    assert [m.name for m in at.chat_message] == ["user", "assistant"]
    assistant = at.chat_message[1]
    shown = text_of(assistant)
    short, answer = assistant.markdown[0].value, assistant.markdown[1].value  # before the citations
    assert short.startswith("#### thứ 15")
    assert "15" in answer
    # Each [n] links to its card in the page; the card carries the matching anchor (turn 1 of the conversation).
    assert "[\\[1\\]](#cite-1-1)" in answer
    assert any('id="cite-1-1"' in h.proto.body for h in assistant.get("html"))
    assert "Động lực thúc đẩy chuyển đổi số" in shown
    assert "Nguồn: baothanhhoa.vn" in shown  # the publisher
    assert "000_26c842c1430eb98e.txt" in shown  # the cited file
    assert "Thanh Hóa xếp thứ 15 trong tổng số 63 tỉnh" in shown  # the quoted passage
    # The quoted sentence is highlighted inside its passage.
    assert any(":orange-background[" in m.value for m in assistant.markdown)


def test_streamed_answer_ends_as_the_full_answer_with_cards(api_url, monkeypatch, streaming_api):
    at = ask(page(api_url, monkeypatch), Q_RANK_2020)

    assert not at.exception
    assert len(streaming_api) > 3  # it did come in pieces
    assistant = at.chat_message[1]
    assert "".join(streaming_api) == at.session_state["messages"][1]["content"]
    assert "[\\[1\\]](#cite-1-1)" in assistant.markdown[1].value  # the streamed text gave way to the linked answer
    assert "Thanh Hóa xếp thứ 15 trong tổng số 63 tỉnh" in text_of(assistant)


def test_rating_an_answer_sends_feedback(api_url, monkeypatch, feedback_bodies):
    at = ask(page(api_url, monkeypatch), Q_RANK_2020)
    answer = at.session_state["messages"][1]

    at = at.feedback[0].set_value(1).run(timeout=TIMEOUT)  # thumbs up

    assert not at.exception
    (sent,) = feedback_bodies
    assert sent["question"] == Q_RANK_2020 and sent["answer"] == answer["content"] and sent["rating"] == "up"
    assert [c["chunk_id"] for c in sent["citations"]] == [c["chunk_id"] for c in answer["citations"]]
    assert "Cảm ơn bạn đã đánh giá" in text_of(at.chat_message[1])

    # A changed mind is stored too; the latest rating of an answer counts.
    at = at.feedback[0].set_value(0).run(timeout=TIMEOUT)
    assert [b["rating"] for b in feedback_bodies] == ["up", "down"]


def test_thumbs_down_offers_a_comment(api_url, monkeypatch, feedback_bodies):
    at = ask(page(api_url, monkeypatch), Q_RANK_2020)
    at = at.feedback[0].set_value(0).run(timeout=TIMEOUT)  # thumbs down
    assert [b["rating"] for b in feedback_bodies] == ["down"]

    at.text_area[0].input("Thiếu xếp hạng năm 2021.")  # inside a form: sent together with the submit click
    at = next(b for b in at.button if b.label == "Gửi góp ý").click().run(timeout=TIMEOUT)

    assert not at.exception
    assert feedback_bodies[-1]["rating"] == "down" and feedback_bodies[-1]["comment"] == "Thiếu xếp hạng năm 2021."
    assert not at.text_area and "Cảm ơn bạn đã đánh giá" in text_of(at.chat_message[1])


def test_follow_up_keeps_conversation_and_sends_history(api_url, monkeypatch, ask_bodies):
    at = ask(page(api_url, monkeypatch), Q_RANK_2020)
    first_answer = at.session_state["messages"][1]["content"]
    at = ask(at, Q_FOLLOW_UP)

    assert not at.exception
    assert [m.name for m in at.chat_message] == ["user", "assistant", "user", "assistant"]
    assert text_of(at.chat_message[0]) == Q_RANK_2020
    assert text_of(at.chat_message[2]) == Q_FOLLOW_UP
    assert "15" in text_of(at.chat_message[1])  # the first answer is still on the page

    turns = ask_bodies
    assert [b["question"] for b in turns] == [Q_RANK_2020, Q_FOLLOW_UP]  # the first screen asked nothing
    assert turns[0]["history"] == []
    assert turns[1]["history"] == [
        {"role": "user", "content": Q_RANK_2020},
        {"role": "assistant", "content": first_answer},
    ]
    assert turns[1]["top_k"] == 5

    # Clearing the conversation brings the first screen back.
    at = next(b for b in at.sidebar.button if b.label == "Xóa cuộc trò chuyện").click().run(timeout=TIMEOUT)
    assert not at.chat_message
    assert example_buttons(at)


def test_top_k_slider_is_sent(api_url, monkeypatch, ask_bodies):
    at = page(api_url, monkeypatch)
    at = at.slider(key="top_k").set_value(2).run(timeout=TIMEOUT)
    at = ask(at, Q_RANK_2020)

    assert not at.exception
    assert ask_bodies[-1]["top_k"] == 2


def test_question_without_evidence_is_an_info_with_suggestions(api_url, monkeypatch):
    at = ask(page(api_url, monkeypatch), "Thời tiết ở Paris hôm nay thế nào?")

    assert not at.exception
    assistant = at.chat_message[1]
    assert assistant.info and not assistant.error
    assert "không chứa thông tin" in text_of(assistant)
    suggestions = at.session_state["messages"][1]["suggestions"]
    assert suggestions and "Có thể bạn quan tâm" in text_of(assistant)
    notice = assistant.info[0].value
    # The documents are listed once, below the notice, not in it too.
    assert all(s["title"] not in notice for s in suggestions) and suggestions[0]["title"] in text_of(assistant)

    # A suggested document is asked about with a question it answers, written from its content.
    buttons = [b for b in assistant.button if b.label == "Hỏi về tài liệu này"]
    assert buttons
    at = buttons[0].click().run(timeout=TIMEOUT)
    assert not at.exception
    assert [m.name for m in at.chat_message] == ["user", "assistant"] * 2
    reply = at.session_state["messages"][3]
    assert reply["found"] and all(c["quote"].strip(" .") != c["title"].strip(" .") for c in reply["citations"])


def test_api_down_shows_vietnamese_error_without_exception(monkeypatch):
    at = page(closed_port_url(), monkeypatch)

    assert not at.exception
    assert NOT_CONNECTED in text_of(at.sidebar)
    assert NOT_CONNECTED in text_of(at.main)  # the examples could not be loaded either

    at = ask(at, Q_RANK_2020)
    assert not at.exception
    user, assistant = at.chat_message
    assert assistant.error and NOT_CONNECTED in assistant.error[0].value
