"""Old Word (.doc), RTF and OpenDocument text (.odt) → DOCX, through LibreOffice headless; the DOCX reader then
reads it, tables and header tables included, exactly as it reads a .docx.

One conversion at a time in a process, in a LibreOffice profile of the process's own (two LibreOffice processes
on one profile wait for each other or fail). python -m bench ocr compares this route with antiword's.
"""
from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

from ingest.errors import UnreadableFile
from ingest.external import ToolSettings, find_program

CONVERT_TIMEOUT_S = 120
_lock = threading.Lock()
_profile: Path | None = None


def _profile_dir() -> Path:
    global _profile
    if _profile is None:
        _profile = Path(tempfile.mkdtemp(prefix="policyqa-libreoffice-"))
        atexit.register(shutil.rmtree, _profile, ignore_errors=True)
    return _profile


def unavailable_reason(tools: ToolSettings) -> str | None:
    if find_program(tools.soffice) is None:
        return f"LibreOffice is not installed ({tools.soffice} not found; apt-get install libreoffice-writer-nogui)"
    return None


def to_docx(data: bytes, suffix: str, tools: ToolSettings) -> bytes:
    """The document converted to DOCX; `suffix` (".doc", ".rtf", ".odt") is what its content showed it to be."""
    reason = unavailable_reason(tools)
    if reason:
        raise UnreadableFile(f"{suffix} needs LibreOffice to be read: {reason}")
    with _lock, tempfile.TemporaryDirectory(prefix="policyqa-convert-") as tmp:
        source = Path(tmp) / f"document{suffix}"
        source.write_bytes(data)
        command = [
            find_program(tools.soffice), "--headless", "--norestore", "--nolockcheck", "--nologo",
            f"-env:UserInstallation={_profile_dir().as_uri()}",
            "--convert-to", "docx:MS Word 2007 XML", "--outdir", tmp, str(source),
        ]
        # LibreOffice starts a process of its own behind the one started here: on a timeout, end them all.
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            _, err = proc.communicate(timeout=CONVERT_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise UnreadableFile(f"LibreOffice did not convert the {suffix} file within {CONVERT_TIMEOUT_S} s") from None
        converted = source.with_suffix(".docx")
        if proc.returncode != 0 or not converted.is_file():
            detail = " ".join(line for line in err.decode("utf-8", "replace").splitlines() if "javaldx" not in line)
            raise UnreadableFile(f"LibreOffice could not convert the {suffix} file {detail}".strip()[:200])
        return converted.read_bytes()
