"""GET /health: the API is up and serving an index of so many documents and passages."""
from fastapi import APIRouter

from api.deps import EngineDep
from api.schemas import HealthResponse

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthResponse)
def health(engine: EngineDep) -> HealthResponse:
    return HealthResponse(status="ok", documents=engine.document_count, chunks=engine.chunk_count)
