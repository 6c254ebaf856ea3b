"""What the service keeps in memory, and the one rule that keeps it right.

Published notice versions never change, so everything derived from one (its document, its
rendered text, its JSON, a lookup answer about it, its check results on a date) is kept under a
key that holds the version's id, plus whatever else it was made from (a format, a date, the
vocabulary's revision). Such entries are never invalidated: a new publication is a new id.

What *can* change — which version is in effect, the vocabularies, the list of controllers and
services — is held by :class:`app.register.current.Register`, keyed by the database's revision
counters, and re-read only when the database's change signal (:class:`app.db.ChangeSignal`) has
moved. Answers built from that state carry its revisions in their keys. No entry is ever
trusted or dropped because of the time that has passed.

This module knows keys and values only: nothing about the register.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRU(Generic[K, V]):
    """A small thread-safe least-recently-used map."""

    def __init__(self, max_entries: int) -> None:
        self._max = max(1, max_entries)
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: K, value: V) -> V:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._max:
                self._items.popitem(last=False)
        return value

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        found = self.get(key)
        return found if found is not None else self.put(key, make())

    def __len__(self) -> int:
        return len(self._items)


@dataclass(frozen=True, slots=True)
class Representation:
    """Finished bytes of a response, with their media type and strong ETag, and the same
    bytes gzipped when they are worth compressing (made once, with the entry)."""

    body: bytes
    media_type: str
    etag: str
    gzipped: bytes | None = None


#: Bodies smaller than this are sent as they are (gzip would save next to nothing).
COMPRESS_MIN_BYTES = 1024


def strong_etag(body: bytes) -> str:
    """A strong ETag: a hash of the exact bytes."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def representation(body: bytes, media_type: str) -> Representation:
    gzipped = (
        gzip.compress(body, compresslevel=6, mtime=0) if len(body) >= COMPRESS_MIN_BYTES else None
    )
    return Representation(body, media_type, strong_etag(body), gzipped)
