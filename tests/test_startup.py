"""core.startup.loading_modules: the collector is paused inside, everything made inside is
frozen without a collection first (a short command ends before it would matter), and the
caller's gc state comes back."""

from __future__ import annotations

import gc
import weakref

import pytest

from core.startup import loading_modules


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture(autouse=True)
def unfreeze_after():
    yield
    gc.unfreeze()
    gc.enable()


@pytest.mark.parametrize("enabled", [True, False])
def test_gc_state_restored_and_paused_inside(enabled: bool) -> None:
    (gc.enable if enabled else gc.disable)()
    with loading_modules():
        assert not gc.isenabled()
    assert gc.isenabled() is enabled


def test_what_is_made_inside_is_frozen_without_a_collection() -> None:
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    with loading_modules():
        a, b = Node(), Node()
        a.other, b.other = b, a
        cycle = weakref.ref(a)
        del a, b
    assert gc.get_freeze_count() > 0
    gc.collect()
    assert cycle() is not None, "frozen: later collections (and the one at exit) skip it"
    gc.unfreeze()
    gc.collect()
    assert cycle() is None, "unfrozen, it is ordinary garbage again"


def test_gc_comes_back_after_an_error() -> None:
    gc.enable()
    with pytest.raises(ImportError), loading_modules():
        import milo_no_such_module  # noqa: F401
    assert gc.isenabled()
