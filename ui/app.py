"""Chat front-end of the policy Q&A assistant: `streamlit run ui/app.py`.

It knows the backend only through HTTP (client.py), at POLICYQA_API_URL. This module is the page: its state,
the sidebar, the first screen, asking and rating. How an answer looks is in render.py; document text is
untrusted and reaches the page only through safe_markdown.
"""
from __future__ import annotations

import logging
from typing import Literal

import streamlit as st
from catalog import FilterOptions, filter_options

# `streamlit run` (and AppTest) put this file's folder on sys.path, so sibling modules import directly.
from client import ApiClient, ApiError, Document, ExampleQuestion, Filters, Health, api_url_from_env
from render import page_style, render_answer
from safe_markdown import md_escape

TITLE = "Trợ lý hỏi đáp chính sách"
MAX_EXAMPLES = 4
# The API accepts at most 50 history turns and 2,000-character questions; stay inside both.
MAX_HISTORY_MESSAGES = 20
MAX_QUESTION_CHARS = 2000
MAX_COMMENT_CHARS = 2000
ALL = "Tất cả"

log = logging.getLogger("policyqa.ui")


# --- API access ---------------------------------------------------------------------------


@st.cache_resource
def get_client(base_url: str) -> ApiClient:
    # One pooled HTTP client per API address, shared by reruns and sessions; it also remembers
    # whether the API streams answers, so only the first question ever probes for it.
    return ApiClient(base_url)


@st.cache_data(ttl=60, show_spinner=False)
def documents(base_url: str) -> list[Document]:
    """The document list feeds the examples and the filters; cached briefly since every click reruns the page.
    Errors are not cached, so a restarted API is picked up at once."""
    return get_client(base_url).documents()


@st.cache_data(ttl=60, show_spinner=False)
def starter_questions(base_url: str, limit: int) -> list[ExampleQuestion]:
    """Questions the API wrote from the documents' content and checked that it answers."""
    return get_client(base_url).starter_questions(limit)


@st.cache_data(ttl=300, show_spinner=False)
def document_question(base_url: str, doc_id: str) -> str | None:
    """A question the API checked that this document answers, or None."""
    try:
        found = get_client(base_url).document_questions(doc_id, limit=1)
    except ApiError:
        return None  # the notice still lists the document; only its button is missing
    return found[0]["question"] if found else None


def api_history(messages: list[dict]) -> list[dict]:
    """The recent conversation as the API expects it; failed turns are left out."""
    turns = [{"role": m["role"], "content": m["content"]} for m in messages if not m.get("error")]
    return turns[-MAX_HISTORY_MESSAGES:]


# --- callbacks (run before the page reruns) -------------------------------------------------


def queue_question(question: str) -> None:
    st.session_state.pending_question = question


def clear_conversation() -> None:
    st.session_state.messages = []
    # A new conversation gets new widget keys, so ratings of the old one do not carry over.
    st.session_state.conversation += 1


def _send_feedback(turn: int, rating: Literal["up", "down"], comment: str | None = None) -> None:
    messages = st.session_state.messages
    reply, question = messages[turn], messages[turn - 1]
    try:
        get_client(api_url_from_env()).feedback(
            question["content"], reply["content"], reply.get("citations") or [], rating, comment
        )
    except ApiError as exc:
        reply["feedback_error"] = exc.message
        return
    reply.pop("feedback_error", None)
    reply["rating"] = rating
    if comment is not None:
        reply["comment_sent"] = True


def send_rating(turn: int, key: str) -> None:
    value = st.session_state.get(key)
    if value is not None:  # None: the reader took the rating back; what was stored stays, nothing new to store
        _send_feedback(turn, "up" if value == 1 else "down")


def send_comment(turn: int, key: str) -> None:
    comment = (st.session_state.get(key) or "").strip()
    if comment:
        _send_feedback(turn, "down", comment)
    else:  # the thumbs down is already stored; an empty comment adds nothing to it
        st.session_state.messages[turn]["comment_sent"] = True


