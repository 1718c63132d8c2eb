"""Benchmark the render service under load, over real HTTP on 127.0.0.1 (loopback only).

Phase 1 (embedded): one `cartoon serve` (SQLite queue, one preview worker); 20 users submit
10 jobs each at once (200 jobs) while 4 clients poll job status. A share of them
(`--edit-share`, a quarter by default) are edits in words of the user's first picture
(`POST /v1/jobs/{id}/edit`, drawn before the clock starts), the rest new scenes. Reports
jobs/s, p50/p95 latency of submit and of status, and the service's own overhead per job
beyond the render pipeline's time (target <= 20 ms), read from the job records.

Phase 2 (scale-out, needs Debian's redis-server): the same 200 jobs against two
`cartoon serve` processes sharing a Redis queue; one is killed with SIGKILL after a quarter
of the jobs finished; every job must still finish.

    python benchmarks/service_bench.py [--jobs 200] [--users 20] [--edit-share 0.25] [--size 1024] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.service.helpers import RedisServer, ServeProcess, client, service_env  # noqa: E402

PHRASES = [
    "Milo debugging at 2 AM",
    "James at the whiteboard explaining attention",
    "Milo and James at the server rack",
    "James asleep on the exercise bike",
    "Milo at the desk with three monitors",
]
EDITS = ["now at the rack", "make it night", "add James", "Milo asleep", "at the whiteboard"]


def first_pictures(url: str, users: int) -> dict[int, str]:
    """One finished picture per user, to edit during the load (made before the clock starts)."""
    http = client(url)
    ids = {}
    for n in range(users):
        response = http.post("/v1/scenes", json={"text": PHRASES[n % len(PHRASES)], "user": f"user{n}", "seed": n})
        response.raise_for_status()
        ids[n] = response.json()["id"]
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        states = {http.get(f"/v1/jobs/{j}").json()["state"] for j in ids.values()}
        if states == {"done"}:
            return ids
        if states & {"failed", "cancelled"}:
            raise SystemExit(f"a first picture did not finish: {states}")
        time.sleep(0.1)
    raise SystemExit("the first pictures took over 600 s")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def run_load(urls: list[str], jobs: int, users: int, kill: Any = None, edit_share: float = 0.0) -> dict[str, Any]:
    """Submit `jobs` jobs from `users` users at once (`edit_share` of them edits of each
    user's first picture), poll until all are final."""
    parents = first_pictures(urls[0], users) if edit_share > 0 else {}
    every = max(1, round(1 / edit_share)) if edit_share > 0 else 0
    submit_ms: list[float] = []
    status_ms: list[float] = []
    ids: list[str] = []
    edits: list[str] = []
    lock = threading.Lock()
    refused: list[str] = []
    started = time.perf_counter()

    def user_thread(n: int) -> None:
        http = client(urls[n % len(urls)])
        for k in range(jobs // users):
            if every and (n + k) % every == every - 1:
                path, body = f"/v1/jobs/{parents[n]}/edit", {"text": EDITS[(n + k) % len(EDITS)], "user": f"user{n}"}
            else:
                path = "/v1/scenes"
                body = {"text": PHRASES[(n + k) % len(PHRASES)], "user": f"user{n}", "seed": n * 100 + k}
            t = time.perf_counter()
            response = http.post(path, json=body)
            elapsed = (time.perf_counter() - t) * 1000
            with lock:
                submit_ms.append(elapsed)
                if response.status_code == 202:
                    ids.append(response.json()["id"])
                    if path != "/v1/scenes":
                        edits.append(response.json()["id"])
                else:
                    refused.append(response.text)

    threads = [threading.Thread(target=user_thread, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    final: dict[str, dict[str, Any]] = {}
    killed = False

    def poller(offset: int) -> None:
        nonlocal killed
        http = client(urls[0])
        while len(final) < len(ids):
            pending = [j for j in ids[offset::4] if j not in final]
            if not pending:
                return
            for job_id in pending:
                t = time.perf_counter()
                job = http.get(f"/v1/jobs/{job_id}").json()
                with lock:
                    status_ms.append((time.perf_counter() - t) * 1000)
                    if job["state"] in ("done", "failed", "cancelled"):
                        final[job_id] = job
                    if kill is not None and not killed and len(final) >= len(ids) // 4:
                        killed = True
                        kill()
            time.sleep(0.05)

    pollers = [threading.Thread(target=poller, args=(i,)) for i in range(4)]
    for thread in pollers:
        thread.start()
    for thread in pollers:
        thread.join()
    wall = time.perf_counter() - started
    states = [job["state"] for job in final.values()]
    return {
        "ids": ids,
        "final": final,
        "wall_s": round(wall, 2),
        "jobs_per_s": round(len(final) / wall, 2),
        "accepted": len(ids),
        "edits": len(edits),
        "refused": len(refused),
        "done": states.count("done"),
        "failed": states.count("failed"),
        "errors": sorted({job["error"] for job in final.values() if job["error"]})[:3],
        "submit_p50_ms": round(percentile(submit_ms, 0.5), 1),
        "submit_p95_ms": round(percentile(submit_ms, 0.95), 1),
        "status_p50_ms": round(percentile(status_ms, 0.5), 1),
        "status_p95_ms": round(percentile(status_ms, 0.95), 1),
        "status_requests": len(status_ms),
    }


def overhead(store: Any, ids: list[str]) -> dict[str, float]:
    """Per job, from the records: time the worker held the job beyond the pipeline's own
    timings (claim, progress writes, storing the PNGs, finishing), and the gap between one
    job finishing and the worker starting the next (hand-out through the engine)."""
    records = [store.get(j) for j in ids]
    done = [r for r in records if r is not None and r.state == "done" and r.result]
    held = []
    for record in done:
        pipeline_ms = sum(record.result["timings"].get(k, 0.0) for k in ("render_ms", "composite_ms", "save_ms"))
        held.append((record.finished_at - record.started_at) * 1000 - pipeline_ms)
    gaps = []
    by_worker: dict[str, list[Any]] = {}
    for record in done:
        by_worker.setdefault(record.worker, []).append(record)
    for runs in by_worker.values():
        runs.sort(key=lambda r: r.started_at)
        gaps += [(b.started_at - a.finished_at) * 1000 for a, b in zip(runs, runs[1:], strict=False)]
    in_job = statistics.mean(held) if held else float("nan")
    between = statistics.median(gaps) if gaps else float("nan")
    render = statistics.mean(r.result["timings"].get("render_ms", 0.0) for r in done) if done else float("nan")
    pipeline = statistics.mean(sum(r.result["timings"].values()) for r in done) if done else float("nan")
    return {
        "render_ms_mean": round(render, 1),
        "pipeline_ms_mean": round(pipeline, 1),
        "overhead_in_job_ms": round(in_job, 1),
        "overhead_between_jobs_ms": round(between, 1),
        "overhead_per_job_ms": round(in_job + between, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--edit-share", type=float, default=0.25, help="share of the jobs that are edits (0 to 1)")
    parser.add_argument("--size", type=int, default=1024, help="preview render size (square)")
    parser.add_argument("--skip-redis", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not 0 <= args.edit_share <= 1:
        parser.error(f"--edit-share is {args.edit_share}; give a share from 0 to 1, e.g. 0.25")

    from render.service.store_redis import RedisStore
    from render.service.store_sqlite import SqliteStore

    size = {"CARTOON_SERVICE_WIDTH": str(args.size), "CARTOON_SERVICE_HEIGHT": str(args.size)}
    report: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}, Python {platform.python_version()}, no GPU",
        "load_average_at_start": round(os.getloadavg()[0], 2),
        "jobs": args.jobs,
        "users": args.users,
        "edit_share": args.edit_share,
        "size": args.size,
    }
    with tempfile.TemporaryDirectory(prefix="service-bench-") as tmp:
        folder = Path(tmp)
        box = ServeProcess(service_env(folder / "embedded", **size), "--backend", "preview")
        try:
            embedded = run_load([box.url], args.jobs, args.users, edit_share=args.edit_share)
            store = SqliteStore(folder / "embedded" / "jobs.db")
            embedded.update(overhead(store, embedded["ids"]))
        finally:
            box.stop()
        report["embedded"] = {k: v for k, v in embedded.items() if k not in ("ids", "final")}

        if not args.skip_redis:
            redis = RedisServer(folder / "redis")
            env = {**size, "CARTOON_QUEUE": "redis", "CARTOON_REDIS_URL": redis.url, "CARTOON_SERVICE_WORKER_TIMEOUT_S": "3"}
            boxes = [ServeProcess(service_env(folder / f"box{n}", **env), "--backend", "preview") for n in (1, 2)]
            try:
                http = client(boxes[0].url)
                deadline = time.monotonic() + 30
                while http.get("/healthz").json()["workers"] < 2 and time.monotonic() < deadline:
                    time.sleep(0.1)
                scaled = run_load([b.url for b in boxes[:1]], args.jobs, args.users, kill=boxes[1].kill,
                                  edit_share=args.edit_share)
                store = RedisStore(redis.url)
                scaled.update(overhead(store, scaled["ids"]))
                scaled["restarted_jobs"] = sum(1 for j in scaled["ids"] if (r := store.get(j)) and r.starts > 1)
                store.close()
            finally:
                for b in boxes:
                    b.stop()
                redis.stop()
            report["redis_two_workers_one_killed"] = {k: v for k, v in scaled.items() if k not in ("ids", "final")}

    report["load_average_at_end"] = round(os.getloadavg()[0], 2)
    if args.json:
        print(json.dumps(report))
    else:
        print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
