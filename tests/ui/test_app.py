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
    """JSON bodies of the POST /ask requests the page sends (the requests still go to the real API)."""
    bodies: list[dict] = []
    original_send = httpx.Client.send

    def spy(self, request, *args, **kwargs):
        if request.method == "POST" and request.url.path == "/ask":
            bodies.append(json.loads(request.content))
        return original_send(self, request, *args, **kwargs)

    monkeypatch.setattr(httpx.Client, "send", spy)
    return bodies


def test_first_screen_shows_welcome_examples_and_corpus_size(api_url, monkeypatch):
    at = page(api_url, monkeypatch)

    assert not at.exception
    assert at.title[0].value == "Trợ lý hỏi đáp chính sách"
    assert "Xin chào" in text_of(at.main)
    assert not at.chat_message

    health = httpx.get(f"{api_url}/health").json()
    sidebar = text_of(at.sidebar)
    assert f"{health['documents']} tài liệu" in sidebar
    assert f"{health['chunks']} đoạn văn bản" in sidebar
    assert at.slider(key="top_k").value == 5
    assert any(b.label == "Xóa cuộc trò chuyện" for b in at.sidebar.button)

    # Example questions come from the indexed documents' titles.
    titles = [d["title"].rstrip(" .") for d in httpx.get(f"{api_url}/documents").json()["documents"]]
    buttons = example_buttons(at)
    assert 3 <= len(buttons) <= 4
    for b in buttons:
        assert any(b.label.startswith(t) for t in titles), b.label


def test_example_button_asks_its_question(api_url, monkeypatch):
    at = page(api_url, monkeypatch)
    question = example_buttons(at)[0].label

    at = example_buttons(at)[0].click().run(timeout=TIMEOUT)

    assert not at.exception
    user, assistant = at.chat_message
    assert user.name == "user" and text_of(user) == question
    assert assistant.name == "assistant" and not assistant.info and not assistant.error
    assert not example_buttons(at)  # the welcome screen is gone once a conversation exists


def test_answer_shows_text_and_citations(api_url, monkeypatch):
    at = ask(page(api_url, monkeypatch), Q_RANK_2020)

    assert not at.exception
    assert [m.name for m in at.chat_message] == ["user", "assistant"]
    assistant = at.chat_message[1]
    shown = text_of(assistant)
    assert "15" in assistant.markdown[0].value  # the answer itself, before the citations
    assert "Động lực thúc đẩy chuyển đổi số" in shown
    assert "000_26c842c1430eb98e.txt" in shown  # the cited file
    assert "Thanh Hóa xếp thứ 15 trong tổng số 63 tỉnh" in shown  # the quoted passage
    # The quoted sentence is highlighted inside its passage.
    assert any(":orange-background[" in m.value for m in assistant.markdown)


def test_follow_up_keeps_conversation_and_sends_history(api_url, monkeypatch, ask_bodies):
    at = ask(page(api_url, monkeypatch), Q_RANK_2020)
    first_answer = at.session_state["messages"][1]["content"]
    at = ask(at, Q_FOLLOW_UP)

    assert not at.exception
    assert [m.name for m in at.chat_message] == ["user", "assistant", "user", "assistant"]
    assert text_of(at.chat_message[0]) == Q_RANK_2020
    assert text_of(at.chat_message[2]) == Q_FOLLOW_UP
    assert "15" in text_of(at.chat_message[1])  # the first answer is still on the page

    # (The first screen may also have tried its example questions on /ask: leave those out.)
    turns = [b for b in ask_bodies if b["question"] in (Q_RANK_2020, Q_FOLLOW_UP)]
    assert [b["question"] for b in turns] == [Q_RANK_2020, Q_FOLLOW_UP]
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


def test_question_without_evidence_is_an_info_not_an_error(api_url, monkeypatch):
    at = ask(page(api_url, monkeypatch), "Thời tiết ở Paris hôm nay thế nào?")

    assert not at.exception
    assistant = at.chat_message[1]
    assert assistant.info and not assistant.error
    assert "không chứa thông tin" in text_of(assistant)


def test_api_down_shows_vietnamese_error_without_exception(monkeypatch):
    at = page(closed_port_url(), monkeypatch)

    assert not at.exception
    assert NOT_CONNECTED in text_of(at.sidebar)
    assert NOT_CONNECTED in text_of(at.main)  # the examples could not be loaded either

    at = ask(at, Q_RANK_2020)
    assert not at.exception
    user, assistant = at.chat_message
    assert assistant.error and NOT_CONNECTED in assistant.error[0].value
