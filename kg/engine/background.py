"""One call run in a thread, its outcome collected later: the engine overlaps work that releases
the GIL (Oxigraph's bulk load) or waits on another process (starting the worker pool) with the
coordinator's own work."""
from __future__ import annotations

import threading
from typing import Any, Callable


class Background(threading.Thread):
    """Starts `fn(*args, **kwargs)` in a daemon thread at once; `result()` waits for it and
    returns its value or re-raises what it raised.

    >>> Background(sum, [1, 2, 3]).result()
    6
    """

    def __init__(self, fn: Callable[..., Any], *args, name: str = "kg-background", **kwargs):
        super().__init__(name=name, daemon=True)
        self._call = (fn, args, kwargs)
        self._value: Any = None
        self._error: BaseException | None = None
        self.start()

    def run(self) -> None:
        (fn, args, kwargs), self._call = self._call, None  # what the call was given goes with it
        try:
            self._value = fn(*args, **kwargs)
        except BaseException as e:  # handed to the caller by result()
            self._error = e

    def result(self) -> Any:
        self.join()
        if self._error is not None:
            raise self._error
        return self._value
