"""GET /questions and GET /documents/{doc_id}/questions: example questions written from the documents' content,
each one asked before it is offered (Engine.example_questions), so a reader can click only what the corpus
answers. The first call for an index version asks them; later calls are served from the engine's memory."""
from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, status

from api.deps import EngineDep
from api.schemas import ExampleQuestionOut, ExampleQuestionsResponse
from retriever.types import ExampleQuestion

router = APIRouter(tags=["questions"])


def _response(found: list[ExampleQuestion]) -> ExampleQuestionsResponse:
    return ExampleQuestionsResponse(
        questions=[ExampleQuestionOut(question=e.question, doc_id=e.doc_id, title=e.title, answer=e.answer) for e in found]
    )


@router.get("/questions", response_model=ExampleQuestionsResponse)
def starter_questions(engine: EngineDep, limit: int = Query(default=4, ge=1, le=20)) -> ExampleQuestionsResponse:
    """Questions to start with, one per document (in the order /documents lists them)."""
    return _response(engine.example_questions(limit=limit))


@router.get("/documents/{doc_id}/questions", response_model=ExampleQuestionsResponse)
def document_questions(
    doc_id: str, engine: EngineDep, limit: int = Query(default=3, ge=1, le=20)
) -> ExampleQuestionsResponse:
    """Questions about one document; an empty list when none of its sentences makes one the engine answers."""
    if all(d.doc_id != doc_id for d in engine.documents()):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Không tìm thấy tài liệu.")
    return _response(engine.example_questions(doc_id, limit=limit))
