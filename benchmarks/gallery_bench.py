"""Benchmark the gallery with 1,000 finished jobs in the store, over real HTTP on 127.0.0.1.

Fills a fresh store (embedded SQLite, or a real redis-server with `--redis`) with `--jobs`
done jobs whose pictures are real 1024² preview renders (`--distinct` of them, reused), starts
`cartoon serve --workers 0` on it, logs in, and measures:
- time to first byte of `/gallery` (the grid, newest first), and the server's own time for it
  (its `Server-Timing` header), median and p95 over `--repeats` loads; the same for a text
  search, a filtered page, a deep page and a picture's page;
- time to a usable page: the HTML, then its CSS, script and every thumbnail of the first page
  fetched over 6 connections at once, as a browser does: cold (no thumbnail made yet) and
  warm (a second load, no browser cache);
- the thumbnail cache hit rate on the second load (each thumbnail answers `X-Cache: hit|miss`).

    python benchmarks/gallery_bench.py [--jobs 1000] [--distinct 12] [--repeats 20] [--redis] [--json]

Target: under 200 ms server time for the grid with 1,000 jobs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.gallery.helpers import Visitor  # noqa: E402
from tests.service.helpers import RedisServer, ServeProcess, service_env  # noqa: E402

SCENES = [
    "Milo debugging at 2 AM",
    "James at the whiteboard explaining attention",
    "Milo and James at the server rack",
    "James asleep on the exercise bike",
    "Milo at the desk with three monitors",
    "Milo cabling the DGX Spark",
]
BROWSER_CONNECTIONS = 6


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def pictures(distinct: int) -> list[tuple[dict[str, Any], bytes, bytes]]:
    """`distinct` real preview renders at 1024²: (result, PNG, clean PNG)."""
    from agent.graph import Planner
    from agent.state import SceneRequest
    from core.settings import Settings
    from render.backends.base import RenderOptions, get_backend
    from render.pipeline import ScenePipeline

    settings = Settings(_env_file=None, llm_url=None)
    planner, pipeline = Planner(settings), ScenePipeline(settings, get_backend("preview", settings))
    made = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(distinct):
            plan = planner.plan(SceneRequest(text=SCENES[n % len(SCENES)], seed=n))
            result = pipeline.render(plan, options=RenderOptions(width=1024, height=1024), out_dir=Path(tmp), stem=f"p{n}")
            shown = result.model_dump(mode="json")
            made.append((shown, Path(result.image).read_bytes(), Path(result.clean_image).read_bytes()))
    return made


def fill(store: Any, jobs: int, made: list[tuple[dict[str, Any], bytes, bytes]]) -> list[str]:
    """`jobs` done jobs over a month, ten users, the pictures reused in turn."""
    from render.service.jobs import Job

    tag, now, ids = store.identity(), time.time(), []
    for n in range(jobs):
        result, png, clean = made[n % len(made)]
        job = Job(id=tag + uuid.uuid4().hex[8:], user=f"{100000000000000000 + n % 10}", state="done", seq=n,
                  created_at=now - (jobs - n) * 2600 - 5, finished_at=now - (jobs - n) * 2600)
        job.result = {**result, "image": f"/v1/jobs/{job.id}/image", "clean_image": f"/v1/jobs/{job.id}/clean"}
        store.put(job)
        store.put_blob(job.id, "plan", json.dumps(result["plan"]).encode())
        store.put_blob(job.id, "image", png)
        store.put_blob(job.id, "clean", clean)
        ids.append(job.id)
    return ids


def timed_get(http: Any, path: str) -> tuple[float, float, float, bytes, Any]:
    """(ms to the first byte, ms to the last, the server's own ms, body, headers)."""
    started = time.perf_counter()
    with http.stream("GET", path) as response:
        first = time.perf_counter()
        body = response.read()
        last = time.perf_counter()
    assert response.status_code == 200, (path, response.status_code, body[:300])
    server = float(re.search(r"dur=([\d.]+)", response.headers.get("server-timing", "dur=nan"))[1])
    return (first - started) * 1000, (last - started) * 1000, server, body, response.headers


def page_figures(visitor: Visitor, path: str, repeats: int) -> dict[str, float]:
    runs = [timed_get(visitor.http, path) for _ in range(repeats)]
    return {
        "ttfb_ms_p50": round(statistics.median(r[0] for r in runs), 1),
        "ttfb_ms_p95": round(percentile([r[0] for r in runs], 0.95), 1),
        "server_ms_p50": round(statistics.median(r[2] for r in runs), 1),
        "server_ms_p95": round(percentile([r[2] for r in runs], 0.95), 1),
    }


def usable(url: str, cookies: Any) -> dict[str, Any]:
    """The grid with everything it shows: HTML, then CSS, script and the first page's
    thumbnails over BROWSER_CONNECTIONS connections."""
    import httpx

    limits = httpx.Limits(max_connections=BROWSER_CONNECTIONS, max_keepalive_connections=BROWSER_CONNECTIONS)
    with httpx.Client(base_url=url, cookies=cookies, timeout=120, limits=limits) as http:
        started = time.perf_counter()
        ttfb, _, server, body, _ = timed_get(http, "/gallery")
        html = body.decode()
        assets = re.findall(r'(?:href|src)="(/gallery/static/[^"]+)"', html)
        thumbs = re.findall(r'src="(/gallery/p/[0-9a-f]+/thumb\.webp\?v=\d+)"', html)

        def fetch(path: str) -> str:
            response = http.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return response.headers.get("x-cache", "")

        with ThreadPoolExecutor(BROWSER_CONNECTIONS) as pool:
            caches = list(pool.map(fetch, assets + thumbs))
        elapsed = time.perf_counter() - started
    hits = sum(c == "hit" for c in caches)
    return {
        "ttfb_ms": round(ttfb, 1),
        "server_ms": round(server, 1),
        "usable_ms": round(elapsed * 1000, 1),
        "thumbnails": len(thumbs),
        "thumbnail_hit_rate": round(hits / len(thumbs), 3) if thumbs else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--distinct", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--redis", action="store_true", help="a real redis-server instead of SQLite")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="gallery-bench-") as tmp:
        folder = Path(tmp)
        redis = RedisServer(folder / "redis") if args.redis else None
        extra = {"CARTOON_QUEUE": "redis", "CARTOON_REDIS_URL": redis.url} if redis else {}
        try:
            t0 = time.perf_counter()
            made = pictures(args.distinct)
            if redis is not None:
                from render.service.store_redis import RedisStore

                store: Any = RedisStore(redis.url)
            else:
                from render.service.store_sqlite import SqliteStore

                store = SqliteStore(folder / "jobs.db")
            ids = fill(store, args.jobs, made)
            store.close()
            print(f"filled the store with {len(ids)} done jobs in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
            serve = ServeProcess(service_env(folder, **extra), "--backend", "preview", "--workers", "0")
            try:
                from tests.service.helpers import TOKEN

                visitor = Visitor(serve.url)
                assert visitor.login(TOKEN).status_code == 303
                cookies = visitor.http.cookies
                cold = usable(serve.url, cookies)
                warm = usable(serve.url, cookies)
                figures = {
                    "grid": page_figures(visitor, "/gallery", args.repeats),
                    "search": page_figures(visitor, "/gallery?q=whiteboard+attention", args.repeats),
                    "filtered": page_figures(visitor, "/gallery?character=james&wall=south&since=2000-01-01", args.repeats),
                    "page_20": page_figures(visitor, "/gallery?page=20", args.repeats),
                    "picture": page_figures(visitor, f"/gallery/p/{ids[-1]}", args.repeats),
                }
            finally:
                serve.stop()
        finally:
            if redis is not None:
                redis.stop()
    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "store": "redis" if args.redis else "sqlite",
        "jobs": args.jobs,
        "first_load": cold,
        "second_load": warm,
        "pages": figures,
    }
    if args.json:
        print(json.dumps(report))
    else:
        print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
