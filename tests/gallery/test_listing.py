"""The browse filters, read from a query string and applied to the store's listing, and the
family tree of edits and rerolls."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from render.service.gallery.listing import (
    MAX_FAMILY,
    FilterError,
    Filters,
    family_tree,
    parse_filters,
    requesters,
    select,
)

CHARACTERS = ("milo", "james")


def stamp(day: str, hour: int = 12) -> float:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC).timestamp()


PICTURES = [  # newest first, as Store.pictures lists them
    {"id": "a", "user": "111", "characters": ["milo"], "plate": "south", "slogan": "RTFM",
     "text": "Milo asleep on the exercise bike", "action": "asleep", "finished_at": stamp("2025-06-03")},
    {"id": "b", "user": "222", "characters": ["james", "milo"], "plate": "west", "slogan": "Café Ça Va",
     "text": "James and Milo at the whiteboard", "action": "arguing", "finished_at": stamp("2025-06-02", 23)},
    {"id": "c", "user": "111", "characters": [], "plate": "north", "slogan": None,
     "text": "the server rack on fire", "action": "", "finished_at": stamp("2025-06-01", 0)},
    {"id": "d", "user": "333", "characters": ["james"], "plate": "east", "slogan": None,
     "text": "James typing", "action": "typing", "finished_at": stamp("2025-05-31")},
]


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        # columns: the query string's parameters, the ids kept (newest first)
        ({}, ["a", "b", "c", "d"]),
        ({"character": "milo"}, ["a", "b"]),
        ({"character": "james"}, ["b", "d"]),
        ({"character": "nobody"}, ["c"]),
        ({"wall": "west"}, ["b"]),
        ({"requester": "111"}, ["a", "c"]),
        ({"since": "2025-06-02"}, ["a", "b"]),
        ({"until": "2025-06-01"}, ["c", "d"]),
        ({"since": "2025-06-01", "until": "2025-06-01"}, ["c"]),  # both ends included
        ({"q": "exercise"}, ["a"]),
        ({"q": "rtfm"}, ["a"]),  # the slogan, any case
        ({"q": "cafe ca"}, ["b"]),  # accents ignored, every word must match
        ({"q": "Café"}, ["b"]),
        ({"q": "james rack"}, []),
        ({"favourites": "1"}, ["a", "d"]),
        ({"favourites": "1", "character": "james"}, ["d"]),
        ({"character": "", "wall": "", "q": "  "}, ["a", "b", "c", "d"]),  # empty means any
    ],
)
def test_filters_keep_the_matching_pictures(query: dict[str, str], ids: list[str]) -> None:
    page = select(PICTURES, parse_filters(query, CHARACTERS), {"a", "d"}, page_size=10)
    assert [p["id"] for p in page.items] == ids
    assert page.total == len(ids)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"character": "bob"}, "character"),
        ({"wall": "up"}, "wall"),
        ({"since": "yesterday"}, "since"),
        ({"until": "2025-13-01"}, "until"),
        ({"since": "2025-06-02", "until": "2025-06-01"}, "until"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "two"}, "page"),
        ({"page": "9" * 30}, "page"),
        ({"q": "x" * 201}, "q"),
        ({"favourites": "maybe"}, "favourites"),
    ],
)
def test_bad_filter_values_name_the_field(query: dict[str, str], field: str) -> None:
    with pytest.raises(FilterError) as caught:
        parse_filters(query, CHARACTERS)
    assert caught.value.field == field
    assert str(caught.value)


def test_pages_split_the_kept_pictures_in_order() -> None:
    first = select(PICTURES, parse_filters({}, CHARACTERS), set(), page_size=3)
    second = select(PICTURES, parse_filters({"page": "2"}, CHARACTERS), set(), page_size=3)
    past = select(PICTURES, parse_filters({"page": "5"}, CHARACTERS), set(), page_size=3)
    assert [p["id"] for p in first.items] == ["a", "b", "c"]
    assert (first.has_next, first.pages) == (True, 2)
    assert [p["id"] for p in second.items] == ["d"]
    assert second.has_next is False
    assert past.items == []


def test_the_query_string_round_trips() -> None:
    filters = Filters(character="milo", wall="east", requester="1 2", since=date(2025, 6, 1), q="café & co",
                      favourites=True, page=3)
    from urllib.parse import parse_qsl

    assert parse_filters(dict(parse_qsl(filters.query())), CHARACTERS) == filters
    assert "page" not in filters.query(page=1)
    assert Filters().active is False
    assert Filters(page=4).active is False
    assert Filters(wall="east").active is True


def test_requesters_are_listed_once_each() -> None:
    assert requesters(PICTURES) == ["111", "222", "333"]


def family(*rows: tuple[str, str | None, float]) -> list[dict]:
    return [{"id": i, "parent": parent, "finished_at": at} for i, parent, at in rows]


def test_a_family_tree_runs_from_the_oldest_ancestor_down() -> None:
    pictures = family(("root", None, 1), ("edit1", "root", 2), ("edit2", "root", 3), ("reroll", "edit1", 4), ("other", None, 5))
    tree = [(depth, p["id"]) for depth, p in family_tree(pictures, "reroll")]
    assert tree == [(0, "root"), (1, "edit1"), (2, "reroll"), (1, "edit2")]
    assert family_tree(pictures, "other") == []  # alone: no tree


def test_a_family_tree_survives_a_lost_parent_and_a_loop() -> None:
    lost = family(("child", "gone", 1), ("grandchild", "child", 2))
    assert [p["id"] for _, p in family_tree(lost, "grandchild")] == ["child", "grandchild"]
    loop = family(("x", "y", 1), ("y", "x", 2))
    assert {p["id"] for _, p in family_tree(loop, "x")} == {"x", "y"}


def test_a_family_tree_is_bounded() -> None:
    pictures = family(("root", None, 0), *((f"k{i}", "root", i + 1) for i in range(MAX_FAMILY * 2)))
    assert len(family_tree(pictures, "root")) == MAX_FAMILY
