"""run_records on a long stream: checkpoint commits, and a stream that fails part-way keeps what was committed."""
from __future__ import annotations

import pytest

from ingest.pipeline import IngestPipeline, TextRecord
from retriever.settings import Settings
from retriever.store.faiss import current_version
from tests.helpers import HashEmbedder, faiss_reader


def _records(n: int) -> list[TextRecord]:
    return [
        TextRecord(source=f"dieu-{i}", title=f"Điều {i}. Quy định số {i}", text=f"Nội dung riêng của điều {i}: mục {i * 7}.")
        for i in range(n)
    ]


def test_long_stream_is_committed_every_n_documents(tmp_path):
    settings = Settings(index_dir=tmp_path, ingest_commit_every=2, ingest_group_passages=3)
    report = IngestPipeline(settings, HashEmbedder()).run_records(_records(5), tmp_path)
    assert len(report.added) == 5 and report.chunks == 5
    reader = faiss_reader(tmp_path)
    assert reader.document_count == 5 and reader.chunk_count == 5


def test_a_stream_that_fails_keeps_its_committed_part_and_resumes(tmp_path):
    settings = Settings(index_dir=tmp_path, ingest_commit_every=2)
    pipeline = IngestPipeline(settings, HashEmbedder())

    def failing():
        yield from _records(5)[:3]
        raise OSError("disk went away")

    with pytest.raises(OSError):
        pipeline.run_records(failing(), tmp_path)
    assert faiss_reader(tmp_path).document_count == 2  # the first two were committed; the third was not
    committed = current_version(tmp_path)
    report = pipeline.run_records(_records(5), tmp_path)
    assert len(report.unchanged) == 2 and len(report.added) == 3
    assert current_version(tmp_path) != committed and faiss_reader(tmp_path).document_count == 5
