"""`cartoon eval`: the labelled sets scored on the rules (a floor), no one left out of the
picture named in the prompt, the LLM path against an
OpenAI-compatible server on 127.0.0.1, and malformed files named by line."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from agent import rules
from agent.eval import ALL_SETS, DEFAULT_SET, EVERY_SET
from agent.eval.cases import load_cases
from agent.eval.score import evaluate, same_slogan
from agent.graph import Planner
from agent.mentions import Status, prepare
from agent.moods import moods
from agent.stage import names_a_wall
from agent.state import clean_text
from tests.servers.openai_compat import OpenAICompatServer, Reply

ROOT = Path(__file__).resolve().parents[2]
KINDS = {"plain", "absence", "lookalike", "speaker", "typo", "slogan", "place", "emoji", "lang", "discord"}
# Measured on the rules after round 4: 100 % of seven sets, 99.7 % of probes.jsonl and 99.4 % of
# round4.jsonl fully right, every kind ≥ 90 % (see docs/planning.md). The floor leaves room for
# a deliberate trade-off, not for a kind of request to stop working.
FLOOR_OVERALL = 0.97
FLOOR_PER_KIND = 0.90


def cartoon(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("CARTOON_")}
    return subprocess.run(
        [sys.executable, str(ROOT / "cartoon.py"), *args],
        capture_output=True, text=True, cwd=ROOT, env={**base, **(env or {})}, timeout=120,
    )


@pytest.mark.parametrize("path", ALL_SETS, ids=lambda p: p.stem)
def test_labelled_sets_are_well_formed(planner: Planner, path: Path) -> None:
    cases = load_cases(path, set(planner.characters))
    counts = {kind: sum(c.kind == kind for c in cases) for kind in KINDS}
    assert {c.kind for c in cases} == KINDS
    assert len(cases) >= (250 if path == DEFAULT_SET else 100)
    assert min(counts.values()) >= (20 if path == DEFAULT_SET else 10), counts
    assert len({c.text for c in cases}) == len(cases)  # no request twice


@pytest.mark.parametrize("path", ALL_SETS, ids=lambda p: p.stem)
def test_rules_stay_above_the_floor(planner: Planner, path: Path) -> None:
    cases = load_cases(path, set(planner.characters))
    report = evaluate(planner, cases, "rules")
    misses = [(m["line"], m["text"], m["wrong"]) for m in report["misses"]]
    assert report["accuracy"]["all"] >= FLOOR_OVERALL, misses
    for kind, tally in report["kinds"].items():
        assert tally["all"] >= FLOOR_PER_KIND, (kind, misses)


def _action_of(prompt: str) -> str:
    return prompt.split("Action: ", 1)[1] if "Action: " in prompt else ""


@pytest.mark.parametrize("path", EVERY_SET, ids=lambda p: p.stem)
def test_the_prompt_puts_nobody_in_who_is_not_drawn(planner: Planner, path: Path) -> None:
    """The image model draws whoever the action puts in the scene: read again, `action`, the
    prompt's action and `clip_prompt` may name a character left out of the picture only as
    a thing (a namesake, a title, a label, a picture: "a mug of Milo", "James and the Giant
    Peach"), never as a person, present or sent away. ("everyone", "the whole team" are not
    names.)"""
    cast = planner.roster
    cases = load_cases(path, set(planner.characters))
    leaks = []
    for case, plan in zip(cases, planner.plan_many(c.request() for c in cases), strict=True):
        for text in (plan.action, _action_of(plan.prompt), plan.clip_prompt):
            for mention in cast.mentions(prepare(text or "", cast), None):
                people = set(mention.ids) - set(plan.characters)
                if people and mention.status is not Status.THING and mention.kind != "pronoun":
                    leaks.append((case.line, case.text, text, mention.word, mention.status.name))
    assert not leaks, leaks


# A garment word, then a quoted phrase within a few words in the same sentence ("shirt that says 'X'").
_GARMENT_QUOTE = re.compile(
    r"(?<![\w-])(?:shirt|t-shirt|tshirt|tee|hoodie|sweatshirt|sweater|jumper|jersey|chest|panel|camiseta|camisa|"
    r"maglietta|felpa|hemd|pulli|pullover|maillot|sweat)(?![\w-])[^.!?;\n]{0,60}?(?:[\"“«„`]|(?<![\w])')\s*[^\W_]",
    re.IGNORECASE,
)


# Small words that open a phrase: a cut prompt must not end on one ("… while the.").
_HANGING_END = re.compile(
    r"(?<![\w'-])(?:the|a|an|of|with|while|and|or|to|at|on|in|for|by|from|his|her|their|my|our|its|your|that|"
    r"which|who|as|into|onto|than|because)[.!?]$",
    re.IGNORECASE,
)


def test_every_labelled_file_is_checked_for_properties() -> None:
    assert set(ALL_SETS) < set(EVERY_SET)
    assert {p.name for p in EVERY_SET} >= {"fresh4.jsonl", "round4.jsonl", "requests.jsonl"}


@pytest.mark.parametrize("path", EVERY_SET, ids=lambda p: p.stem)
def test_the_prompts_never_contradict_the_plan(planner: Planner, path: Path) -> None:
    """Properties of every plan of every labelled file (the held-out one too), whatever the
    score. DESIGN: the slogan is never in the prompt: neither the plan's slogan, nor the one
    the label expects (read or missed), nor any quoted text tied to a garment is in `prompt`
    or `clip_prompt`. "The lab is empty" (and CLIP's "an empty home AI lab") is said exactly
    when nobody is drawn. `clip_prompt` ends as a sentence, once, not on a word that opens a
    phrase, and never inside a quote."""
    cases = load_cases(path, set(planner.characters))
    wrong = []
    for case, plan in zip(cases, planner.plan_many(c.request() for c in cases), strict=True):
        for text in (plan.prompt, plan.clip_prompt):
            words = [s for s in {plan.slogan, case.slogan} if s and s.casefold() in text.casefold()]
            tied = _GARMENT_QUOTE.search(_action_of(text) if text is plan.prompt else text)
            if words or tied:
                wrong.append((case.line, case.text, words or tied.group(0)))
        if ("The lab is empty" in plan.prompt) != (not plan.characters):
            wrong.append((case.line, case.text, "empty lab said of a cast" if plan.characters else "no empty lab"))
        if ("of an empty home AI lab" in plan.clip_prompt) != (not plan.characters):
            wrong.append((case.line, case.text, "clip_prompt's empty lab disagrees with the cast"))
        clip = plan.clip_prompt
        cut = plan.action.rstrip(".!?") not in clip
        if not re.search(r"[.!?][\"”’')]*$", clip) or re.search(r"[.!?]\s*\.$", clip) or (cut and _HANGING_END.search(clip)):
            wrong.append((case.line, case.text, f"clip_prompt ends mid-phrase: {clip[-40:]!r}"))
        if plan.action and clip.count('"') % 2 != plan.action.count('"') % 2:
            wrong.append((case.line, case.text, f"clip_prompt cut inside a quote: {clip[-40:]!r}"))
    assert not wrong, wrong


_ORPHAN_PUNCTUATION = re.compile(r"[(\[]\s*[)\]]|[,;:]\s*[,;:.!?]|[.!?]\s*[,;:]|^[,;:.!?)\]—–-]|\s[,;:.!?)]")
_WORD = re.compile(r"[^\W\d_][\w'-]*")
_EMOJI_NAME = re.compile(r":[\w~-]{2,32}:")
_TICKET_LABEL = re.compile(r"^\s*(?:ticket|req|inc|chg|tkt)\b[^:|]{0,20}[:|]", re.IGNORECASE)


@pytest.mark.parametrize("path", EVERY_SET, ids=lambda p: p.stem)
def test_the_action_is_the_request_tidied_not_damaged(planner: Planner, path: Path) -> None:
    """Cleaning the request for the prompt never introduces "someone" (FLUX may draw an
    extra person), never leaves orphan punctuation ("( )", "bike., he", a leading comma), and
    when nobody is left out and no slogan is asked, keeps every thing the request names,
    except in text that is not the picture (a condition, what would happen, a habit the
    request contrasts with this time: agent/moods.py), custom emoji names (":coffee:") and a
    ticket's label ("ticket: jmaes @ bike"). Nor does it end on a small word that opens a
    phrase ("Milo on the couch with") unless the request does ("Milo cheering me on")."""
    cast = planner.roster
    cases = load_cases(path, set(planner.characters))
    damaged = []
    for case, plan in zip(cases, planner.plan_many(c.request() for c in cases), strict=True):
        action = plan.action
        if "someone" in action.lower() and "someone" not in case.text.lower():
            damaged.append((case.line, case.text, action, "someone"))
        if _ORPHAN_PUNCTUATION.search(action):
            damaged.append((case.line, case.text, action, "punctuation"))
        if _HANGING_END.search(action + ".") and not _HANGING_END.search(case.text.rstrip(".!? ") + "."):
            damaged.append((case.line, case.text, action, "a small word left hanging at the end"))
        mentioned = {i for m in cast.mentions(prepare(case.text, cast), case.as_) for i in m.ids}
        if mentioned <= set(plan.characters) and rules.requested_slogan(case.text, case.as_, cast) is None:
            said = {w.lower() for w in _WORD.findall(action)}
            reading = rules.read(case.text, case.as_, cast)
            plain = _TICKET_LABEL.sub(" ", "".join(
                " " if any(m.start <= i < m.end for m in moods(reading.scan)) else c for i, c in enumerate(reading.plain)))
            plain = _EMOJI_NAME.sub(" ", plain)
            lost = [w for w in _WORD.findall(plain) if names_a_wall(w) and w.lower() not in said]
            if lost:
                damaged.append((case.line, case.text, action, f"lost {lost}"))
    assert not damaged, damaged


def test_slogans_compare_without_case_or_outer_punctuation() -> None:
    assert same_slogan("Have you tried rebooting?", "have you tried rebooting")
    assert same_slogan("“RTFM”", "rtfm!")
    assert not same_slogan("RTFM", "PEBKAC")
    assert not same_slogan(None, "RTFM")
    assert same_slogan(None, None)


def test_cli_eval_prints_one_json_object_and_exits_0() -> None:
    result = cartoon("eval", "--json")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip().splitlines()) == 1
    report = json.loads(result.stdout)
    assert report["source"] == "rules"
    assert report["cases"] >= 250
    assert set(report["accuracy"]) == {"cases", "all", "characters", "plate", "slogan"}
    assert set(report["kinds"]) == KINDS


def test_cli_eval_text_shows_the_misses(tmp_path: Path) -> None:
    source = tmp_path / "mine.jsonl"
    lines = [
        {"text": "Milo at the rack", "characters": ["milo"], "plates": ["north"], "kind": "plain"},
        # labelled wrong on purpose: the plan cannot match it, so it must be listed as a miss
        {"text": "James on the couch", "characters": ["milo"], "plates": ["south"], "kind": "odd"},
        {"text": "Milo, shirt says \"It's prod\"", "characters": ["milo"], "plates": ["east"], "slogan": "it's prod"},
    ]
    source.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n")
    result = cartoon("eval", str(source))
    assert result.returncode == 0, result.stderr
    assert "line 2 [odd] 'James on the couch': wrong characters, plate" in result.stdout
    assert "misses (1)" in result.stdout
    overall = next(line for line in result.stdout.splitlines() if line.startswith("overall"))
    assert overall.split()[1:3] == ["3", "66.7"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"text": "Milo", "characters": ["milo"], "plates": ["east"]}\n{broken\n', ":2: not valid JSON"),
        ('{"text": "Milo", "characters": ["cindy"], "plates": ["east"]}\n', ":1: unknown character 'cindy'"),
        ('{"text": "Milo", "characters": ["milo"]}\n', ":1: plates: Field required"),
        ('{"text": "Milo", "characters": ["milo"], "plates": ["attic"]}\n', ":1: plates.0:"),
        ('{"text": "   ", "characters": [], "plates": ["east"]}\n', ":1: text: text is empty"),
        ('{"text": "Milo", "characters": ["milo"], "plates": ["east"], "as": "cindy"}\n', ":1: unknown character 'cindy'"),
        ('["Milo"]\n', ":1: expected a JSON object"),
        ("\n\n", "no cases"),
    ],
)
def test_malformed_eval_file_names_the_line_and_exits_2(tmp_path: Path, content: str, expected: str) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_text(content)
    result = cartoon("eval", str(source))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("cartoon: error: ")
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_missing_eval_file_and_llm_without_url_are_one_line() -> None:
    for args in (("eval", "/nonexistent/set.jsonl"), ("eval", "--llm")):
        result = cartoon(*args)
        assert result.returncode == 2, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.stderr


def _labelled_model(path: Path):
    """A server that answers every request with its label: the perfect model."""
    labels = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            case = json.loads(line)
            labels[clean_text(case["text"], keep_lines=True)] = case

    def handler(body: dict) -> Reply:
        request = json.loads(body["messages"][-1]["content"])["request"]
        case = labels[request]
        return Reply(json.dumps({"characters": case["characters"], "plate": case["plates"][0],
                                 "slogan": case.get("slogan"), "action": "as asked"}))

    return handler


def test_eval_llm_runs_against_an_openai_compatible_server() -> None:
    server = OpenAICompatServer(_labelled_model(DEFAULT_SET))
    with server.running():
        result = cartoon("eval", "--llm", "--json",
                         env={"CARTOON_LLM_URL": server.url, "CARTOON_LLM_MODEL": "qwen3-test"})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["source"] == "llm"
    assert report["llm_share"] == 1.0  # the model decided every cast and wall
    assert report["accuracy"]["characters"] == 1.0
    assert report["accuracy"]["plate"] == 1.0
    first = server.requests[0]
    assert first["model"] == "qwen3-test"
    assert first["response_format"]["type"] == "json_schema"
    assert first["chat_template_kwargs"] == {"enable_thinking": False}
    assert len(server.requests) == report["cases"]


def test_eval_llm_with_a_broken_model_scores_the_rules() -> None:
    server = OpenAICompatServer(lambda body: Reply("I think the answer is the desk"))
    with server.running():
        result = cartoon("eval", "--llm", "--json", env={"CARTOON_LLM_URL": server.url})
    rules = json.loads(cartoon("eval", "--json").stdout)
    report = json.loads(result.stdout)
    assert result.returncode == 0, result.stderr
    assert report["llm_share"] == 0.0
    assert report["accuracy"] == rules["accuracy"]
