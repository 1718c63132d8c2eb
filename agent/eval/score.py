"""Plan every labelled case and score it: characters exact (as a set), plate among the
acceptable walls, slogan exact ignoring case and outer punctuation; per field, per kind,
and the misses. The planner is used as the bot uses it (`Planner.plan_many`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from agent.eval.cases import EvalCase
from agent.graph import Planner
from agent.state import ScenePlan
from core.errors import CartoonError

FIELDS = ("characters", "plate", "slogan")
_OUTER = " \t\"'“”‘’«»„‚‹›`*_.,;:!?()[]{}"


def same_slogan(a: str | None, b: str | None) -> bool:
    """Equal ignoring case and outer punctuation ("RTFM!" == "rtfm")."""
    if a is None or b is None:
        return a is b
    return a.strip(_OUTER).casefold() == b.strip(_OUTER).casefold()


@dataclass
class Tally:
    cases: int = 0
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys((*FIELDS, "all"), 0))

    def add(self, wrong: list[str]) -> None:
        self.cases += 1
        for name in FIELDS:
            self.right[name] += name not in wrong
        self.right["all"] += not wrong

    def as_dict(self) -> dict[str, float | int]:
        share = {k: round(v / self.cases, 4) if self.cases else 0.0 for k, v in self.right.items()}
        return {"cases": self.cases, **share}


def wrong_fields(case: EvalCase, plan: ScenePlan, sayings: Iterable[str]) -> list[str]:
    """The fields of the plan that miss the label."""
    wrong = []
    if set(plan.characters) != set(case.characters):
        wrong.append("characters")
    if plan.plate not in case.plates:
        wrong.append("plate")
    if case.wants_slogan:
        slogan_ok = same_slogan(plan.slogan, case.slogan)
    else:  # no slogan asked for: none, or the rotation's, never words lifted from the text
        slogan_ok = plan.slogan is None or plan.slogan in set(sayings)
    if not slogan_ok:
        wrong.append("slogan")
    return wrong


def evaluate(planner: Planner, cases: list[EvalCase], source: str) -> dict:
    """The report `cartoon eval --json` prints."""
    overall = Tally()
    kinds: dict[str, Tally] = defaultdict(Tally)
    misses = []
    llm_fields = 0
    for case, result in zip(cases, planner.plan_many(c.request() for c in cases), strict=True):
        if isinstance(result, CartoonError):  # load_cases checked the speaker; kept for safety
            wrong, got = list(FIELDS), {"error": str(result)}
        else:
            wrong = wrong_fields(case, result, planner.sayings)
            got = {"characters": result.characters, "plate": result.plate, "slogan": result.slogan,
                   "notes": result.notes, "sources": result.sources}
            llm_fields += sum(result.sources.get(k) == "llm" for k in ("characters", "plate"))
        overall.add(wrong)
        kinds[case.kind].add(wrong)
        if wrong:
            want = {"characters": case.characters, "plates": case.plates}
            if case.wants_slogan:
                want["slogan"] = case.slogan
            misses.append({"line": case.line, "kind": case.kind, "text": case.text, "as": case.as_,
                           "wrong": wrong, "want": want, "got": got})
    return {
        "source": source,
        "cases": overall.cases,
        "accuracy": overall.as_dict(),
        "kinds": {k: kinds[k].as_dict() for k in sorted(kinds)},
        # Cast and wall decisions the LLM made; the rest fell back to the rules. (A slogan the
        # request spells out is always the rules'; the LLM's counts only when none is.)
        "llm_share": round(llm_fields / (2 * overall.cases), 4) if overall.cases else 0.0,
        "misses": misses,
    }


def report_text(report: dict) -> str:
    """The report as a table and one line a miss."""
    def row(name: str, t: dict) -> str:
        return f"{name:<12} {t['cases']:>5}  " + "  ".join(f"{100 * t[k]:6.1f}" for k in ("all", *FIELDS))

    lines = [f"{report['file']}: {report['cases']} requests, planned by {report['source']}"]
    if report["source"] == "llm":
        lines.append(f"cast and wall decided by the LLM: {100 * report['llm_share']:.1f} % (the rest fell back to the rules)")
    lines.append(f"{'kind':<12} {'cases':>5}  {'all %':>6}  {'cast %':>6}  {'wall %':>6}  {'shirt%':>6}")
    lines += [row(kind, t) for kind, t in report["kinds"].items()]
    lines.append(row("overall", report["accuracy"]))
    if report["misses"]:
        lines.append(f"misses ({len(report['misses'])}):")
    for miss in report["misses"]:
        got, want = miss["got"], miss["want"]
        speaker = f" --as {miss['as']}" if miss["as"] else ""
        lines.append(
            f"  line {miss['line']} [{miss['kind']}] {miss['text']!r}{speaker}: wrong {', '.join(miss['wrong'])}; "
            f"got {got.get('characters')} {got.get('plate')} {got.get('slogan')!r}, "
            f"want {want['characters']} {'/'.join(want['plates'])}"
            + (f" {want['slogan']!r}" if "slogan" in want else "")
        )
    return "\n".join(lines)
