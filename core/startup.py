"""Faster start-up for the short `cartoon` commands that plan (`plan`, `scene`).

A fresh `cartoon plan` imports about a thousand modules: LangGraph pulls in
langchain-core and the langsmith SDK, which build ~400 pydantic models at import time.
While they load, Python's cyclic garbage collector runs again and again and finds
nothing to free; it walks all of them once more on the first burst of real work and
again at exit. Pausing it while importing, collecting once, and then freezing what is
alive (so later collections, and the one at exit, skip it) takes a fresh
`cartoon plan` from ~1.9 s to ~1.25 s on the 2-core dev machine; freezing without the one
collection before it saves another 0.1-0.2 s.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def loading_modules() -> Iterator[None]:
    """Import heavy modules inside this block; the collector is paused meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # No collection first: the imports leave ~1,400 unreachable objects among ~110,000,
        # and finding them walks all of them (0.1-0.2 s on the 2-core dev machine). Frozen,
        # they stay until the process ends, which for these short commands is moments away.
        gc.freeze()
        if was_enabled:
            gc.enable()
