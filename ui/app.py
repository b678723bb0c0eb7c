"""Chat front-end of the policy Q&A assistant: `streamlit run ui/app.py`.

It knows the backend only through HTTP (ui/client.py), at POLICYQA_API_URL.
Document text is untrusted: everything that comes from the corpus goes through `md_escape`
and is rendered as plain Markdown text, never as HTML.
"""
from __future__ import annotations

import re
from pathlib import PurePath
from urllib.parse import quote, urlsplit

import streamlit as st

# `streamlit run` (and AppTest) put this file's folder on sys.path, so the sibling module imports directly.
from client import ApiClient, ApiError, Citation, api_url_from_env

TITLE = "Trợ lý hỏi đáp chính sách"
MAX_EXAMPLES = 4
MAX_EXAMPLE_TITLE_CHARS = 80

st.set_page_config(page_title=TITLE, page_icon="💬")


# --- safe rendering helpers ---------------------------------------------------------------

# Every ASCII punctuation mark Markdown (or Streamlit's extensions: :color[...], $math$, :emoji:)
# could interpret. CommonMark renders a backslash-escaped punctuation mark as the bare character.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|$:~=^\"'&])")


def md_escape(text: str) -> str:
    """Make arbitrary text display literally inside st.markdown."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def safe_url(url: str | None) -> str | None:
    """Only http(s) links, percent-encoded so they cannot break out of the Markdown link."""
    if not url or urlsplit(url.strip()).scheme.lower() not in ("http", "https"):
        return None
    return quote(url.strip(), safe=":/?#@!$&'*+,;=%~")


def highlighted_passage(text: str, start: int | None, end: int | None) -> str:
    """The passage as a Markdown blockquote, with text[start:end] (the quoted sentence) highlighted."""
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
        # The highlight directive cannot span lines, so highlight the quote line by line.
        marked = "\n".join(
            f":orange-background[{md_escape(line)}]" if line.strip() else line
            for line in text[start:end].split("\n")
        )
        body = md_escape(text[:start]) + marked + md_escape(text[end:])
    else:
        body = md_escape(text)
    return "\n".join(f"> {line}" for line in body.split("\n"))


def render_citation(c: Citation) -> None:
    title = md_escape(c.get("title") or "(không có tiêu đề)")
    url = safe_url(c.get("url"))
    st.markdown(f"**\\[{c.get('marker', '?')}\\]** " + (f"[{title}]({url})" if url else f"**{title}**"))
    details = []
    if c.get("publisher"):
        details.append(f"Nguồn: {md_escape(str(c['publisher']))}")
    if c.get("source"):
        details.append(f"Tệp: {md_escape(PurePath(c['source']).name)}")
    if details:
        st.caption(" · ".join(details))
    st.markdown(highlighted_passage(c.get("text") or "", c.get("quote_start"), c.get("quote_end")))


def render_assistant(msg: dict) -> None:
    """One assistant turn: the answer (or a not-found / error notice) and its citations below."""
    if msg.get("error"):
        st.error(msg["content"])
        return
    if msg.get("found", True):
        st.markdown(md_escape(msg["content"]))
    else:
        # Not finding evidence is a normal outcome, not a failure.
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


@st.cache_data(ttl=60, show_spinner=False)
def example_questions(base_url: str) -> list[str]:
    """Starter questions built from the titles of the indexed documents, so they always fit the corpus.

    Cached for a minute: the corpus changes only when someone re-ingests. Errors are not cached.
    """
    titles = []
    for doc in get_client(base_url).documents():
        title = " ".join((doc.get("title") or "").split()).rstrip(" .:;,")
        if title and title not in titles:
            titles.append(title)
    # Shorter titles make readable buttons; keep the corpus order among equals.
    titles.sort(key=len)
    questions = []
    for title in titles[:MAX_EXAMPLES]:
        if len(title) > MAX_EXAMPLE_TITLE_CHARS:
            title = title[:MAX_EXAMPLE_TITLE_CHARS].rsplit(" ", 1)[0] + "…"
        questions.append(f"Bài viết «{title}» có nội dung chính là gì?")
    return questions


def api_history(messages: list[dict]) -> list[dict]:
    """The conversation as the API expects it; failed turns are left out."""
    return [{"role": m["role"], "content": m["content"]} for m in messages if not m.get("error")]


def ask(client: ApiClient, question: str, top_k: int) -> None:
    messages = st.session_state.messages
    history = api_history(messages)
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
            # Mark both halves of the failed turn so they are not sent as history next time.
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
            st.success(
                f"Máy chủ đang hoạt động: {health['documents']} tài liệu, {health['chunks']} đoạn văn bản."
            )
        except ApiError as exc:
            st.error(exc.message)
        st.caption(f"Địa chỉ máy chủ: {md_escape(client.base_url)}")
        top_k = st.slider("Số nguồn trích dẫn", min_value=1, max_value=10, value=5, key="top_k")
        st.button("Xóa cuộc trò chuyện", on_click=clear_conversation, width="stretch")
    return top_k


def welcome(client: ApiClient) -> None:
    st.markdown(
        "Xin chào! Tôi trả lời câu hỏi dựa trên các tài liệu chính sách đã được nạp vào hệ thống, "
        "và dẫn nguồn cho từng ý trả lời. Hãy nhập câu hỏi bên dưới hoặc chọn một câu hỏi gợi ý."
    )
    try:
        questions = example_questions(client.base_url)
    except ApiError as exc:
        st.error(exc.message)
        return
    if not questions:
        st.info("Chưa có tài liệu nào trong kho. Hãy nạp tài liệu bằng lệnh `python -m ingest`.")
        return
    st.caption("Câu hỏi gợi ý:")
    for i, q in enumerate(questions):
        st.button(q, key=f"example_{i}", on_click=queue_question, args=(q,), width="stretch")


def main() -> None:
    st.title(TITLE)
    st.session_state.setdefault("messages", [])
    client = get_client(api_url_from_env())
    top_k = sidebar(client)

    # chat_input is pinned to the bottom wherever it is called; call it first to know this run's question.
    question = st.chat_input("Nhập câu hỏi về chính sách…")
    question = question or st.session_state.pop("pending_question", None)

    if not st.session_state.messages and not question:
        welcome(client)
    for msg in st.session_state.messages:
        render_message(msg)
    if question and question.strip():
        ask(client, question.strip(), top_k)


main()
