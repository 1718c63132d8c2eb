"""The scene agent as a LangGraph StateGraph: understand → cast → stage → dress → prompt.

Each node fills one part of every plan in the batch. `understand` asks the LLM (when one
is configured); every later node takes the LLM's value for its field when it is valid and
the rules' value otherwise, and records which in `sources`.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from agent import prompts, rules
from agent.edit import PlanEdit, edit_plan, vary_plan
from agent.llm import SceneLlm
from agent.state import MAX_SLOGAN_CHARS, PlanItem, PlanState, ScenePlan, SceneRequest
from agent.walls import PLATES, WALLS
from characters.sheet import Character, load_characters
from core.errors import InputError
from core.settings import Settings

BATCH_SIZE = 256
LLM_CONCURRENCY = 4


def load_sayings(path: Path) -> tuple[str, ...]:
    """The BOFH sayings, one a line (blank lines and `#` comments skipped)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(f"{path}: sayings file not found; set CARTOON_DATA_DIR") from None
    return tuple(s for line in lines if (s := line.strip()) and not s.startswith("#"))


@dataclass
class Planner:
    """Plans scenes. Build one and reuse it: the graph, patterns and client are made once."""

    settings: Settings
    characters: dict[str, Character] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.characters:
            self.characters = load_characters(self.settings.characters_dir)
        self.character_list = list(self.characters.values())
        self.roster = rules.build_cast(tuple(self.character_list))  # their names as the rules match them
        self.sayings = load_sayings(self.settings.data_dir / "bofh.txt")
        self.llm = SceneLlm(self.settings) if self.settings.llm_url else None
        self.graph = build_graph(self)

    def plan(self, request: SceneRequest) -> ScenePlan:
        """Plan one request; an unknown speaker raises InputError."""
        result = next(self.plan_many([request]))
        if isinstance(result, InputError):
            raise result
        return result

    def edit(
        self, parent: ScenePlan, text: str, *, speaker: str | None = None, seed: int | None = None
    ) -> PlanEdit:
        """The plan after `text` edits a picture drawn from `parent`: what changed (cast, wall:
        a re-plan; else an instruction edit) and what Kontext reads (see agent/edit.py)."""
        return edit_plan(self, parent, text, speaker=speaker, seed=seed)

    def vary(self, parent: ScenePlan, seed: int) -> tuple[ScenePlan, str]:
        """A subtle variation of a picture drawn from `parent`: its plan with `seed`, and what
        Kontext reads to vary the picture."""
        return vary_plan(self, parent, seed)

    def plan_many(self, requests: Iterable[SceneRequest]) -> Iterator[ScenePlan | InputError]:
        """Plan many requests, in order, one graph run per batch of BATCH_SIZE."""
        batch: list[SceneRequest] = []
        for request in requests:
            batch.append(request)
            if len(batch) == BATCH_SIZE:
                yield from self._plan_batch(batch)
                batch = []
        if batch:
            yield from self._plan_batch(batch)

    def _plan_batch(self, requests: list[SceneRequest]) -> list[ScenePlan | InputError]:
        results: list[ScenePlan | InputError | None] = []
        items: list[PlanItem] = []
        for request in requests:
            if request.as_ is not None and request.as_ not in self.characters:
                known = ", ".join(self.characters)
                results.append(InputError(f"unknown speaker '{request.as_}' for --as; use one of: {known}"))
                continue
            seed = request.seed if request.seed is not None else random.randrange(2**32)
            items.append({"request": request, "seed": seed, "sources": {}})
            results.append(None)
        planned = iter(self.graph.invoke({"items": items})["items"] if items else [])
        return [r if r is not None else _to_plan(next(planned)) for r in results]

    # --- nodes: each maps one step over the batch ----------------------------------------
    def understand(self, state: PlanState) -> PlanState:
        if self.llm is None:
            return {"items": [{**item, "llm": None} for item in state["items"]]}
        llm = self.llm

        def ask(item: PlanItem):
            request = item["request"]
            speaker = self.characters.get(request.as_) if request.as_ else None
            return llm.ask(request.text, speaker, self.character_list)

        with ThreadPoolExecutor(max_workers=LLM_CONCURRENCY) as pool:
            answers = list(pool.map(ask, state["items"]))
        return {"items": [{**item, "llm": a} for item, a in zip(state["items"], answers, strict=True)]}

    def cast(self, state: PlanState) -> PlanState:
        return {"items": [self._cast_one(item) for item in state["items"]]}

    def stage(self, state: PlanState) -> PlanState:
        return {"items": [self._stage_one(item) for item in state["items"]]}

    def dress(self, state: PlanState) -> PlanState:
        return {"items": [self._dress_one(item) for item in state["items"]]}

    def prompt(self, state: PlanState) -> PlanState:
        return {"items": [self._prompt_one(item) for item in state["items"]]}

    # --- one item each -------------------------------------------------------------------
    def _cast_one(self, item: PlanItem) -> PlanItem:
        request, llm = item["request"], item.get("llm") or {}
        proposed = llm.get("characters")
        if isinstance(proposed, list) and all(isinstance(c, str) and c in self.characters for c in proposed):
            return _decided(item, "characters", list(dict.fromkeys(proposed)), "llm")
        return _decided(item, "characters", rules.detect_characters(request.text, request.as_, self.roster), "rules")

    def _stage_one(self, item: PlanItem) -> PlanItem:
        llm = item.get("llm") or {}
        if llm.get("plate") in PLATES:
            return _decided(item, "plate", llm["plate"], "llm")
        request = item["request"]
        return _decided(item, "plate", rules.pick_plate(request.text, request.as_, self.roster), "rules")

    def _dress_one(self, item: PlanItem) -> PlanItem:
        request, llm = item["request"], item.get("llm") or {}
        wearer = next((c for c in item["characters"] if self.characters[c].wears_panel), None)
        asked = rules.requested_slogan(request.text, request.as_, self.roster)
        asked_text = request.shirt or (asked.text[:MAX_SLOGAN_CHARS] if asked else None)
        owner = None if request.shirt or asked is None else asked.owner
        llm_slogan = llm.get("slogan")
        source = "rules"
        notes: list[str] = []
        plain = not request.shirt and rules.asks_plain_panel(request.text, request.as_, self.roster)
        if plain:  # "just the plain panel": the panel, blank, and no slogan composited
            slogan = None
            if wearer is not None:
                notes.append(self._note_plain_panel(wearer))
        elif asked_text and owner is not None and not self.characters[owner].wears_panel:
            slogan = None  # asked on someone without the panel: no slogan at all, and say so
            notes.append(self._note_not_wearer(owner, asked_text))
        elif wearer is None:
            slogan = None  # nobody in the picture can wear the panel
            if asked_text:
                notes.append(self.note_absent_wearer(asked_text))
        elif asked_text:
            slogan = asked_text
        elif isinstance(llm_slogan, str) and 0 < len(llm_slogan.strip()) <= MAX_SLOGAN_CHARS:
            slogan, source = llm_slogan.strip(), "llm"
        else:
            slogan = rules.rotation_slogan(item["seed"], self.sayings)
        outfits = {c: ("panel" if (slogan or plain) and c == wearer else "default") for c in item["characters"]}
        return {**_decided(item, "slogan", slogan, source), "outfits": outfits, "notes": notes}

    def _note_plain_panel(self, wearer: str) -> str:
        name = self.characters[wearer].name.split()[0]
        return f"No slogan on {name}'s shirt: the request asks for a plain panel."

    def note_absent_wearer(self, text: str) -> str:
        panel = next((c for c in self.character_list if c.wears_panel), None)
        who = panel.name.split()[0] if panel else "The slogan wearer"
        return f'{who} is not in this picture, so there is no shirt slogan ("{text}" is left out).'

    def _note_not_wearer(self, owner: str, text: str) -> str:
        name = self.characters[owner].name.split()[0]
        panel = next((c for c in self.character_list if c.wears_panel), None)
        only = f"only {panel.name.split()[0]}'s chest panel carries text" if panel else "nobody here wears a slogan"
        return f'{name} does not wear a slogan shirt ({only}), so "{text}" is left out.'

    def _prompt_one(self, item: PlanItem) -> PlanItem:
        request, llm = item["request"], item.get("llm") or {}
        action = llm.get("action")
        source = "llm"
        shown = item["characters"]
        if not (isinstance(action, str) and 0 < len(action.strip()) <= 500):
            action = rules.describe_action(request.text, request.as_, self.roster, item["slogan"], shown)
            source = "rules"
        else:  # the model's words too may name someone who is not drawn
            action = rules.describe_action(action, None, self.roster, item["slogan"], shown=shown)
        action = action.strip()
        cast = [self.characters[c] for c in item["characters"]]
        wall = WALLS[item["plate"]]
        blank_panel = any(o == "panel" for o in item["outfits"].values())  # the slogan is composited later, or none is asked
        prompt = prompts.kontext_prompt(cast, item["outfits"], wall, action, has_slogan=blank_panel)
        short = prompts.clip_prompt(cast, wall, action)
        return {**_decided(item, "action", action, source), "prompt": prompt, "clip_prompt": short}


