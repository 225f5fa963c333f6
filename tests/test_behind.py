"""etl.behind: work that trails the reader keeps its order, its bound and its errors."""

from __future__ import annotations

import threading

import pytest

from etl.behind import Behind


def test_results_come_in_order_and_at_most_depth_wait():
    gate = threading.Event()
    started = []

    def slow(i):
        started.append(i)
        gate.wait(5)
        return i * i

    b = Behind("t", depth=2)
    b.submit(slow, 0)
    b.submit(slow, 1)
    t = threading.Thread(target=b.submit, args=(slow, 2))
    t.start()
    t.join(0.3)
    assert t.is_alive(), "a third submit must wait while two calls are pending"
    gate.set()
    t.join(5)
    assert b.results() == [0, 1, 4]
    assert started == [0, 1, 2]


def test_an_error_reaches_the_reader_and_later_calls_do_not_run():
    ran = []

    def boom():
        raise ValueError("bad batch")

    b = Behind("t", depth=1)
    b.submit(boom)
    with pytest.raises(ValueError, match="bad batch"):
        b.submit(ran.append, 1)  # waits for the failed call first
    b.close()
    assert ran == []
