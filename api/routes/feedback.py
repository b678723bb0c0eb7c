"""POST /feedback: a reader's rating of an answer, kept for staff to review (api/feedback_store.py)."""
from fastapi import APIRouter, status

from api.deps import FeedbackDep
from api.schemas import FeedbackResponse, RequestModels


def router(models: RequestModels) -> APIRouter:
    """Built per app: the request model carries the deployment's limits (schemas.request_models)."""
    routes = APIRouter(tags=["feedback"])

    @routes.post("/feedback", response_model=FeedbackResponse, status_code=status.HTTP_201_CREATED)
    def feedback(body: models.feedback, store: FeedbackDep) -> FeedbackResponse:
        return FeedbackResponse(id=store.add(body.question, body.answer, body.citation_refs(), body.rating,
                                             body.comment))

    return routes