# --- conversation -------------------------------------------------------------------------


def render_feedback(msg: dict, turn: int) -> None:
    """Thumbs up/down under an answer; after a thumbs down, an optional comment for the staff who review it."""
    conversation = st.session_state.conversation
    key = f"rating_{conversation}_{turn}"
    # Left enabled so the chosen thumb stays visible (a disabled one is greyed out); a changed mind is stored
    # as one more row, and the latest row of an answer is the reader's final rating.
    st.feedback("thumbs", key=key, on_change=send_rating, args=(turn, key))
    if msg.get("feedback_error"):
        st.warning(md_escape(msg["feedback_error"]))
    elif msg.get("rating") == "up" or msg.get("comment_sent"):
        st.caption("Cảm ơn bạn đã đánh giá!")
    elif msg.get("rating") == "down":
        with st.form(f"comment_{conversation}_{turn}", border=False):
            comment_key = f"comment_text_{conversation}_{turn}"
            st.text_area(
                "Câu trả lời chưa tốt ở điểm nào? (không bắt buộc)",
                key=comment_key,
                max_chars=MAX_COMMENT_CHARS,
                height=80,
            )
            st.form_submit_button("Gửi góp ý", on_click=send_comment, args=(turn, comment_key))


def render_assistant(msg: dict, turn: int) -> None:
    if msg.get("error"):
        st.error(md_escape(msg["content"]))
        return
    base_url = api_url_from_env()
    render_answer(msg, turn, on_ask=queue_question, question_for=lambda doc_id: document_question(base_url, doc_id))
    render_feedback(msg, turn)


def render_message(msg: dict, turn: int) -> None:
    with st.chat_message(msg["role"]):
        if msg["role"] == "user":
            st.markdown(md_escape(msg["content"]))
        else:
            render_assistant(msg, turn)


def ask(client: ApiClient, question: str, top_k: int, filters: Filters) -> None:
    messages = st.session_state.messages
    history = api_history(messages)  # the turns before this question
    user_msg = {"role": "user", "content": question}
    messages.append(user_msg)
    render_message(user_msg, len(messages) - 1)
    turn = len(messages)
    with st.chat_message("assistant"):
        placeholder = st.empty()
        try:
            with placeholder.container():
                with st.spinner("Đang tìm câu trả lời trong tài liệu…"):
                    stream = client.ask_stream(question, top_k=top_k, history=history, filters=filters)
                # Pieces are escaped one by one (md_escape works per character), so a partial answer is safe too.
                st.write_stream(md_escape(piece) for piece in stream)
            result = stream.result
            assert result is not None  # iterating to the end either sets it or raises ApiError
            reply = {
                "role": "assistant",
                "content": result["answer"],
                "found": result["found"],
                "citations": result["citations"],
                "suggestions": result.get("suggestions") or [],
                "short_answer": result.get("short_answer"),
            }
        except ApiError as exc:
            # Mark both halves of the failed turn, so they are not sent as history later.
            user_msg["error"] = True
            reply = {"role": "assistant", "content": exc.message, "error": True}
        messages.append(reply)
        # The streamed plain text gives way to the finished answer: [n] links, citation cards, rating.
        with placeholder.container():
            render_assistant(reply, turn)


# --- page -----------------------------------------------------------------------------------


def sidebar_filters(options: FilterOptions) -> Filters:
    """A filter for each kind of metadata the corpus has; only what the reader narrowed is sent."""
    filters: Filters = {}
    if not (options.doc_types or options.publishers or len(options.years) > 1):
        return filters
    st.subheader("Lọc tài liệu")
    if options.doc_types:
        doc_type = st.selectbox("Loại văn bản", [ALL, *options.doc_types], key="filter_doc_type")
        if doc_type != ALL:
            filters["doc_type"] = doc_type
    if len(options.years) > 1:  # a range over a single year filters nothing
        first, last = options.years[0], options.years[-1]
        year_from, year_to = st.slider("Năm", min_value=first, max_value=last, value=(first, last), key="filter_years")
        if year_from != first:
            filters["year_from"] = year_from
        if year_to != last:
            filters["year_to"] = year_to
    if options.publishers:
        publisher = st.selectbox("Nguồn / cơ quan ban hành", [ALL, *options.publishers], key="filter_publisher")
        if publisher != ALL:
            filters["publisher"] = publisher
    return filters


