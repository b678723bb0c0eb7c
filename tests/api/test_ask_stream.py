"""POST /ask/stream (Server-Sent Events) and follow-up questions on /ask, against the real API over HTTP."""
from __future__ import annotations

import json
import re
import threading
import time

import httpx
import pytest

from tests.helpers import FakeLLM, start_api, stop

QUESTION = "Về kinh tế số năm 2021, Thanh Hóa xếp hạng bao nhiêu?"


def events(base_url: str, body: dict) -> list[tuple[str, dict, float]]:
    """(event, data, seconds since the request) for each event of the stream."""
    out, name, started = [], None, time.monotonic()
    with httpx.stream("POST", f"{base_url}/ask/stream", json=body, timeout=60) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        for line in r.iter_lines():
            if line.startswith("event: "):
                name = line[len("event: ") :]
            elif line.startswith("data: "):
                out.append((name, json.loads(line[len("data: ") :]), time.monotonic() - started))
    return out


def test_stream_sends_the_quoted_clauses_then_the_whole_answer(api_url):
    received = events(api_url, {"question": QUESTION})
    names = [n for n, _, _ in received]
    assert names[-1] == "done" and names.count("done") == 1 and set(names[:-1]) == {"delta"}
    deltas = [d["text"] for n, d, _ in received if n == "delta"]
    assert deltas and all(re.search(r"\[\d+\]\s*$", d) for d in deltas), "one quoted clause and its [n] each"
    done = received[-1][1]
    assert "".join(deltas) == done["answer"] and "22" in done["answer"]
    assert done["short_answer"]["text"] == "thứ 22"
    # The final event is exactly what /ask answers.
    assert done == httpx.post(f"{api_url}/ask", json={"question": QUESTION}, timeout=60).json()


def test_stream_of_a_refusal(api_url):
    received = events(api_url, {"question": "Giá vàng hôm nay là bao nhiêu?"})
    done = received[-1][1]
    assert received[-1][0] == "done" and done["found"] is False and done["citations"] == []
    assert done["short_answer"] is None
    assert done["suggestions"] and "".join(d["text"] for n, d, _ in received if n == "delta") == done["answer"]


def test_stream_rejects_bad_input_before_streaming(api_url):
    r = httpx.post(f"{api_url}/ask/stream", json={"question": "  "}, timeout=30)
    assert r.status_code == 422 and r.json()["detail"]


def test_ask_resolves_a_followup_from_history(api_url):
    history = [
        {"role": "user", "content": "Năm 2020 Thanh Hóa xếp thứ mấy về chuyển đổi số?"},
        {"role": "assistant", "content": "Thanh Hóa xếp thứ 15 trong tổng số 63 tỉnh, thành phố. [1]"},
    ]
    body = httpx.post(
        f"{api_url}/ask", json={"question": "Còn năm 2021 thì sao?", "history": history}, timeout=60
    ).json()
    assert body["rewritten_question"] == "Năm 2021 Thanh Hóa xếp thứ mấy về chuyển đổi số?"
    assert body["found"] and "12/63" in body["answer"]
    plain = httpx.post(f"{api_url}/ask", json={"question": QUESTION}, timeout=60).json()
    assert plain["rewritten_question"] is None


def test_citations_carry_their_highlights(api_url):
    body = httpx.post(f"{api_url}/ask", json={"question": QUESTION}, timeout=60).json()
    for c in body["citations"]:
        assert c["highlights"][0] == [c["quote_start"], c["quote_end"]]
        assert c["text"][c["quote_start"] : c["quote_end"]] == c["quote"]


@pytest.fixture(scope="module")
def llm_api(sample_index):
    fake = FakeLLM()
    env = {"POLICYQA_LLM_BASE_URL": fake.base_url, "POLICYQA_LLM_MODEL": "fake", "POLICYQA_LLM_TIMEOUT_S": "10"}
    proc, url = start_api(sample_index, env=env)
    yield fake, url
    stop(proc)
    fake.close()


@pytest.mark.slow
def test_generated_answer_streams_while_the_server_stays_responsive(llm_api):
    fake, url = llm_api
    fake.set(chunks=["Về kinh tế số năm 2021, ", "Thanh Hóa xếp thứ 22 ", "[1]", "."], delay=0.5)
    health: list[float] = []

    def ping() -> None:
        time.sleep(0.5)
        started = time.monotonic()
        httpx.get(f"{url}/health", timeout=10).raise_for_status()
        health.append(time.monotonic() - started)

    pinger = threading.Thread(target=ping)
    pinger.start()
    received = events(url, {"question": QUESTION})
    pinger.join()
    names = [n for n, _, _ in received]
    assert names[-1] == "done" and "reset" not in names
    deltas = [(d["text"], t) for n, d, t in received if n == "delta"]
    assert "".join(text for text, _ in deltas) == received[-1][1]["answer"] == (
        "Về kinh tế số năm 2021, Thanh Hóa xếp thứ 22 [1]."
    )
    assert received[-1][2] - deltas[0][1] > 1.0, "pieces arrive as the model writes them, not all at the end"
    assert health and health[0] < 1.0, "the event loop is not blocked by the stream"
    assert "BẮT ĐẦU ĐOẠN 1" in fake.requests[0]["messages"][1]["content"]


@pytest.mark.slow
def test_generated_answer_failure_falls_back_to_the_extractive_one(llm_api):
    fake, url = llm_api
    fake.set(fail=True)
    generated = httpx.post(f"{url}/ask", json={"question": QUESTION}, timeout=60).json()
    fake.set(chunks=["Thanh Hóa xếp thứ 22 ", "[7]."])  # cites a passage it was not given
    received = events(url, {"question": QUESTION})
    names = [n for n, _, _ in received]
    assert "reset" in names and names[-1] == "done"
    after_reset = [d["text"] for n, d, _ in received[names.index("reset") :] if n == "delta"]
    extractive = received[-1][1]
    assert generated == extractive and "".join(after_reset) == extractive["answer"]
    assert "Về chính quyền số, Thanh Hóa xếp thứ 12, kinh tế số xếp thứ 22" in extractive["answer"]
