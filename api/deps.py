"""The objects the app builds once at start-up (create_app's lifespan), handed to the routes by FastAPI's
dependency injection: routes declare what they need and never reach for globals."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.feedback_store import FeedbackStore
from retriever.engine import Engine
from retriever.settings import Settings


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_engine(request: Request) -> Engine:
    return request.app.state.engine


def get_feedback_store(request: Request) -> FeedbackStore:
    return request.app.state.feedback


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]
FeedbackDep = Annotated[FeedbackStore, Depends(get_feedback_store)]
