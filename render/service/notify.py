"""Waking event streams when their job changes, instead of each stream polling the store.

Every change the queue makes is announced (`Store.announce`): in embedded mode straight to
this process's `Notifier`, in Redis mode over pub/sub to every box's. A stream waits on its
job's topic, plus the `QUEUE` topic while it waits in the queue (its position changes when
other jobs are handed out, cancelled or submitted). Announcements can be missed (a Redis
reconnect), so streams also re-read on a slow timer.
"""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, suppress

QUEUE = "*queue*"


class Waiter:
    """One stream's wake-up call, set from any thread, awaited on the stream's loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.event = asyncio.Event()

    def wake(self) -> None:
        with suppress(RuntimeError):  # the loop has closed: nobody is waiting any more
            self.loop.call_soon_threadsafe(self.event.set)

    async def wait(self, timeout: float) -> bool:
        """True when woken, False after `timeout` seconds."""
        try:
            await asyncio.wait_for(self.event.wait(), timeout)
        except TimeoutError:
            return False
        self.event.clear()
        return True


class Notifier:
    def __init__(self) -> None:
        self._topics: dict[str, set[Waiter]] = defaultdict(set)
        self._lock = threading.Lock()

    def publish(self, job_id: str, positions: bool) -> None:
        """A job changed (`positions`: and maybe the waiting jobs' order). Any thread."""
        with self._lock:
            waiters = list(self._topics.get(job_id, ()))
            if positions:
                waiters += self._topics.get(QUEUE, ())
        for waiter in waiters:
            waiter.wake()

    @contextmanager
    def subscribe(self, job_id: str) -> Iterator[Waiter]:
        """A waiter for `job_id`'s changes (call from the stream's event loop)."""
        waiter = Waiter(asyncio.get_running_loop())
        with self._lock:
            self._topics[job_id].add(waiter)
        try:
            yield waiter
        finally:
            self.follow_queue(waiter, False)
            with self._lock:
                self._drop(job_id, waiter)

    def follow_queue(self, waiter: Waiter, follow: bool) -> None:
        """Also wake `waiter` on changes of the queue's order (while its job waits)."""
        with self._lock:
            if follow:
                self._topics[QUEUE].add(waiter)
            else:
                self._drop(QUEUE, waiter)

    def _drop(self, topic: str, waiter: Waiter) -> None:
        waiters = self._topics.get(topic)
        if waiters is not None:
            waiters.discard(waiter)
            if not waiters:
                del self._topics[topic]

    def listeners(self) -> int:
        with self._lock:
            return sum(len(w) for t, w in self._topics.items() if t != QUEUE)
