"""German: "Milo und James am Whiteboard", "ohne Milo", "James ist krank"."""

from agent.lexicon.base import Lexicon

LEXICON = Lexicon(
    language="de",
    and_words=("und", "oder", "sowie"),
    without=("ohne", "außer", "ausser", "nicht", "kein", "keine", "keinen", "nicht mit", "weg mit"),
    fillers=("ist", "sind", "war", "waren", "hat", "haben", "bleibt", "heute", "gerade", "schon", "leider",
             "noch", "jetzt", "wieder", "auch", "mal", "bereits", "gestern", "eben", "einfach", "wohl"),
    away_re=(
        r"krank(?:geschrieben)?", r"nicht\s+(?:da|dabei|mit\s+dabei|hier|anwesend|zu\s+sehen|mehr\s+da|im\s+\w+|in\s+der\s+\w+|am\s+\w+)",
        r"weg", r"fort", r"abwesend", r"verreist", r"unterwegs", r"frei", r"fehlt", r"feierabend", r"(?:hat|macht)\s+feierabend",
        r"(?:im|in\s+den)\s+urlaub", r"auf\s+(?:dienstreise|geschäftsreise|reisen|reise|einer\s+\w+)",
        r"in\s+(?:einer|der)\s+(?:besprechung|konferenz|sitzung)", r"(?:zu\s+hause|daheim|nach\s+hause)",
        r"beim\s+(?:arzt|zahnarzt|tierarzt|friseur|mittagessen|essen|einkaufen|sport)",
        r"(?:ausgesperrt|rausgeworfen|rausgeflogen|gesperrt|verbannt|gekündigt|entlassen)",
        r"bleibt\s+(?:weg|draußen|zu\s+hause)", r"(?:ist\s+)?heute\s+nicht\s+da", r"nicht(?=\s*(?:[,.;!?]|$))",
    ),
    away_unless_here_re=(
        r"(?:\S+\s+){0,3}?(?:gegangen|gefahren|geflogen|gelaufen|verschwunden|abgehauen|weggegangen|losgegangen|"
        r"rausgegangen|ausgegangen|heimgegangen|abgereist)(?![\w])",
        r"(?:geht|ging|gehen|fährt|fuhr|läuft|lief|fliegt|flog)\s+(?:zum|zur|nach|in\s+die|in\s+den|ins|raus|weg|heim|einkaufen)(?![\w])",
    ),
    clause_words=("und", "aber", "während", "weil", "denn", "also", "dann", "sodass", "doch", "obwohl", "wenn"),
    lab_words=("labor",),
    empty_scene=("niemand", "niemanden", "keiner", "menschenleer", "leer", "leere", "leeren", "leeres",
                 "ohne personen", "ohne leute"),
    everyone=("alle", "beide", "jeder"),
    request_re=(r"\b(?:zeichne|zeichnet|male|mal|mach|mache|zeig|zeige)(?:\s+(?:mir|mich|bitte))?\b",
                r"\bbitte\b", r"\bkannst\s+du\b", r"\bich\s+(?:möchte|will|hätte\s+gern)\b"),
    # The sheet's aliases are English; these are the same people in German.
    alias_words={"waschbär": "raccoon", "waschbären": "raccoon", "waschbaer": "raccoon",
                 "der chef": "the boss", "den chef": "the boss", "dem chef": "the boss", "mein chef": "the boss",
                 "meinem chef": "the boss", "meinen chef": "the boss", "unser chef": "the boss",
                 "unserem chef": "the boss", "unseren chef": "the boss", "der boss": "the boss",
                 "den boss": "the boss", "dem boss": "the boss", "der mensch": "the human", "den menschen": "the human"},
    garments=("t-shirt", "shirt", "hemd", "pulli", "pullover", "hoodie", "brust", "spruch"),
    shirt_links=("mit der aufschrift", "mit aufschrift", "mit dem spruch", "auf dem steht",
                 "wo drauf steht", "mit", "aufschrift", "mit dem text", "das sagt"),
    on_garment=("auf dem t-shirt", "auf seinem t-shirt", "auf der brust", "auf seiner brust"),
    text_carriers=("schild", "tafel", "tasse", "bildschirm", "zettel", "plakat"),
    walls={
        "north": ("serverschrank", "serverrack", "server", "kabel", "netzwerk", "switch", "rack"),
        "east": ("schreibtisch", "bildschirm", "bildschirme", "bildschirmen", "monitor", "monitore",
                 "monitoren", "tastatur", "kaffee", "tasse", "tassen"),
        "south": ("radelt", "strampelt", "fahrrad", "heimtrainer", "ergometer", "hometrainer", "fenster", "pflanzen",
                  "pflanze", "fernseher", "gießt", "trainiert"),
        "west": ("druckt", "drucken", "whiteboard", "tafel", "sofa", "couch", "werkbank", "lötet", "löten", "lötkolben",
                 "3d-drucker", "drucker", "nickerchen", "schläft"),
    },
    # Not "an" alone: it is also the English article ("crimping an ethernet cable").
    places=("am", "an der", "an dem", "ans", "auf", "im", "vor", "neben", "bei", "hinter", "unter", "auf dem", "zum", "zur", "ins"),
    not_names=("mild", "mit", "mile", "jamas"),
    function_words=("und", "am", "an", "auf", "mit", "ohne", "im", "in", "der", "die", "das", "dem",
                    "den", "ist", "sitzt", "vor", "neben", "bei", "zeichne", "bitte", "heute"),
)
