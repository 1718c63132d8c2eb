"""Benchmark the render service across a Redis outage, over real HTTP on 127.0.0.1.

Two `cartoon serve` boxes (preview backend, one worker each) share a Redis that keeps an
append-only file (as compose's does). Six users submit 60 scenes; once a quarter are done,
Redis is killed with SIGKILL, left down for `--outage` seconds, and started again from its
AOF. Reports, of the accepted jobs: lost (no record any more), stuck (not final two minutes
after Redis came back), failed; how many were running at the kill and how many ran twice;
the time from Redis's return to the last job done; and each box's log lines.

    python benchmarks/fault_bench.py [--jobs 60] [--users 6] [--outage 10] [--worker-timeout 15] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.service.helpers import RedisServer, ServeProcess, client, service_env  # noqa: E402

FINAL = ("done", "failed", "cancelled")
STUCK_AFTER_S = 120.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=60)
    parser.add_argument("--users", type=int, default=6)
    parser.add_argument("--outage", type=float, default=10.0, help="seconds Redis stays down")
    parser.add_argument("--size", type=int, default=1024, help="preview render size (square)")
    parser.add_argument("--worker-timeout", type=float, default=15.0, help="CARTOON_SERVICE_WORKER_TIMEOUT_S (default: the setting's)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from render.service.store_redis import RedisStore

    report: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}, Python {platform.python_version()}, no GPU",
        "load_average_at_start": round(os.getloadavg()[0], 2),
        "jobs": args.jobs,
        "users": args.users,
        "outage_s": args.outage,
        "worker_timeout_s": args.worker_timeout,
    }
    with tempfile.TemporaryDirectory(prefix="fault-bench-") as tmp:
        folder = Path(tmp)
        redis = RedisServer(folder / "redis", persist=True)
        env = {
            "CARTOON_SERVICE_WIDTH": str(args.size),
            "CARTOON_SERVICE_HEIGHT": str(args.size),
            "CARTOON_QUEUE": "redis",
            "CARTOON_REDIS_URL": redis.url,
            "CARTOON_SERVICE_WORKER_TIMEOUT_S": str(args.worker_timeout),
        }
        boxes = [ServeProcess(service_env(folder / f"box{n}", **env), "--backend", "preview", wait=False) for n in (1, 2)]
        for box in boxes:
            box.wait_ready()
        store = RedisStore(redis.url)
        try:
            http = client(boxes[0].url)
            deadline = time.monotonic() + 60
            while http.get("/healthz").json()["workers"] < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
            ids = submit_all([b.url for b in boxes], args.jobs, args.users)
            report["accepted"] = len(ids)
            while sum(store.get(j).state == "done" for j in ids) < len(ids) // 4:
                time.sleep(0.05)
            report["running_at_kill"] = sum(store.get(j).state == "running" for j in ids)
            report["done_at_kill"] = sum(store.get(j).state == "done" for j in ids)
            redis.kill()
            time.sleep(args.outage)
            redis.start()
            back = time.time()
            final = wait_final(http, ids, STUCK_AFTER_S)
            records = {j: store.get(j) for j in ids}
        finally:
            for box in boxes:
                box.stop()
            store.close()
            redis.stop()
        states = [job["state"] for job in final.values()]
        done_at = [r.finished_at for r in records.values() if r is not None and r.state == "done" and r.finished_at]
        report.update(
            {
                "lost": sum(r is None for r in records.values()),
                "stuck": len(ids) - len(final),
                "failed": states.count("failed"),
                "done": states.count("done"),
                "ran_twice": sum(1 for r in records.values() if r is not None and r.starts > 1),
                "errors": sorted({job["error"] for job in final.values() if job["error"]})[:3],
                "return_to_last_done_s": round(max(done_at) - back, 2) if done_at else None,
                "log_lines_per_box": [len(b.log.read_text().splitlines()) for b in boxes],
                "log_bytes_per_box": [b.log.stat().st_size for b in boxes],
                "tracebacks": sum(b.log.read_text().count("Traceback") for b in boxes),
            }
        )
    report["load_average_at_end"] = round(os.getloadavg()[0], 2)
    print(json.dumps(report) if args.json else json.dumps(report, indent=2))


def submit_all(urls: list[str], jobs: int, users: int) -> list[str]:
    ids: list[str] = []
    lock = threading.Lock()

    def user(n: int) -> None:
        http = client(urls[n % len(urls)])
        for k in range(jobs // users):
            response = http.post("/v1/scenes", json={"text": f"Milo at the desk, take {k}", "user": f"user{n}", "seed": k})
            if response.status_code == 202:
                with lock:
                    ids.append(response.json()["id"])

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return ids


def wait_final(http: Any, ids: list[str], limit_s: float) -> dict[str, dict[str, Any]]:
    """Each job's last view once final, polling until all are or `limit_s` passes."""
    final: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + limit_s
    while len(final) < len(ids) and time.monotonic() < deadline:
        for job_id in ids:
            if job_id in final:
                continue
            response = http.get(f"/v1/jobs/{job_id}")
            if response.status_code == 200 and response.json()["state"] in FINAL:
                final[job_id] = response.json()
        time.sleep(0.2)
    return final


if __name__ == "__main__":
    main()
