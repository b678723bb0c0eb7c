"""The same question over the same passages gets the same answer in every process. Python salts the hash of
strings per process, so a set of terms iterates in another order each time; scores summed in that order differed
in their last bits, and a tie between two clauses then went one way or the other from run to run."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = r'''
import json
from retriever.answer.extractive import ExtractiveAnswerer
from retriever.types import Hit
texts = [
    "Sinh viên được đăng ký tối đa 24 tín chỉ trong học kỳ chính, tối thiểu 14 tín chỉ, trừ học kỳ cuối của khóa "
    "học; sinh viên có điểm trung bình chung tích lũy dưới 5,0 chỉ được đăng ký tối đa 18 tín chỉ.",
    "Học phí học kỳ hè được tính theo số tín chỉ đăng ký, mức học phí cho mỗi tín chỉ học lại bằng 1,5 lần mức học "
    "phí tín chỉ học mới, nộp tại Phòng Kế hoạch – Tài chính trước ngày bắt đầu học kỳ.",
]
hits = [
    Hit(f"c{i}", f"d{i}", f"{i}.txt", "Quy chế đào tạo", None, t, 0.03 - i / 1000, dense_score=0.9)
    for i, t in enumerate(texts)
]
answerer = ExtractiveAnswerer()
out = []
for q in ["Sinh viên được đăng ký tối đa bao nhiêu tín chỉ trong học kỳ chính?", "Học phí tín chỉ học lại tính thế nào?"]:
    draft = answerer.draft(q, hits)
    out.append([(c.focus.start, repr(c.score), repr(c.coverage)) for c in draft.candidates])
    out.append(answerer.decide(draft).answer)
print(json.dumps(out, ensure_ascii=False))
'''


def test_scores_and_answers_do_not_depend_on_the_hash_seed():
    root = Path(__file__).resolve().parents[3]
    runs = {
        subprocess.run(
            [sys.executable, "-c", SCRIPT], cwd=root, env={"PYTHONHASHSEED": str(seed), "PATH": ""},
            capture_output=True, text=True, check=True, timeout=120,
        ).stdout
        for seed in (1, 2, 3)
    }
    assert len(runs) == 1
