"""`cartoon plan` as a user runs it: a real subprocess, JSON on stdout, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cartoon(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARTOON_")}
    return subprocess.run(
        [sys.executable, str(ROOT / "cartoon.py"), *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, env=env, timeout=60,
    )


def test_plan_json_has_the_contract_keys() -> None:
    result = cartoon("plan", "Milo debugging at 2 AM", "--json", "--seed", "5")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["characters"] == ["milo"]
    assert plan["plate"] == "east"
    assert isinstance(plan["slogan"], str)
    assert plan["source"] == "rules"
    assert plan["prompt"]
    assert len(result.stdout.strip().splitlines()) == 1


def test_plan_as_and_shirt() -> None:
    result = cartoon("plan", "draw us at the whiteboard", "--as", "james", "--shirt", "RTFM", "--json")
    plan = json.loads(result.stdout)
    assert plan["characters"] == ["james", "milo"]
    assert plan["plate"] == "west"
    assert plan["slogan"] == "RTFM"


def test_jsonl_keeps_order_and_names_the_bad_line(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": "Milo at the rack", "seed": 1}),
        "{broken",
        json.dumps({"text": "us on the bike", "as": "james"}),
        json.dumps({"text": "   "}),
        json.dumps({"text": "James at the whiteboard", "shirt": "RTFM"}),
        json.dumps({"text": "Milo", "as": "cindy"}),
        json.dumps(["not", "an", "object"]),
    ]
    source = tmp_path / "requests.jsonl"
    source.write_text("\n".join(lines) + "\n")
    result = cartoon("plan", "--jsonl", str(source))
    assert result.returncode == 2
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("plate") for o in out] == ["north", None, "south", None, "west", None, None]
    assert "cindy" in out[5]["error"]
    assert out[5]["line"] == 6
    assert out[1] == {"line": 2, "error": out[1]["error"]}
    assert f"{source}:2:" in result.stderr
    assert f"{source}:4:" in result.stderr
    assert "Traceback" not in result.stderr


def test_jsonl_from_stdin() -> None:
    result = cartoon("plan", "--jsonl", "-", stdin='{"text": "Milo"}\n{"text": "James"}\n')
    assert result.returncode == 0
    assert [json.loads(x)["characters"] for x in result.stdout.splitlines()] == [["milo"], ["james"]]


def test_bad_input_is_one_line_and_exit_2() -> None:
    cases = [
        ("plan", "   "),
        ("plan", "x" * 1001),
        ("plan", "Milo", "--as", "cindy"),
        ("plan", "--jsonl", "/nonexistent/requests.jsonl"),
        ("plan", "Milo", "--shirt", "y" * 100),
        ("plan",),
    ]
    for args in cases:
        result = cartoon(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, (args, result.stderr)
        assert result.stderr.startswith("cartoon: error: ")
        assert "Traceback" not in result.stderr


def test_discord_mentions_and_control_characters_are_stripped() -> None:
    result = cartoon("plan", "<@123456> @everyone Milo\x07 at the <#999> rack", "--json")
    plan = json.loads(result.stdout)
    assert plan["text"] == "Milo at the rack"
    assert "@everyone" not in plan["prompt"]
    assert "<@" not in plan["prompt"]


def test_plan_path_does_not_import_torch() -> None:
    code = (
        "import sys, cartoon; cartoon.main(['plan', 'Milo', '--json']);"
        "print(sorted(m for m in ('torch', 'diffusers', 'ultralytics', 'openai') if m in sys.modules))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARTOON_")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_plan_json_says_why_a_shirt_is_not_honoured() -> None:
    result = cartoon("plan", "James at the desk in a 'PEBKAC' shirt", "--json")
    plan = json.loads(result.stdout)
    assert plan["characters"] == ["james"]
    assert plan["slogan"] is None
    assert plan["notes"] == [
        'James does not wear a slogan shirt (only Milo\'s chest panel carries text), so "PEBKAC" is left out.'
    ]
