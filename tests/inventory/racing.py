"""Run callables at the same instant in real threads, each with its own connection."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def race(callables: list[Callable[[], Any]], timeout: float = 60) -> list[Any]:
    """Start every callable together; return each result or the exception it raised."""
    barrier = threading.Barrier(len(callables))
    results: list[Any] = [None] * len(callables)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=timeout)
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, call))
        for index, call in enumerate(callables)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a racer hung"
    return results
