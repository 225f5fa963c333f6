"""Work that trails the reader: calls run in order on one worker thread while the file is still read.

A load reads its file on the main thread (GDAL, in C) while the database stores the batches already
read and shapely finds their parents: each on its own thread, so the two cores of a small server
both work. At most `depth` calls wait at once, so memory stays that of a few batches however long
the file; an error in a call is raised to the reader at its next submit or at `results()`.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


class Behind:
    def __init__(self, name: str, depth: int = 2) -> None:
        self.depth = depth
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self.pending: list[Future] = []
        self.done: list[Any] = []

    def submit(self, fn: Callable[..., Any], *args: Any) -> None:
        while len(self.pending) >= self.depth:
            self.done.append(self.pending.pop(0).result())
        self.pending.append(self.pool.submit(fn, *args))

    def results(self) -> list[Any]:
        """Waits for every call; gives their results in the order they were submitted."""
        try:
            while self.pending:
                self.done.append(self.pending.pop(0).result())
        finally:
            self.close()
        return self.done

    def close(self) -> None:
        """Drops what has not started and waits for what has (before the connection is used again)."""
        self.pool.shutdown(wait=True, cancel_futures=True)
