"""create_app(settings): the FastAPI application, with the engine built once at start-up."""
from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi_offline import FastAPIOffline

from api.errors import validation_error
from api.feedback_store import FeedbackStore
from api.middleware import DOCS_ASSETS, BodyLimit, ConcurrencyLimit, JsonBody, RateLimit, ReadKey
from api.routes import ask, documents, feedback, health, questions, search
from api.schemas import request_models
from retriever.engine import Engine
from retriever.settings import Settings


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """An app over the index of `settings`; tests may pass a ready engine instead."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # Loading fails loudly here (missing or corrupt index) rather than on the first request.
        app.state.settings = settings
        app.state.engine = engine or Engine(settings)
        app.state.feedback = FeedbackStore(settings.feedback_db)
        # The first screen's example questions are asked once per index version; asking them now, beside the
        # first requests, means the first reader does not wait for them.
        threading.Thread(target=_warm_examples, args=(app.state.engine,), daemon=True).start()
        yield

    # FastAPIOffline is FastAPI with /docs and /redoc served from files inside its package: FastAPI's own pages
    # load Swagger UI from a CDN and stay blank on a closed network.
    app = FastAPIOffline(
        title="Trợ lý hỏi đáp chính sách",
        description="Hỏi đáp tiếng Việt về văn bản chính sách, có trích dẫn nguồn.",
        version="0.1.0",
        lifespan=lifespan,
        static_url=DOCS_ASSETS,
    )
    app.add_exception_handler(RequestValidationError, validation_error)
    models = request_models(settings)
    app.include_router(health.router)
    app.include_router(search.router(models))
    app.include_router(ask.router(models))
    app.include_router(questions.router)  # before documents: /documents/{doc_id}/questions is its own route
    app.include_router(documents.router)
    app.include_router(feedback.router(models))
    # Added last to first: the body limit sees a request before anything else does, the JSON check last.
    app.add_middleware(JsonBody)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Content-Type", "X-API-Key"],
        )
    app.add_middleware(ConcurrencyLimit, workers=settings.max_concurrent, queue=settings.max_queue)
    app.add_middleware(RateLimit, per_minute=settings.rate_limit_per_minute, burst=settings.rate_limit_burst)
    if settings.read_key:
        app.add_middleware(ReadKey, keys=[settings.read_key, settings.admin_key or ""])
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, upload_max_bytes=settings.max_upload_bytes)
    return app


def _warm_examples(engine: Engine) -> None:
    try:
        engine.example_questions()
    except Exception:  # a failure here must not stop the server; the route computes them again when asked
        logging.getLogger(__name__).exception("example questions not prepared")
