"""Property tests: normalization and chunking hold on arbitrary text, not only on the sample articles."""
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.chunking import chunk_text
from retriever.text.normalize import fold, normalize
from retriever.text.sentences import sentence_spans

# Vietnamese letters, combining marks, punctuation, digits, whitespace and anything else Unicode has.
vietnamese = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")),
        st.sampled_from(list(" \n\t.,;:!?()\"'-/%0123456789\u0300\u0301\u0303\u0309\u0323\u00a0\u200b")),
        st.characters(),
    ),
    max_size=600,
)


@settings(max_examples=300, deadline=None)
@given(vietnamese)
def test_normalize_is_idempotent_and_fold_is_ascii_for_vietnamese(text):
    once = normalize(text)
    assert normalize(once) == once
    assert "\r" not in once and "\u200b" not in once
    assert fold(normalize("Thanh Hoá " + text)).startswith("thanh hoa")


@settings(max_examples=150, deadline=None)
@given(vietnamese)
def test_sentence_spans_are_ordered_and_inside_the_text(text):
    text = normalize(text)
    last = 0
    for a, b in sentence_spans(text):
        assert last <= a < b <= len(text)
        last = b


@settings(max_examples=150, deadline=None)
@given(vietnamese, st.integers(min_value=100, max_value=400), st.integers(min_value=0, max_value=80))
def test_chunks_are_exact_slices_within_size(text, size, overlap):
    text = normalize(text)
    chunks = chunk_text("d", text, size=size, overlap=overlap)
    for i, c in enumerate(chunks):
        assert c.position == i
        assert text[c.start_char : c.end_char] == c.text
        assert c.text.strip()
