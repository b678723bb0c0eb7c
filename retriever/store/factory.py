"""The configured store, by POLICYQA_STORE (store/base.py lists both)."""
from __future__ import annotations

from retriever.errors import IndexUnavailable
from retriever.settings import Settings
from retriever.store.base import Store


def open_store(settings: Settings) -> Store:
    """The store settings.store names, at settings.index_dir (and settings.milvus_uri for Milvus)."""
    if settings.store == "milvus":
        try:  # pymilvus is an extra (pip install -e '.[milvus]'), imported only when chosen
            from retriever.store.milvus import MilvusStore
        except ImportError as e:
            raise IndexUnavailable(
                f"POLICYQA_STORE=milvus needs the milvus extra: pip install -e '.[milvus]' ({e})"
            ) from None
        return MilvusStore(settings)
    from retriever.store.faiss import FaissStore

    return FaissStore(settings)
