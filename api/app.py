"""create_app(settings): the FastAPI application, with the engine built once at start-up."""
from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.routes import router
from retriever.engine import Engine
from retriever.settings import Settings


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """An app over the index of `settings`; tests may pass a ready engine instead."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # Loading fails loudly here (missing or corrupt index) rather than on the first request.
        app.state.engine = engine or Engine(settings)
        yield

    app = FastAPI(
        title="Trợ lý hỏi đáp chính sách",
        description="Hỏi đáp tiếng Việt về văn bản chính sách, có trích dẫn nguồn.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.include_router(router)
    return app
