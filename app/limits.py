"""Limits on request bodies, checked before the application sees them: their size (413
problem+json, whether or not they declare their length) and, for JSON bodies, how deeply they
nest (422 problem+json): nothing downstream (the JSON decoder, validation, a patch, a deep
copy) then recurses deeper than the limit."""

from __future__ import annotations

import json
import sys
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import FieldError, InvalidQuery, PayloadTooLarge, problem_response


def json_depth(body: bytes) -> int:
    """How deeply a JSON text nests arrays and objects (0 for a scalar or for a text that is
    not JSON at all, which the application refuses as such). Parsed by the C decoder, which
    refuses (RecursionError) what nests deeper than the interpreter's recursion limit; the
    depth of the rest is measured without recursion."""
    try:
        data = json.loads(body)
    except RecursionError:
        return sys.getrecursionlimit()
    except ValueError:
        return 0
    deepest = 0
    todo: list[tuple[Any, int]] = [(data, 0)]
    while todo:
        value, depth = todo.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            depth += 1
            deepest = max(deepest, depth)
            todo.extend((item, depth) for item in value if isinstance(item, dict | list))
    return deepest


def _is_json(scope: Scope) -> bool:
    content_type = dict(scope.get("headers", [])).get(b"content-type", b"")
    media = content_type.split(b";", 1)[0].strip().lower()
    return media == b"application/json" or media.endswith(b"+json")


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int, max_depth: int = 32) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_depth = max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        too_large = PayloadTooLarge(f"Request bodies are limited to {self.max_bytes} bytes")
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await problem_response(too_large.problem(scope.get("path")))(scope, receive, send)
            return
        # Read the body here (it is small by definition), so an oversized one, declared or
        # chunked, is refused before the application sees any of it.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away (or was timed out): there is no one to answer
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await problem_response(too_large.problem(scope.get("path")))(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if _is_json(scope) and json_depth(body) > self.max_depth:
            too_deep = InvalidQuery(
                f"The JSON body nests arrays and objects more than {self.max_depth} levels deep",
                errors=[FieldError(pointer="/", detail=f"nested deeper than {self.max_depth}")],
            )
            await problem_response(too_deep.problem(scope.get("path")))(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
