"""/documents: the list of indexed documents (GET), and the write endpoints, enabled only when
POLICYQA_ADMIN_KEY is set: upload a document (POST), delete one (DELETE).

Uploads go through the same pipeline as `python -m ingest`, into the engine's own store; the engine then
reloads the new version.
"""
from __future__ import annotations

import dataclasses
import hmac
import re
import unicodedata
from pathlib import Path, PurePosixPath

from fastapi import APIRouter, Depends, Header, HTTPException, UploadFile, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from api.deps import EngineDep, SettingsDep
from api.errors import excerpt
from api.schemas import DocumentOut, DocumentsResponse
from ingest.pipeline import IngestPipeline
from ingest.readers import UnreadableFile, detect_format
from retriever.engine import Engine
from retriever.errors import IndexUnavailable
from retriever.settings import Settings

router = APIRouter(tags=["documents"])


class UploadResult(BaseModel):
    doc_id: str | None
    source: str
    status: str  # added | updated | unchanged
    chunks: int


class DeleteResult(BaseModel):
    doc_id: str
    source: str
    deleted: bool


def require_admin(settings: SettingsDep, x_api_key: str | None = Header(default=None)) -> None:
    key = settings.admin_key
    if not key:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Chức năng quản trị đang tắt (chưa đặt POLICYQA_ADMIN_KEY).")
    # Constant-time comparison: the time taken says nothing about how much of the key matched.
    if not x_api_key or not hmac.compare_digest(x_api_key.encode(), key.encode()):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Thiếu hoặc sai khóa X-API-Key.")


def safe_filename(name: str | None) -> str:
    """The last path component only, with no control or shell-special characters and no leading dots."""
    name = unicodedata.normalize("NFC", name or "")
    name = PurePosixPath(name.replace("\\", "/")).name
    name = re.sub(r"[^\w.\- ]", "_", name).strip(" .")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = stem[:100] or "tai-lieu"
    return f"{stem}.{suffix[:10]}" if suffix else stem


async def _read_limited(upload: UploadFile, limit: int) -> bytes:
    data = bytearray()
    while chunk := await upload.read(1 << 16):
        data += chunk
        if len(data) > limit:
            raise HTTPException(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, f"Tệp vượt quá giới hạn {limit} byte.")
    return bytes(data)


def _ingest_one(engine: Engine, settings: Settings, path: Path) -> UploadResult:
    report = IngestPipeline(settings, engine.embedder, engine.store).run([path])
    source = path.name
    if report.skipped:
        path.unlink(missing_ok=True)
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, f"Không đọc được tệp: {report.skipped[0][1]}")
    engine.reload_now()
    doc = next((d for d in engine.documents() if d.source == source), None)
    state = "added" if report.added else "updated" if report.updated else "unchanged"
    return UploadResult(doc_id=doc.doc_id if doc else None, source=source, status=state, chunks=doc.chunks if doc else 0)


@router.get("/documents", response_model=DocumentsResponse)
def documents(engine: EngineDep) -> DocumentsResponse:
    return DocumentsResponse(documents=[DocumentOut(**dataclasses.asdict(d), year=d.year) for d in engine.documents()])


@router.post(
    "/documents", status_code=status.HTTP_201_CREATED, response_model=UploadResult, dependencies=[Depends(require_admin)]
)
async def upload_document(file: UploadFile, settings: SettingsDep, engine: EngineDep) -> UploadResult:
    name = safe_filename(file.filename)
    data = await _read_limited(file, settings.max_upload_bytes)
    if not data:
        raise HTTPException(422, "Tệp rỗng.")
    try:
        # The type is decided by the content; a name that lies is caught here, before anything is stored. Only
        # detected, not read: a scan is OCR'd once, by the ingest below (a file that fails there is a 415 too).
        await run_in_threadpool(detect_format, Path(name), data)
    except UnreadableFile as e:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, f"Không đọc được tệp: {e}") from None
    settings.uploads_dir.mkdir(parents=True, exist_ok=True)
    path = settings.uploads_dir / name
    tmp = path.with_name(f".{name}.part")
    tmp.write_bytes(data)
    tmp.replace(path)
    try:
        return await run_in_threadpool(_ingest_one, engine, settings, path)
    except IndexUnavailable as e:
        raise HTTPException(status.HTTP_409_CONFLICT, str(e)) from None


@router.delete("/documents/{doc_id}", response_model=DeleteResult, dependencies=[Depends(require_admin)])
async def delete_document(doc_id: str, settings: SettingsDep, engine: EngineDep) -> DeleteResult:
    doc = next((d for d in engine.documents() if d.doc_id == doc_id), None)
    if doc is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"Không có tài liệu {excerpt(doc_id)}.")

    def delete() -> None:
        IngestPipeline(settings, engine.embedder, engine.store).delete([doc.source])
        engine.reload_now()

    try:
        await run_in_threadpool(delete)
    except IndexUnavailable as e:
        raise HTTPException(status.HTTP_409_CONFLICT, str(e)) from None
    return DeleteResult(doc_id=doc_id, source=doc.source, deleted=True)
