"""POST /search: the passages closest to a query, best first."""
from fastapi import APIRouter

from api.deps import EngineDep
from api.schemas import HitOut, RequestModels, SearchResponse


def router(models: RequestModels) -> APIRouter:
    # Built per app: the request model carries the deployment's limits (schemas.request_models). Sync handlers
    # run in the thread pool, so embedding and search never block the event loop.
    routes = APIRouter(tags=["search"])

    @routes.post("/search", response_model=SearchResponse)
    def search(body: models.search, engine: EngineDep) -> SearchResponse:
        hits = engine.search(body.query, body.top_k, body.mode, body.filters())
        return SearchResponse(hits=[HitOut.of(h) for h in hits])

    return routes
