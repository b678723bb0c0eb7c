"""Split a document's body into passages on sentence and paragraph boundaries."""
from __future__ import annotations

from langchain_text_splitters import RecursiveCharacterTextSplitter

from retriever.text import sentence_spans
from retriever.types import Chunk


def _split_long_sentence(text: str, start: int, end: int, size: int) -> list[tuple[int, int]]:
    """A 'sentence' longer than a chunk (a table row, a list without full stops) is cut on words."""
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=size, chunk_overlap=0, separators=["; ", ", ", " ", ""], add_start_index=True
    )
    pieces = []
    for doc in splitter.create_documents([text[start:end]]):
        a = start + doc.metadata["start_index"]
        pieces.append((a, a + len(doc.page_content)))
    return pieces


def chunk_text(doc_id: str, text: str, size: int = 900, overlap: int = 120) -> list[Chunk]:
    """Greedy packing of whole sentences into passages of at most `size` characters.

    Consecutive passages share up to `overlap` characters of whole sentences, so a fact split across a
    boundary is still whole in one of them. Each chunk records its offsets in `text`.
    """
    units: list[tuple[int, int]] = []
    for a, b in sentence_spans(text):
        units.extend(_split_long_sentence(text, a, b, size) if b - a > size else [(a, b)])
    chunks: list[Chunk] = []
    i = 0
    while i < len(units):
        j = i
        while j + 1 < len(units) and units[j + 1][1] - units[i][0] <= size:
            j += 1
        start, end = units[i][0], units[j][1]
        chunks.append(
            Chunk(
                chunk_id=f"{doc_id}:{len(chunks)}",
                doc_id=doc_id,
                position=len(chunks),
                text=text[start:end],
                start_char=start,
                end_char=end,
            )
        )
        if j + 1 >= len(units):
            break
        # Next passage starts with the trailing sentences of this one that fit in the overlap.
        k = j + 1
        while k - 1 > i and end - units[k - 1][0] <= overlap:
            k -= 1
        i = k
    return chunks
