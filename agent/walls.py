"""The four walls of the lab: the same descriptions for the rules, the LLM prompt,
the plates and the tests, and the English words and emoji that call for each wall.

`cues` are the things on a wall and their common synonyms; `actions` are what people do
there, in each form a request may use ("cycling", "cycles", "cycled"; weighted a little
higher by the rules: "typing" puts the scene at the desk more surely than a mention of a
mug); `emoji` stand for either. Other languages' wall words
are in `agent/lexicon/`.
"""

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
    # Things on this wall, lower-case, whole words ("server rack", "dgx").
    cues: tuple[str, ...]
    # What people do here ("soldering", "pedalling").
    actions: tuple[str, ...] = ()
    emoji: tuple[str, ...] = ()


WALLS: dict[PlateName, Wall] = {
    "north": Wall(
        "north",
        "the server rack wall",
        "a tall server rack holding two DGX Spark nodes, a network switch with blinking green "
        "and amber LEDs, neatly bundled blue and yellow cables, and a UPS at the bottom",
        ("rack", "the rack", "server", "servers", "server rack", "server room", "dgx", "dgx spark",
         "spark", "sparks", "switch", "network switch", "cable", "cables", "cabling", "led", "leds",
         "ups", "battery", "network", "networking", "north wall", "datacenter", "data center",
         "patch panel", "patch cable", "router", "hardware", "node", "nodes", "gpu", "gpus",
         "gpu node", "cluster", "psu", "power supply", "ethernet", "fiber", "fibre", "blade",
         "drive", "drives", "hard drive", "ssd", "fan", "fans", "port", "ports", "nas", "homelab",
         "racks", "transceiver", "sfp", "wires", "cable mess", "battery backup", "gpu box", "gpu server",
         "server cabinet", "cabinet", "blinkenlights", "h100", "h100s", "a100", "nvlink", "infiniband",
         "cpu", "cpus", "patch lead", "patch leads"),
        ("cabling", "crimping", "rebooting", "racking", "wiring", "reseating", "plugging",
         "swapping", "untangling", "rewiring", "labelling", "labeling", "re-cabling", "recabling",
         "crimps", "crimped", "reboots", "rebooted", "rewires", "rewired", "reseats", "reseated",
         "untangles", "untangled", "re-cables", "plugs", "plugged"),
        ("🔌", "🖧", "💾", "🗄️", "🗄", "🟢", "🚨"),
    ),
    "east": Wall(
        "east",
        "the desk wall",
        "a long desk with three monitors showing code and dashboards, a mechanical keyboard, "
        "a mouse, and several coffee mugs",
        ("desk", "standing desk", "monitor", "monitors", "screen", "screens", "keyboard",
         "mechanical keyboard", "coffee", "mug", "mugs", "computer", "email", "emails", "ticket",
         "tickets", "terminal", "east wall", "pager", "on call", "on-call", "dashboard",
         "dashboards", "code", "pull request", "laptop", "mouse", "chair", "office chair",
         "video call", "zoom call", "logs", "spreadsheet", "slack", "discord", "espresso",
         "latte", "cup of coffee", "workstation", "ide", "vim", "emacs", "alerts", "grafana", "displays",
         "ultrawide", "keeb", "cups", "coffee cup", "coffee cups", "teacup", "tea", "pr", "stack trace",
         "jira", "inbox"),
        ("debugging", "debug", "debugs", "coding", "codes", "typing", "programming", "deploying",
         "deploy", "emailing", "reviewing", "pair-programming", "refactoring", "compiling",
         "hacking", "googling", "answering", "procrastinating", "types", "typed", "coded",
         "debugged", "deploys", "deployed", "emailed", "refactors", "refactored", "compiles"),
        ("🖥️", "🖥", "💻", "⌨️", "⌨", "🖱️", "🖱", "☕", "📧", "🧑‍💻", "👨‍💻", "👩‍💻"),
    ),
    "south": Wall(
        "south",
        "the fitness corner",
        "an exercise bike beside a big window with potted plants, and a wall-mounted TV "
        "showing training loss curves",
        ("bike", "exercise bike", "spin bike", "stationary bike", "bicycle", "peloton",
         "treadmill", "rowing machine", "rower", "elliptical", "dumbbell", "dumbbells",
         "weights", "kettlebell", "yoga mat", "pull-up bar", "fitness corner", "fitness", "gym",
         "window", "big window", "plant", "plants", "potted plant", "ferns", "fern", "succulent",
         "succulents", "monstera", "cactus", "flowers", "tv", "television", "loss curve",
         "loss curves", "loss", "south wall", "sunset", "sunrise", "the view", "pull-ups",
         "push-ups", "pushups", "pullups", "situps", "sit-ups", "plank", "squats", "cardio", "workout", "exercise", "chain", "handlebars",
         "saddle", "pedals", "ergometer", "houseplants", "greenery", "ficus", "windowsill", "blinds",
         "telly", "flatscreen", "tensorboard", "training curves", "wandb", "yoga", "jump rope",
         "spin class", "spin session", "bike ride"),
        ("cycling", "pedaling", "pedalling", "exercising", "working out", "sweating", "stretching",
         "riding", "spinning", "watering", "jogging", "running", "lifting", "training hard",
         "potting", "gardening", "cycles", "cycled", "pedal", "pedalled", "pedaled", "rides", "rode",
         "mid-ride", "exercises", "exercised", "works out", "worked out", "stretches", "stretched",
         "waters", "watered", "jogs", "jogged", "sweats"),
        ("🚴", "🚲", "🏋️", "🏋", "🏃", "🪴", "🌱", "🌿", "🌵", "📺", "📉", "🪟", "🌅", "💪", "🧘"),
    ),
    "west": Wall(
        "west",
        "the whiteboard wall",
        "a large whiteboard covered in diagrams, a workbench with hand tools and a 3D printer, "
        "and a worn couch",
        ("whiteboard", "white board", "board", "diagram", "diagrams", "workbench", "bench",
         "work bench", "tools", "3d printer", "printer", "couch", "sofa", "marker", "markers",
         "soldering iron", "solder", "sticky notes", "post-its", "west wall", "blanket", "pillow",
         "architecture", "flowchart", "equations", "roadmap", "oscilloscope", "multimeter",
         "dev board", "breadboard", "arduino", "raspberry pi", "screwdriver", "filament",
         "nap", "siesta", "earplugs", "futon", "beanbag", "dry-erase board", "tool bench",
         "soldering station", "prusa", "bambu", "settee", "loveseat", "cushion", "cushions", "blanket fort",
         "3d print", "3d prints", "3d-print", "3d-prints", "print job", "benchy"),
        ("napping", "sleeping", "dozing", "soldering", "printing", "3d-printing", "3d printing",
         "brainstorming", "planning", "explaining", "presenting", "lecturing", "sketching",
         "whiteboarding", "doodling", "teaching", "lounging", "resting",
         "snoozing", "passed out", "curled up", "snooze", "naps", "napped", "sleeps", "slept", "dozes",
         "dozed", "snoozes", "snoozed", "solders", "soldered", "prints", "3d printed", "3d-printed",
         "sketches", "sketched", "doodles", "doodled", "brainstorms", "lounges", "lounged", "explains",
         "explained", "teaches", "lectures"),
        ("🛋️", "🛋", "🧑‍🏫", "👨‍🏫", "👩‍🏫", "🏫", "🖨️", "🖨", "🪛", "💤", "😴", "📋", "🖊️"),
    ),
}
