"""Failed authentications counted per client address, in this process.

An address that has failed ``limit`` times within ``window`` seconds of its first failure is
blocked until that window ends. The counts live in memory (a bounded ``cachetools.TTLCache``
whose entries expire with their window), so each worker process counts on its own: with W
workers an address can fail up to W × ``limit`` times per window.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from cachetools import TTLCache

#: Addresses remembered at once; the least recently seen are forgotten first.
MAX_ADDRESSES = 65_536


@dataclass
class _Window:
    failures: int
    ends: float


class FailureLimiter:
    def __init__(
        self, *, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._windows: TTLCache[str, _Window] = TTLCache(MAX_ADDRESSES, ttl=window, timer=clock)
        self._lock = threading.Lock()

    def retry_after(self, address: str) -> int | None:
        """Seconds until ``address`` may try again, or None when it is not blocked."""
        with self._lock:
            entry = self._windows.get(address)
            if entry is None or entry.failures < self.limit:
                return None
            return max(1, math.ceil(entry.ends - self._clock()))

    def failed(self, address: str) -> None:
        with self._lock:
            entry = self._windows.get(address)
            if entry is None:
                # the entry expires with its window (the cache's ttl is the window)
                self._windows[address] = _Window(1, self._clock() + self.window)
            else:
                entry.failures += 1