def sidebar(
    client: ApiClient, health: Health | None, docs: list[Document], api_error: str | None
) -> tuple[int, Filters]:
    with st.sidebar:
        st.header("Tùy chọn")
        filters = sidebar_filters(filter_options(docs))
        top_k = st.slider("Số nguồn trích dẫn", min_value=1, max_value=10, value=5, key="top_k")
        st.button("Xóa cuộc trò chuyện", on_click=clear_conversation, icon=":material/delete:", width="stretch")
        st.divider()
        st.subheader("Trạng thái máy chủ")
        if health is not None:
            st.success(f"Đang hoạt động: {health['documents']} tài liệu, {health['chunks']} đoạn văn bản.")
        else:
            st.error(md_escape(api_error or ""))
        st.caption(f"Địa chỉ: {md_escape(client.base_url)}")
    return top_k, filters


def welcome(client: ApiClient, health: Health | None, api_error: str | None) -> None:
    st.markdown(
        "Xin chào! Tôi trả lời câu hỏi về chính sách dựa trên các văn bản đã được nạp vào hệ thống, "
        "và dẫn nguồn cho từng ý: bấm vào số \\[n\\] trong câu trả lời để xem đoạn văn gốc."
    )
    if health is None:
        st.error(md_escape(api_error or ""))
        return
    if not health["documents"]:
        st.info("Kho tài liệu đang trống. Hãy nạp tài liệu bằng lệnh `python -m ingest THƯ_MỤC`.")
        return
    st.caption(f"Kho tài liệu hiện có {health['documents']} tài liệu ({health['chunks']} đoạn văn bản).")
    try:
        with st.spinner("Đang chuẩn bị câu hỏi gợi ý…"):
            questions = [q["question"] for q in starter_questions(client.base_url, MAX_EXAMPLES)]
    except ApiError as exc:
        log.warning("example questions not loaded: %s", exc.message)
        questions = []
    if questions:
        st.markdown("**Bạn có thể thử hỏi:**")
        for i, q in enumerate(questions):
            st.button(
                md_escape(q),
                key=f"example_{i}",
                on_click=queue_question,
                args=(q,),
                icon=":material/chat:",
                width="stretch",
            )


def main() -> None:
    st.set_page_config(page_title=TITLE, page_icon="💬")
    page_style()
    st.title(TITLE)
    st.session_state.setdefault("messages", [])
    st.session_state.setdefault("conversation", 0)
    client = get_client(api_url_from_env())
    health: Health | None = None
    docs: list[Document] = []
    api_error: str | None = None
    try:
        health = client.health()
        docs = documents(client.base_url)
    except ApiError as exc:
        api_error = exc.message
    top_k, filters = sidebar(client, health, docs, api_error)

    # chat_input is pinned to the bottom wherever it is called; calling it first tells this run's question.
    question = st.chat_input("Nhập câu hỏi về chính sách…", max_chars=MAX_QUESTION_CHARS)
    question = (question or st.session_state.pop("pending_question", None) or "").strip()

    if not st.session_state.messages and not question:
        welcome(client, health, api_error)
    for turn, msg in enumerate(st.session_state.messages):
        render_message(msg, turn)
    if question:
        ask(client, question, top_k, filters)


try:
    main()
except Exception:  # a bug or a malformed API answer: log the details, show a message, never a traceback
    log.exception("chat page failed")
    st.error("Đã xảy ra lỗi không mong muốn khi hiển thị trang. Vui lòng tải lại trang hoặc xóa cuộc trò chuyện.")
