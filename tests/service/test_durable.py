"""The embedded job store on disk, for real: after a clean stop `jobs.db` alone holds every
job (the WAL is folded in), `cartoon backup` copies it while the service runs and the copy
restores, a damaged `jobs.db` stops the start with one line saying what to do, a damaged
`huey.db` is made again, a damaged kept picture answers 500 instead of a broken PNG, and a
store that lost its data says so."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.service.helpers import (
    ROOT,
    ServeProcess,
    client,
    free_port,
    service_env,
    submit,
    wait_state,
)

PAGE = 4096


def serve_jobs(folder: Path, count: int) -> tuple[list[str], dict[str, bytes]]:
    """Start `cartoon serve` on `folder`, finish `count` jobs, stop it cleanly (SIGTERM)."""
    box = ServeProcess(service_env(folder))
    try:
        http = client(box.url)
        ids = [submit(http, f"Milo at the desk, take {n}", user=f"u{n}") for n in range(count)]
        for job_id in ids:
            assert wait_state(http, job_id, {"done", "failed"})["state"] == "done"
        images = {job_id: http.get(f"/v1/jobs/{job_id}/image").content for job_id in ids}
    finally:
        box.stop()
    assert box.proc.returncode in (0, -15)
    return ids, images


def start_fails(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "cartoon.py", "serve", "--port", str(free_port())],
        cwd=ROOT,
        env=service_env(folder),
        capture_output=True,
        text=True,
        timeout=120,
    )


def damage(path: Path, offset: int, length: int = 2000) -> None:
    with path.open("r+b") as stream:
        stream.seek(offset)
        stream.write(bytes((n * 37 + 11) % 256 for n in range(length)))


def root_page(path: Path, name: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0])
    finally:
        conn.close()


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], dict[str, bytes]]:
    """A service folder with four finished jobs, left by a clean stop."""
    folder = tmp_path_factory.mktemp("durable")
    ids, images = serve_jobs(folder, 4)
    return folder, ids, images


def copy_of(folder: Path, into: Path, files: tuple[str, ...] = ("jobs.db",)) -> Path:
    into.mkdir(parents=True)
    for name in files:
        shutil.copy(folder / name, into / name)
    return into


def test_after_a_clean_stop_jobs_db_alone_holds_every_job(finished, tmp_path: Path) -> None:
    folder, ids, images = finished
    wal = folder / "jobs.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0  # folded into jobs.db at the stop
    alone = copy_of(folder, tmp_path / "alone")
    box = ServeProcess(service_env(alone))
    try:
        http = client(box.url)
        for job_id in ids:
            assert http.get(f"/v1/jobs/{job_id}").json()["state"] == "done"
            assert http.get(f"/v1/jobs/{job_id}/image").content == images[job_id]
    finally:
        box.stop()


def test_backup_while_serving_then_restore(finished, tmp_path: Path) -> None:
    folder, ids, images = finished
    live = copy_of(folder, tmp_path / "live")
    box = ServeProcess(service_env(live))
    try:
        http = client(box.url)
        newer = submit(http, "James at the whiteboard", user="late")
        wait_state(http, newer, {"done"})
        target = tmp_path / "backup.db"
        made = subprocess.run(
            [sys.executable, "cartoon.py", "backup", str(target), "--json"],
            cwd=ROOT, env=service_env(live), capture_output=True, text=True, timeout=120,
        )
        assert made.returncode == 0, made.stderr
        report = json.loads(made.stdout)
        assert report["jobs"] == len(ids) + 1
        assert report["pictures"] == 2 * (len(ids) + 1)
        assert report["bytes"] == target.stat().st_size
    finally:
        box.stop()
    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copy(target, restored / "jobs.db")
    box = ServeProcess(service_env(restored))
    try:
        http = client(box.url)
        assert http.get(f"/v1/jobs/{newer}").json()["state"] == "done"
        assert http.get(f"/v1/jobs/{ids[0]}/image").content == images[ids[0]]
    finally:
        box.stop()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["{folder}"], "is a folder"),
        (["{folder}/missing/x.db"], "does not exist"),
        (["{folder}/jobs.db"], "is the job store itself"),
    ],
)
def test_backup_refuses_a_bad_target_with_one_line(finished, args: list[str], says: str) -> None:
    folder = finished[0]
    result = subprocess.run(
        [sys.executable, "cartoon.py", "backup", *(a.format(folder=folder) for a in args)],
        cwd=ROOT, env=service_env(folder), capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert says in lines[0]


@pytest.mark.parametrize("what", ["jobs_state", "jobs", "blobs"])
def test_a_damaged_job_store_stops_the_start_with_one_line(finished, tmp_path: Path, what: str) -> None:
    """An index page, the job table, the picture table: each found by `PRAGMA quick_check`."""
    folder = copy_of(finished[0], tmp_path / what)
    page = root_page(folder / "jobs.db", what)
    damage(folder / "jobs.db", (page - 1) * PAGE + 8, PAGE - 16)
    result = start_fails(folder)
    assert result.returncode == 1, result.stderr[-2000:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr[-3000:]
    assert str(folder / "jobs.db") in lines[0]
    assert "is damaged" in lines[0]
    assert "restore a backup" in lines[0]
    assert "Traceback" not in result.stderr


def test_a_damaged_huey_db_is_made_again(finished, tmp_path: Path) -> None:
    folder = copy_of(finished[0], tmp_path / "huey")
    (folder / "huey.db").write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 40)
    box = ServeProcess(service_env(folder))
    try:
        http = client(box.url)
        job_id = submit(http, "Milo at the rack", user="h")
        assert wait_state(http, job_id, {"done", "failed"})["state"] == "done"
    finally:
        box.stop()
    log = box.log.read_text()
    assert "huey.db is damaged" in log
    assert "Traceback" not in log


def test_a_damaged_picture_is_a_500_not_a_broken_png(finished, tmp_path: Path) -> None:
    folder = copy_of(finished[0], tmp_path / "png")
    victim, other = finished[1][0], finished[1][1]
    picture = finished[2][victim]
    data = (folder / "jobs.db").read_bytes()
    middle = picture[len(picture) // 2: len(picture) // 2 + 64]
    offset = data.find(middle)
    assert offset > 0 and data.find(middle, offset + 1) == -1  # found once: the kept image
    damage(folder / "jobs.db", offset, 16)
    box = ServeProcess(service_env(folder))
    try:
        http = client(box.url)
        broken = http.get(f"/v1/jobs/{victim}/image")
        assert broken.status_code == 500
        assert "damaged" in broken.json()["error"]
        assert broken.headers["content-type"] == "application/json"
        assert http.get(f"/v1/jobs/{victim}/clean").status_code == 200  # its other picture is fine
        assert http.get(f"/v1/jobs/{other}/image").content == finished[2][other]
    finally:
        box.stop()


def test_a_lost_store_says_it_was_reset(finished, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    box = ServeProcess(service_env(empty))
    try:
        http = client(box.url)
        gone = http.get(f"/v1/jobs/{finished[1][0]}")
        assert gone.status_code == 404
        assert "the job store was reset" in gone.json()["error"]
        never = http.get("/v1/jobs/not-an-id-of-ours")
        assert "never existed or its results expired" in never.json()["error"]
    finally:
        box.stop()