def _decided(item: PlanItem, key: str, value, source: str) -> PlanItem:
    return {**item, key: value, "sources": {**item["sources"], key: source}}


def _to_plan(item: PlanItem) -> ScenePlan:
    request = item["request"]
    llm_decided = all(item["sources"].get(k) == "llm" for k in ("characters", "plate", "action"))
    return ScenePlan(
        characters=item["characters"],
        plate=item["plate"],
        slogan=item["slogan"],
        prompt=item["prompt"],
        clip_prompt=item["clip_prompt"],
        source="llm" if llm_decided else "rules",
        sources=item["sources"],
        action=item["action"],
        outfits=item["outfits"],
        seed=item["seed"],
        text=request.text,
        speaker=request.as_,
        notes=item.get("notes", []),
    )


def build_graph(planner: Planner) -> CompiledStateGraph:
    """understand → cast → stage → dress → prompt, compiled once per planner; each node is
    registered by its method's own name."""
    graph = StateGraph(PlanState)
    nodes = (planner.understand, planner.cast, planner.stage, planner.dress, planner.prompt)
    for node in nodes:
        graph.add_node(node)
    graph.add_edge(START, nodes[0].__name__)
    for before, after in pairwise(nodes):
        graph.add_edge(before.__name__, after.__name__)
    graph.add_edge(nodes[-1].__name__, END)
    return graph.compile(name="scene-planner")
