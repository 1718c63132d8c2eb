"""The four walls of the lab: the same descriptions for the rules, the LLM prompt,
the plates and the tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PlateName = Literal["north", "east", "south", "west"]
PLATES: tuple[PlateName, ...] = ("north", "east", "south", "west")
DEFAULT_PLATE: PlateName = "east"


@dataclass(frozen=True)
class Wall:
    name: PlateName
    title: str
    description: str
    # Words and phrases in a request that call for this wall (lower-case, whole words).
    cues: tuple[str, ...]


WALLS: dict[PlateName, Wall] = {
    "north": Wall(
        "north",
        "the server rack wall",
        "a tall server rack holding two DGX Spark nodes, a network switch with blinking green "
        "and amber LEDs, neatly bundled blue and yellow cables, and a UPS at the bottom",
        ("rack", "server", "servers", "server rack", "dgx", "spark", "sparks", "switch", "cable",
         "cables", "cabling", "led", "leds", "ups", "network", "networking", "blinking",
         "north wall", "datacenter", "data center", "patch", "router", "hardware", "node", "nodes"),
    ),
    "east": Wall(
        "east",
        "the desk wall",
        "a long desk with three monitors showing code and dashboards, a mechanical keyboard, "
        "a mouse, and several coffee mugs",
        ("desk", "monitor", "monitors", "screen", "screens", "keyboard", "coffee", "mug", "mugs",
         "debugging", "debug", "debugs", "coding", "code", "codes", "typing", "programming",
         "computer", "email", "emails", "ticket", "tickets", "terminal", "east wall", "deploy",
         "deploying", "on call", "on-call", "pager"),
    ),
    "south": Wall(
        "south",
        "the fitness corner",
        "an exercise bike beside a big window with potted plants, and a wall-mounted TV "
        "showing training loss curves",
        ("bike", "exercise", "exercising", "cycling", "workout", "working out", "fitness", "gym",
         "treadmill", "window", "plant", "plants", "tv", "television", "loss curve",
         "loss curves", "south wall", "pedaling", "pedalling", "sweating", "stretching"),
    ),
    "west": Wall(
        "west",
        "the whiteboard wall",
        "a large whiteboard covered in diagrams, a workbench with hand tools and a 3D printer, "
        "and a worn couch",
        ("whiteboard", "white board", "diagram", "diagrams", "workbench", "bench", "tools",
         "3d printer", "printer", "printing", "couch", "sofa", "nap", "napping", "soldering",
         "brainstorm", "brainstorming", "planning", "west wall", "explaining", "lecture",
         "marker", "sketching"),
    ),
}
