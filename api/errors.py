"""Bad input is a 4xx with a reason, never a 500: request bodies that are not JSON the API accepts (check_json,
applied by middleware.JsonBody before any route parses them), and validation errors that echo no more than a
short, safely encoded excerpt of the offending value (validation_error)."""
from __future__ import annotations

import json
import math
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

EXCERPT_CHARS = 80  # of an offending value echoed back: enough to recognise it, never the whole 100 KB question
MAX_JSON_DEPTH = 32  # the deepest body of the contract nests 4 levels (a citation inside a feedback)
MAX_NUMBER_DIGITS = 30  # an int or float written with more digits is no top_k, year or marker


def excerpt(value: Any) -> str:
    """A short, printable, valid-UTF-8 rendering of any value: lone surrogates become U+FFFD, long values are cut."""
    if not isinstance(value, str):
        try:
            value = json.dumps(value, ensure_ascii=False, default=str, allow_nan=True)
        except (TypeError, ValueError, RecursionError):
            value = repr(value)
    value = value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")  # lone surrogates → U+FFFD
    return value if len(value) <= EXCERPT_CHARS else value[:EXCERPT_CHARS] + "…"


def _safe_error(error: dict) -> dict:
    out = {"type": error.get("type"), "loc": list(error.get("loc", ())), "msg": excerpt(error.get("msg", ""))}
    if "input" in error:
        out["input"] = excerpt(error["input"])
    return out


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 with pydantic's reasons; the values are excerpts (FastAPI's own handler echoes them whole, and fails
    on a lone surrogate it cannot encode)."""
    return JSONResponse(status_code=422, content={"detail": [_safe_error(e) for e in exc.errors()]})


class InvalidBody(ValueError):
    pass


def _reject_constant(name: str) -> float:
    raise InvalidBody(f"{name} is not a number JSON allows")


def _number(kind):
    def parse(text: str):
        if len(text.lstrip("-").replace(".", "").split("e")[0].split("E")[0]) > MAX_NUMBER_DIGITS:
            raise InvalidBody(f"a number of {len(text)} characters is too long")
        value = kind(text)
        if isinstance(value, float) and not math.isfinite(value):
            raise InvalidBody(f"{excerpt(text)} is out of range")
        return value

    return parse


def _depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


def check_json(body: bytes) -> tuple[int, str] | None:
    """The status and reason (in Vietnamese, with the technical detail) of a request body that is not JSON the API
    accepts, or None. Malformed JSON is a 422 as FastAPI itself answers it; bodies it answered 400 stay 400."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        return 400, f"Nội dung không phải UTF-8 hợp lệ (byte {e.start})."
    if not text.strip():
        return 422, "Nội dung yêu cầu rỗng: cần một đối tượng JSON."
    try:
        value = json.loads(text, parse_constant=_reject_constant, parse_int=_number(int), parse_float=_number(float))
    except RecursionError:
        return 400, f"JSON lồng nhau quá sâu (tối đa {MAX_JSON_DEPTH} cấp)."
    except json.JSONDecodeError as e:
        return 422, f"JSON không hợp lệ: {e.msg} (dòng {e.lineno}, cột {e.colno})."
    except ValueError as e:  # InvalidBody, and Python's own limit on the digits of an int
        return 400, f"JSON không hợp lệ: {excerpt(str(e))}."
    if _depth(value) > MAX_JSON_DEPTH:
        return 400, f"JSON lồng nhau quá sâu (tối đa {MAX_JSON_DEPTH} cấp)."
    return None
