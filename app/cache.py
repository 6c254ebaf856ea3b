"""Finished bytes of immutable content (published versions), and conditional GET.

Published versions never change, so their serialised or rendered bytes are cached by
(version id, representation) with no invalidation problem. ETags are strong: a hash of the bytes.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from fastapi import Request, Response


@dataclass(frozen=True)
class Representation:
    body: bytes
    media_type: str
    etag: str


def representation(body: bytes, media_type: str) -> Representation:
    return Representation(body, media_type, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')


class BytesCache:
    """A small thread-safe LRU of representations."""

    def __init__(self, max_entries: int) -> None:
        self._max = max_entries
        self._items: OrderedDict[Hashable, Representation] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable, make: Callable[[], Representation]) -> Representation:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        made = make()
        with self._lock:
            self._items[key] = made
            while len(self._items) > self._max:
                self._items.popitem(last=False)
        return made

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    candidates = {c.strip().removeprefix("W/") for c in if_none_match.split(",")}
    return etag in candidates


def conditional_response(
    request: Request, rep: Representation, *, cache_control: str = "public, max-age=300"
) -> Response:
    headers = {"ETag": rep.etag, "Cache-Control": cache_control, "Vary": "Accept"}
    if etag_matches(request.headers.get("if-none-match"), rep.etag):
        return Response(status_code=304, headers=headers)
    return Response(content=rep.body, media_type=rep.media_type, headers=headers)
