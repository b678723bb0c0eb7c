"""What every searcher is, and the modes a search can run in."""
from __future__ import annotations

from typing import Literal, Protocol

from retriever.types import Hit

Mode = Literal["dense", "bm25", "hybrid"]


class Searcher(Protocol):
    def search(self, query: str, top_k: int) -> list[Hit]:
        """Hits best first; `score` is what ranked them."""
        ...
