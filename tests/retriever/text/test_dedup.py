"""Near-duplicate detection: MinHash estimates for documents, exact shingle overlap for passages."""
import pytest

from retriever.text import dedup

A = " ".join(f"Tỉnh Thanh Hóa triển khai nhiệm vụ số {i} về chuyển đổi số trong năm 2021." for i in range(30))


def test_minhash_estimates_jaccard():
    b = A.replace("nhiệm vụ số 3 ", "công việc số 3 ").replace("năm 2021.", "năm nay.", 5)
    exact = dedup.jaccard(dedup.shingles(A), dedup.shingles(b))
    assert 0.6 < exact < 1
    assert dedup.estimated_jaccard(dedup.signature(A), dedup.signature(b)) == pytest.approx(exact, abs=0.15)


def test_copies_match_even_with_other_accents_and_tone_marks():
    copy = A.replace("Hóa", "Hoá").replace("chuyển đổi", "chuyen doi")
    assert dedup.estimated_jaccard(dedup.signature(A), dedup.signature(copy)) == 1.0


def test_similar_pairs_only_involve_the_new_documents():
    other = "Hà Tĩnh đứng thứ 57 về nhận thức số, nhóm cuối của cả nước về chính quyền số và xã hội số."
    signatures = {"a": dedup.signature(A), "b": dedup.signature(A + " Hết."), "c": dedup.signature(other)}
    assert [(x, y) for x, y, _ in dedup.similar_pairs(signatures, {"b"}, 0.5)] == [("b", "a")]
    assert dedup.similar_pairs(signatures, {"c"}, 0.5) == []


def test_collapse_keeps_the_first_of_near_identical_texts():
    texts = [A, A.replace("2021", "2022", 1), "Một đoạn văn khác hẳn về ngân sách nhà nước."]
    assert dedup.collapse(texts, str, 0.8) == [texts[0], texts[2]]
