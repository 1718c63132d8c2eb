"""German: "Milo und James am Whiteboard", "ohne Milo", "James ist krank"."""

from agent.lexicon.base import Lexicon

LEXICON = Lexicon(
    language="de",
    and_words=("und", "oder", "sowie"),
    without=("ohne", "außer", "ausser", "nicht", "kein", "keine", "keinen", "nicht mit", "weg mit"),
    copulas=("ist", "sind", "war", "hat", "bleibt", "heute", "gerade", "schon", "leider", "noch"),
    absent_after_re=(
        r"krank", r"nicht\s+(?:da|dabei|hier|im\s+bild|anwesend|im\s+labor)", r"weg", r"abwesend",
        r"im\s+urlaub", r"in\s+(?:einer|der)\s+(?:besprechung|konferenz|sitzung)", r"(?:zu\s+hause|daheim)",
        r"beim\s+(?:arzt|zahnarzt|mittagessen)", r"unterwegs", r"frei", r"fehlt", r"nach\s+hause\s+gegangen",
        r"bleibt\s+(?:weg|draußen|zu\s+hause)", r"(?:ist\s+)?heute\s+nicht\s+da",
        r"nicht(?=\s*(?:[,.;!?]|$))",
    ),
    empty_scene=("niemand", "niemanden", "keiner", "menschenleer", "leer", "leere", "leeren", "leeres",
                 "ohne personen", "ohne leute"),
    everyone=("alle", "beide", "jeder"),
    request_re=(r"\b(?:zeichne|zeichnet|male|mal|mach|mache|zeig|zeige)(?:\s+(?:mir|mich|bitte))?\b",
                r"\bbitte\b", r"\bkannst\s+du\b", r"\bich\s+(?:möchte|will|hätte\s+gern)\b"),
    alias_words={"waschbär": "raccoon", "waschbären": "raccoon", "waschbaer": "raccoon"},
    garments=("t-shirt", "shirt", "hemd", "pulli", "pullover", "hoodie", "brust", "spruch"),
    shirt_links=("mit der aufschrift", "mit aufschrift", "mit dem spruch", "auf dem steht",
                 "wo drauf steht", "mit", "aufschrift", "mit dem text", "das sagt"),
    on_garment=("auf dem t-shirt", "auf seinem t-shirt", "auf der brust", "auf seiner brust"),
    text_carriers=("schild", "tafel", "tasse", "bildschirm", "zettel", "plakat"),
    walls={
        "north": ("serverschrank", "serverrack", "server", "kabel", "netzwerk", "switch", "rack"),
        "east": ("schreibtisch", "bildschirm", "bildschirme", "bildschirmen", "monitor", "monitore",
                 "monitoren", "tastatur", "kaffee", "tasse", "tassen"),
        "south": ("fahrrad", "heimtrainer", "ergometer", "hometrainer", "fenster", "pflanzen",
                  "pflanze", "fernseher", "gießt", "trainiert"),
        "west": ("whiteboard", "tafel", "sofa", "couch", "werkbank", "lötet", "löten", "lötkolben",
                 "3d-drucker", "drucker", "nickerchen", "schläft"),
    },
    places=("am", "an", "auf", "im", "vor", "neben", "bei", "hinter", "unter", "an der", "auf dem"),
    not_names=("mild", "mit", "mile", "jamas"),
    function_words=("und", "am", "an", "auf", "mit", "ohne", "im", "in", "der", "die", "das", "dem",
                    "den", "ist", "sitzt", "vor", "neben", "bei", "zeichne", "bitte", "heute"),
)
