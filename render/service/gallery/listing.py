"""The gallery's browse filters: read from the query string, applied to `Store.pictures()`.

Filters: `character` (an id, or `nobody` for an empty lab), `wall` (north, east, south,
west), `requester` (the job's `user`), `since`/`until` (dates, YYYY-MM-DD, UTC, both ends
included, on the day the picture was finished), `q` (every word must appear in the scene
text, action or slogan; case and accents ignored: "cafe" finds "Café"), `favourites`
(only the picked ones), `page` (1-based). A bad value is a `FilterError` naming the field.
Pure: no store, no HTTP.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

from agent.walls import PLATES

NOBODY = "nobody"
MAX_QUERY_CHARS = 200
MAX_PAGE = 100_000


class FilterError(ValueError):
    """A filter value the gallery cannot use: `field` and a line saying what to send."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Filters:
    character: str | None = None
    wall: str | None = None
    requester: str | None = None
    since: date | None = None
    until: date | None = None
    q: str = ""
    favourites: bool = False
    page: int = 1

    def query(self, **changes: Any) -> str:
        """These filters (with `changes`) as a query string, empty values left out."""
        f = replace(self, **changes)
        pairs = {
            "character": f.character,
            "wall": f.wall,
            "requester": f.requester,
            "since": f.since.isoformat() if f.since else None,
            "until": f.until.isoformat() if f.until else None,
            "q": f.q,
            "favourites": "1" if f.favourites else None,
            "page": str(f.page) if f.page > 1 else None,
        }
        return urlencode({k: v for k, v in pairs.items() if v})

    @property
    def active(self) -> bool:
        return self != Filters(page=self.page)


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    total: int
    number: int
    pages: int

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def parse_filters(params: Mapping[str, str], characters: Collection[str]) -> Filters:
    """Filters from query parameters; empty values mean "any"."""

    def text(name: str, limit: int = 100) -> str | None:
        value = " ".join(str(params.get(name) or "").split())
        if len(value) > limit:
            raise FilterError(name, f"{name} is {len(value)} characters; use at most {limit}")
        return value or None

    character = text("character")
    if character is not None and character != NOBODY and character not in characters:
        names = ", ".join([*sorted(characters), NOBODY])
        raise FilterError("character", f"unknown character '{character[:40]}'; use one of: {names}")
    wall = text("wall")
    if wall is not None and wall not in PLATES:
        raise FilterError("wall", f"unknown wall '{wall[:40]}'; use one of: {', '.join(PLATES)}")
    since, until = _day(params, "since"), _day(params, "until")
    if since and until and since > until:
        raise FilterError("until", f"until ({until}) is before since ({since}); swap them")
    page_text = text("page") or "1"
    if not page_text.isdigit() or not 1 <= int(page_text) <= MAX_PAGE:
        raise FilterError("page", f"page must be a whole number from 1 to {MAX_PAGE}, not '{page_text[:20]}'")
    favourites = (params.get("favourites") or "").lower()
    if favourites not in ("", "0", "1", "on", "true", "false"):
        raise FilterError("favourites", "favourites must be 1 or 0")
    return Filters(
        character=character,
        wall=wall,
        requester=text("requester"),
        since=since,
        until=until,
        q=text("q", MAX_QUERY_CHARS) or "",
        favourites=favourites in ("1", "on", "true"),
        page=int(page_text),
    )


def _day(params: Mapping[str, str], name: str) -> date | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FilterError(name, f"{name} must be a date like 2025-06-30, not '{value[:20]}'") from None


def folded(text: str) -> str:
    """Lower case without accents, for matching ("Café" → "cafe")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def day_of(picture: Mapping[str, Any]) -> date:
    stamp = picture.get("finished_at") or picture.get("created_at") or 0.0
    return datetime.fromtimestamp(float(stamp), UTC).date()


def matches(picture: Mapping[str, Any], filters: Filters, favourites: Collection[str]) -> bool:
    cast = picture.get("characters") or []
    if filters.character == NOBODY and cast:
        return False
    if filters.character not in (None, NOBODY) and filters.character not in cast:
        return False
    if filters.wall is not None and picture.get("plate") != filters.wall:
        return False
    if filters.requester is not None and picture.get("user") != filters.requester:
        return False
    if filters.favourites and picture.get("id") not in favourites:
        return False
    if filters.since or filters.until:
        day = day_of(picture)
        if (filters.since and day < filters.since) or (filters.until and day > filters.until):
            return False
    if filters.q:
        haystack = folded(" ".join(str(picture.get(k) or "") for k in ("text", "action", "slogan")))
        return all(word in haystack for word in folded(filters.q).split())
    return True


def select(
    pictures: Sequence[Mapping[str, Any]], filters: Filters, favourites: Collection[str], page_size: int
) -> Page:
    """The page of `pictures` (newest first, as the store lists them) that the filters keep."""
    kept = [dict(p) for p in pictures if matches(p, filters, favourites)]
    pages = max(1, math.ceil(len(kept) / page_size))
    start = (filters.page - 1) * page_size
    return Page(kept[start : start + page_size], len(kept), filters.page, pages)


def requesters(pictures: Sequence[Mapping[str, Any]]) -> list[str]:
    """Everyone who asked for a picture, for the requester filter's choices."""
    return sorted({str(p["user"]) for p in pictures if p.get("user")})


MAX_FAMILY = 50  # pictures shown in one family tree
MAX_DEPTH = 12


def family_tree(pictures: Sequence[Mapping[str, Any]], job_id: str) -> list[tuple[int, dict[str, Any]]]:
    """The edits and rerolls around one picture (records with a `parent`), as (depth, picture)
    rows from the oldest ancestor down, children oldest first; [] when it has no family."""
    by_id = {str(p["id"]): dict(p) for p in pictures}
    children: dict[str, list[dict[str, Any]]] = {}
    for p in by_id.values():
        if p.get("parent"):
            children.setdefault(str(p["parent"]), []).append(p)
    root, seen = job_id, {job_id}
    while (parent := (by_id.get(root) or {}).get("parent")) and parent in by_id and parent not in seen:
        root = parent
        seen.add(root)
    rows: list[tuple[int, dict[str, Any]]] = []
    stack: list[tuple[int, str]] = [(0, root)]
    visited: set[str] = set()
    while stack and len(rows) < MAX_FAMILY:
        depth, current = stack.pop()
        if current in visited or current not in by_id:
            continue
        visited.add(current)
        rows.append((depth, by_id[current]))
        if depth < MAX_DEPTH:
            kids = sorted(children.get(current, []), key=lambda p: p.get("finished_at") or 0.0, reverse=True)
            stack.extend((depth + 1, str(k["id"])) for k in kids)
    return rows if len(rows) > 1 else []
