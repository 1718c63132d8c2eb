"""English: the language most requests are in. Wall words are in agent/walls.py."""

from agent.lexicon.base import Lexicon

_AWAY_PLACES = (
    "conference|meeting|meetup|lunch|dinner|breakfast|dentist|doctor|doctor's|hospital|"
    "wedding|funeral|offsite|off-site|summit|vet|airport|school|party|concert|workshop|"
    "standup|stand-up|retreat|trade show|hackathon|appointment|call|all-hands"
)

LEXICON = Lexicon(
    language="en",
    and_words=("and", "n", "'n'", "&", "+", "plus", "or", "nor", "and also", "as well as"),
    without=(
        "without", "w/o", "w/out", "minus", "except", "except for", "excluding", "but not", "not",
        "no", "no more", "never", "other than", "apart from", "aside from", "instead of",
        "rather than", "skip", "skipping", "drop", "remove", "exclude", "leave out", "lose",
        "ditch", "forget", "omit", "hide", "don't draw", "dont draw", "do not draw",
        "don't include", "do not include", "don't show", "do not show", "don't add", "no need for",
        "without any", "🚫", "❌", "⛔", "🙅",
    ),
    copulas=(
        "is", "'s", "was", "are", "were", "'re", "am", "'m", "has", "have", "had", "has been",
        "is still", "will be", "'ll be", "went", "goes", "gone", "stays", "stayed", "stay", "got",
        "gets", "just", "already", "still", "probably", "totally", "completely", "left", "both",
        "all", "has already", "is already", "'s already", "decided to", "is going to", "off", "out",
        "away", "currently", "again", "called in", "calls in", "phoned in",
    ),
    absent_after_re=(
        r"(?:off\s+)?sick(?:\s+today)?", r"ill", r"off(?=\s*(?:[,.;!?)]|$|today|tonight|this|work|duty|for))",
        r"out(?=\s*(?:[,.;!?)—–-]|$|today|tonight|this\s+(?:time|week|one)|sick|of\s+(?:it|this|the\s+picture|frame|the\s+frame|office)))",
        r"away", r"gone", r"(?:at\s+)?home", r"left(?:\s+(?:early|already|the\s+(?:building|lab|room|office)))?",
        r"on\s+(?:a\s+)?(?:vacation|holiday|holidays|break|pto|trip|sabbatical|(?:[\w-]+\s+)?leave)",
        r"(?:not|isn't|is\s+not|won't\s+be|will\s+not\s+be)\s+(?:coming|joining|in|around|here|there)(?:\s+in)?",
        r"(?:at|in)\s+(?:a|an|the|his|her)?\s*(?:" + _AWAY_PLACES + r")",
        r"out\s+of\s+(?:office|the\s+office|town|it|the\s+picture|frame|the\s+frame|this\s+one)",
        r"ooo", r"afk", r"elsewhere", r"busy(?:\s+elsewhere)?(?=\s*(?:[,.;!?]|$|elsewhere|today))",
        r"travel+ing", r"not\s+(?:there|here|around|in\s+(?:it|this|the\s+(?:picture|scene|shot|frame)|this\s+one)|invited|today|this\s+time|in\s+today)",
        r"isn't\s+(?:there|here|around|in\s+(?:it|this|the\s+(?:picture|scene))|invited|coming)",
        r"is\s+not\s+(?:there|here|around)", r"nowhere(?:\s+to\s+be\s+(?:seen|found))?",
        r"missing", r"absent", r"excluded", r"skipped", r"(?:sits|sitting|sat)\s+this\s+one\s+out",
        r"(?:can't|cannot|couldn't)\s+(?:make\s+it|come|be\s+there)", r"(?:has\s+|took\s+|having\s+)?(?:the|a|his|her)?\s*day\s+off",
        r"stays?\s+out(?:\s+of\s+(?:it|this|the\s+picture|frame))?", r"stayed\s+(?:out|home)",
        r"(?:went|go|gone|goes|headed|heading)\s+home", r"not\s+feeling\s+(?:well|good|great)",
        r"(?:feeling\s+)?unwell", r"feeling\s+sick", r"under\s+the\s+weather", r"has\s+(?:the\s+)?(?:flu|covid|a\s+cold)",
        r"(?:on\s+)?(?:a\s+)?(?:sick\s+day|day\s+off|break|lunch\s+break)", r"asleep\s+at\s+home", r"in\s+bed",
        r"(?:still\s+)?(?:stuck\s+)?in\s+traffic", r"on\s+(?:a|the)\s+(?:plane|train|road)", r"abroad", r"offline", r"out\s+today", r"\?+\s*(?:not\s+today|not\s+this\s+time|nope|nah|no|not)\b",
    ),
    empty_scene=(
        "nobody", "no one", "no-one", "noone", "not a soul", "not a single soul", "no people",
        "no person", "no characters", "no humans", "no one around", "empty", "unoccupied",
        "deserted", "vacant", "unattended", "abandoned", "only the furniture", "just the furniture",
        "without anyone", "without anybody", "nobody there", "no one there", "no raccoons or humans",
        "👻",
    ),
    everyone=(
        "everyone", "everybody", "both of them", "the two of them", "the both of them", "they both",
        "they", "both", "all of them", "the whole team", "the team", "all of us", "we all",
    ),
    request_re=(
        r"\b(?:can|could|would|will|won't|wont)\s+(?:you|u)\b",
        r"\b(?:if|when)\s+you\s+(?:can|could|have\s+time|get\s+a\s+chance)\b",
        r"\b(?:do|did|are|have)\s+you\s+(?:mind|think|have)\b", r"\byou\s+know\b",
        r"\bthank(?:s| you| u)\b", r"\b(?:thx|ty|tysm|pls|plz|please)\b",
        r"\b(?:can|could|may)\s+i\b",
        r"\bi\s*(?:'d|would|want|wanna|need|wish|'m\s+asking|am\s+asking|think|guess|hope|wonder|"
        r"love|like|feel|bet|believe|mean|know|saw|heard|was\s+thinking|really)\b",
        r"\b(?:draw|make|show|give|send|get|paint|render|create|generate|do|let)\s+me\b"
        r"(?=\s+(?:(?:a|an|the|some|one|what|how|see|you|us|something|another)\b|\W))",
        r"\b(?:gimme|lemme|gib)\b",
    ),
    alias_words={"racoon": "raccoon", "racoons": "raccoon", "raccoons": "raccoon", "🦝": "raccoon",
                 ":raccoon:": "raccoon", "trashpanda": "trash panda"},
    garments=(
        "shirt", "t-shirt", "tshirt", "t shirt", "tee", "tee-shirt", "teeshirt", "hoodie", "sweatshirt",
        "sweater", "jumper", "top", "tank top", "jersey", "chest", "front", "chest panel", "panel",
        "slogan", "shirt text",
    ),
    shirt_links=(
        "that says", "which says", "that reads", "which reads", "saying", "reading", "says", "reads",
        "read", "with", "with the words", "with the text", "with the slogan", "printed with",
        "that has", "that said", "should say", "should read", "will say", "must say", "has", "is",
        "text", "the words", "that goes", "with text", "printed", "written", "that says something like",
    ),
    on_garment=("printed on", "written on", "on", "across", "emblazoned on", "in big letters on",
                "on the front of", "across the front of", "printed across"),
    text_carriers=(
        "sign", "board", "whiteboard", "screen", "monitor", "banner", "mug", "cup", "poster", "note",
        "sticky note", "post-it", "sticker", "caption", "bubble", "speech bubble", "laptop", "door",
        "label", "notebook", "tv", "display", "slide", "terminal", "phone", "message", "cake",
        "flag", "placard", "t-shirt cannon", "tattoo", "book", "paper", "log", "commit message",
    ),
    places=("at", "on", "by", "in front of", "next to", "near", "beside", "behind", "under",
            "from", "onto", "into", "in", "inside", "against", "over", "up at", "down at", "@"),
    not_names=(
        "mild", "mile", "milk", "mill", "mils", "mil", "miso", "mio", "mijo", "mito", "milf", "mild",
        "mile", "mila", "mino", "milos", "jams", "jamb", "jambs", "jane", "janes", "jades", "jamas",
        "jamás", "jame's", "handle", "handled", "handles", "handlebar", "handlebars", "handlers",
        "mascara", "bacon", "radon", "beach", "coach", "cough", "widow", "plans", "serve", "served",
        "serves", "disk", "deck", "dusk", "decks", "bench", "windows", "mouse", "mount",
    ),
    namesake_before=(
        "king", "saint", "st", "st.", "lebron", "jesse", "etta", "henry", "rick", "harry", "lebron's",
        "venus de", "venus di", "the venus de", "agent", "president", "uncle", "brother", "sir",
    ),
    namesake_after=(
        "bond", "webb", "brown", "cameron", "franco", "corden", "dean", "joyce", "taylor", "may",
        "harden", "hetfield", "gandolfini", "madison", "monroe", "earl jones", "spader", "mcavoy",
        "bible", "version", "ventimiglia", "murphy", "murphy's", "yiannopoulos", "thatch", "of croton",
        "beam", "fallon", "kimmel", "carter", "hendrix", "page", "choo", "neutron", "buffett", "hoffa",
        "webb's", "bond's", "telescope", "park", "street", "river", "bay", "island", "gang",
    ),
    function_words=(
        "a", "an", "the", "and", "or", "but", "at", "on", "in", "of", "to", "for", "with", "without",
        "by", "near", "next", "from", "is", "are", "was", "has", "his", "her", "their", "my", "your",
        "our", "its", "it", "this", "that", "these", "those", "then", "while", "when", "as", "so",
        "if", "not", "no", "too", "also", "again", "alone", "asleep", "awake", "together", "here",
        "there", "now", "today", "tonight", "please", "pls", "lol", "just", "only", "both", "all",
        "up", "down", "out", "off", "over", "under", "into", "onto", "behind", "beside", "after",
        "before", "during", "because", "who", "what", "draw", "show", "make", "paint", "hey", "hi",
        "yo", "ok", "okay", "maybe", "and", "n", "plus", "vs", "versus", "than", "like", "looking",
        "happy", "sad", "tired", "busy", "again", "still", "once", "twice", "yesterday", "tomorrow",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "wait", "look",
        "see", "oh", "wow", "yes", "yeah", "nope", "cool", "nice", "pic", "picture", "drawing",
        "i", "me", "we", "us", "you", "he", "she", "they", "him", "them", "mr", "dr", "mrs", "ms",
    ),
)
