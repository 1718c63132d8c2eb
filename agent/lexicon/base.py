"""The shape of a lexicon: the phrases the rules read, grouped by the job they do."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agent.walls import PlateName


@dataclass(frozen=True)
class Lexicon:
    language: str
    and_words: tuple[str, ...] = ()
    # Just before a name: "without Milo", "ohne James", "sans Milo", "🚫🦝".
    without: tuple[str, ...] = ()
    # What a clause says of its subject (agent/clauses.py). `fillers` may come first
    # (auxiliaries and adverbs: "is", "has been", "'s", "just", "ist", "está"); then a head
    # that says the subject is elsewhere. `away_re` always does ("is off sick", "went home",
    # "has been banned from the lab", "is at the dentist", "ist im Urlaub"); `away_unless_here_re`
    # does unless the rest of the clause puts them at a wall of the lab ("popped out for
    # lunch", but "off to the whiteboard"; "se fue a comer", but "se fue al escritorio").
    fillers: tuple[str, ...] = ()
    away_re: tuple[str, ...] = ()
    away_unless_here_re: tuple[str, ...] = ()
    # Verbs of work in the lab: "went to fix the rack" keeps the subject here.
    here_verbs: tuple[str, ...] = ()
    # Words that start a new clause ("so", "while", "but"; "pero", "aber", "mais").
    clause_words: tuple[str, ...] = ()
    # Asides between commas that interrupt a clause ("James, regrettably, will …", "Milo,
    # as agreed, staying out of frame"): regular-expression fragments.
    asides: tuple[str, ...] = ()
    # After "and"/"but", a word that carries on the same subject's predicate ("… and ought
    # therefore not to appear", "… und ist im Urlaub").
    carry_on: tuple[str, ...] = ()
    # The lab itself as a destination ("went back to the lab").
    lab_words: tuple[str, ...] = ()
    # The whole scene is empty: "not a soul", "niemand", "nadie", "vide"; `empty_scene_re`
    # for words that need their neighbours ("personne", but not "une personne").
    empty_scene: tuple[str, ...] = ()
    empty_scene_re: tuple[str, ...] = ()
    # A group of everyone in the lab, for "everyone went home".
    everyone: tuple[str, ...] = ()
    # Asking the bot, which mentions nobody: "could you", "zeichne", "dibuja", "dessine".
    request_re: tuple[str, ...] = ()
    # Another word for one of the characters' aliases: {"waschbär": "raccoon"}.
    alias_words: dict[str, str] = field(default_factory=dict)
    # Shirt text: the garments, the words between a garment and its text, and things that
    # carry text but are not the shirt (a sign, a mug, the whiteboard).
    garments: tuple[str, ...] = ()
    shirt_links: tuple[str, ...] = ()
    on_garment: tuple[str, ...] = ()
    text_carriers: tuple[str, ...] = ()
    # Wall words in this language (English ones are in agent/walls.py).
    walls: dict[PlateName, tuple[str, ...]] = field(default_factory=dict)
    # Where something happens: "at", "on", "am", "auf", "en", "sur".
    places: tuple[str, ...] = ()
    # Common words a typo must never be read as: "mild" is not Milo, "jams" is not James.
    not_names: tuple[str, ...] = ()
    # Other people who share a name, by the word before or after it ("lebron" James,
    # James "harden", "venus de" Milo): lower-case, so they are caught in any case.
    namesake_before: tuple[str, ...] = ()
    namesake_after: tuple[str, ...] = ()
    # Small words that are never part of a name (for telling "LeBron James" from "Milo and James").
    function_words: tuple[str, ...] = ()
    # A name given to a thing: "a playlist called Milo", "ein Kater namens James".
    naming: tuple[str, ...] = ()
    # The speaker in this language: "me" ("ich", "mich", "yo", "moi", "je"), "us" ("wir",
    # "nosotros", "nous") and "my" ("mein", "mi", "mon"): regular-expression fragments.
    me_words: tuple[str, ...] = ()
    us_words: tuple[str, ...] = ()
    my_words: tuple[str, ...] = ()
    # Just before a name, words that say the person is missed or reached from afar, not
    # drawn: "wishing Milo were here", "waiting for James", "texting James" (fragments).
    longing: tuple[str, ...] = ()
    # Just after a name, words that keep the scene to them: "alone", "by himself", "allein".
    alone: tuple[str, ...] = ()
    # A character described, not named (agent/roles.py): words that open a description
    # ("the", "our", "der", "el", "o", "il") and nouns for anyone, which a trait or a role
    # word must single out ("the guy who runs the lab", "our AI guy", "the masked one").
    determiners: tuple[str, ...] = ()
    people_nouns: tuple[str, ...] = ()


def phrase_re(phrases: tuple[str, ...] | list[str]) -> str:
    """Plain phrases as one alternation, longest first, a space matching any white space."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)
