"""Chat front-end of the policy Q&A assistant: `streamlit run ui/app.py`.

It knows the backend only through HTTP (client.py), at POLICYQA_API_URL. Document text is untrusted:
everything from the corpus goes through safe_markdown and is shown as plain text, never as HTML.
"""
from __future__ import annotations

import logging
from pathlib import PurePath

import streamlit as st

# `streamlit run` (and AppTest) put this file's folder on sys.path, so sibling modules import directly.
from client import ApiClient, ApiError, Citation, api_url_from_env
from safe_markdown import highlighted_passage, md_escape, md_link

TITLE = "Trợ lý hỏi đáp chính sách"
MAX_EXAMPLES = 4
# The API accepts at most 50 history turns and 2,000-character questions; stay inside both.
MAX_HISTORY_MESSAGES = 20
MAX_QUESTION_CHARS = 2000

log = logging.getLogger("policyqa.ui")


# --- rendering ----------------------------------------------------------------------------


def render_citation(c: Citation) -> None:
    st.markdown(f"**\\[{int(c.get('marker', 0))}\\]** " + md_link(c.get("title") or "(không có tiêu đề)", c.get("url")))
    details = []
    if c.get("publisher"):
        details.append(f"Nguồn: {md_escape(str(c['publisher']))}")
    if c.get("source"):
        details.append(f"Tệp: {md_escape(PurePath(c['source']).name)}")
    if details:
        st.caption(" · ".join(details))
    st.markdown(highlighted_passage(c.get("text") or "", c.get("quote_start"), c.get("quote_end")))


def render_assistant(msg: dict) -> None:
    """One assistant turn: the answer (or a not-found / error notice), then its citations."""
    if msg.get("error"):
        st.error(msg["content"])
        return
    if msg.get("found", True):
        st.markdown(md_escape(msg["content"]))
    else:
        # No evidence in the corpus is a normal outcome, not a failure.
        st.info(md_escape(msg["content"]), icon="ℹ️")
    citations = msg.get("citations") or []
    if citations:
        with st.expander(f"Nguồn trích dẫn ({len(citations)})", expanded=True):
            for i, c in enumerate(citations):
                if i:
                    st.divider()
                render_citation(c)


def render_message(msg: dict) -> None:
    with st.chat_message(msg["role"]):
        if msg["role"] == "user":
            st.markdown(md_escape(msg["content"]))
        else:
            render_assistant(msg)


# --- API access ---------------------------------------------------------------------------


@st.cache_resource
def get_client(base_url: str) -> ApiClient:
    # One pooled HTTP client per API address, shared by reruns and sessions.
    return ApiClient(base_url)


@st.cache_data(ttl=600, show_spinner="Đang chuẩn bị câu hỏi gợi ý…")
def example_questions(base_url: str) -> list[str]:
    """Starter questions built from the titles of the indexed documents, so they always fit the corpus.

    Each candidate is tried on /ask first and kept only if the corpus answers it: an example that
    leads to "not found" makes a poor first impression. Cached (errors are not): the corpus changes
    only when someone re-ingests.
    """
    client = get_client(base_url)
    titles: list[str] = []
    for doc in client.documents():
        title = " ".join(str(doc.get("title") or "").split()).rstrip(" .:;,")
        if title and title not in titles:
            titles.append(title)
    titles.sort(key=len)  # short titles make readable buttons; the sort is stable, so corpus order otherwise
    questions = []
    for title in titles[: 2 * MAX_EXAMPLES]:  # bounded: a large corpus must not mean many requests
        question = f"{title} như thế nào?"
        if client.ask(question)["found"]:
            questions.append(question)
            if len(questions) == MAX_EXAMPLES:
                break
    return questions


def api_history(messages: list[dict]) -> list[dict]:
    """The recent conversation as the API expects it; failed turns are left out."""
    turns = [{"role": m["role"], "content": m["content"]} for m in messages if not m.get("error")]
    return turns[-MAX_HISTORY_MESSAGES:]


def ask(client: ApiClient, question: str, top_k: int) -> None:
    messages = st.session_state.messages
    history = api_history(messages)  # the turns before this question
    user_msg = {"role": "user", "content": question}
    messages.append(user_msg)
    render_message(user_msg)
    with st.chat_message("assistant"):
        try:
            with st.spinner("Đang tìm câu trả lời trong tài liệu…"):
                result = client.ask(question, top_k=top_k, history=history)
            reply = {"role": "assistant", "content": result["answer"], "found": result["found"],
                     "citations": result["citations"]}
        except ApiError as exc:
            # Mark both halves of the failed turn, so they are not sent as history later.
            user_msg["error"] = True
            reply = {"role": "assistant", "content": exc.message, "error": True}
        messages.append(reply)
        render_assistant(reply)


# --- page -----------------------------------------------------------------------------------


def queue_question(question: str) -> None:
    st.session_state.pending_question = question


def clear_conversation() -> None:
    st.session_state.messages = []


def sidebar(client: ApiClient) -> int:
    with st.sidebar:
        st.header("Cài đặt")
        try:
            health = client.health()
            st.success(f"Máy chủ đang hoạt động: {health['documents']} tài liệu, {health['chunks']} đoạn văn bản.")
        except ApiError as exc:
            st.error(exc.message)
        st.caption(f"Địa chỉ máy chủ: {md_escape(client.base_url)}")
        top_k = st.slider("Số nguồn trích dẫn", min_value=1, max_value=10, value=5, key="top_k")
        st.button("Xóa cuộc trò chuyện", on_click=clear_conversation, width="stretch")
    return top_k


def welcome(client: ApiClient) -> None:
    st.markdown(
        "Xin chào! Tôi trả lời câu hỏi dựa trên các tài liệu đã được nạp vào hệ thống "
        "và dẫn nguồn cho từng ý. Hãy nhập câu hỏi bên dưới hoặc chọn một câu hỏi gợi ý."
    )
    try:
        questions = example_questions(client.base_url)
    except ApiError as exc:
        st.error(exc.message)
        return
    if not questions:
        st.info("Chưa có câu hỏi gợi ý. Nếu kho tài liệu đang trống, hãy nạp tài liệu bằng lệnh `python -m ingest`.")
        return
    st.caption("Câu hỏi gợi ý:")
    for i, q in enumerate(questions):
        st.button(q, key=f"example_{i}", on_click=queue_question, args=(q,), width="stretch")


def main() -> None:
    st.set_page_config(page_title=TITLE, page_icon="💬")
    st.title(TITLE)
    st.session_state.setdefault("messages", [])
    client = get_client(api_url_from_env())
    top_k = sidebar(client)

    # chat_input is pinned to the bottom wherever it is called; calling it first tells this run's question.
    question = st.chat_input("Nhập câu hỏi về chính sách…", max_chars=MAX_QUESTION_CHARS)
    question = (question or st.session_state.pop("pending_question", None) or "").strip()

    if not st.session_state.messages and not question:
        welcome(client)
    for msg in st.session_state.messages:
        render_message(msg)
    if question:
        ask(client, question, top_k)


try:
    main()
except Exception:  # a bug or a malformed API answer: log the details, show a message, never a traceback
    log.exception("chat page failed")
    st.error("Đã xảy ra lỗi không mong muốn khi hiển thị trang. Vui lòng tải lại trang hoặc xóa cuộc trò chuyện.")
