"""A bounded, thread-safe memo of pure results in this process's memory.

For output that is a pure function of a key holding everything it depends on (content-addressed:
no invalidation, a changed input is a new key), where making it costs far more than a dictionary
lookup and the shared cache (the database) would cost a query. The least recently used entries go
first once `size` is reached, so memory stays bounded whatever the traffic.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class BoundedMemo(Generic[T]):
    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("A memo holds at least one entry.")
        self.size = size
        self._entries: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """The value kept for `key`, or `make()` kept (made outside the lock: two threads may
        both make a missing value, and the results are equal by the contract above)."""
        with self._lock:
            try:
                value = self._entries[key]
            except KeyError:
                pass
            else:
                self._entries.move_to_end(key)
                self.hits += 1
                return value
        value = make()
        with self._lock:
            self.misses += 1
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0
