"""The shirt font's glyph check (`render.compositor.text.check_glyphs`) on any text at all:
callers other than the service (`cartoon shirt --text`, scripts, the pipeline) may hand it
raw control characters, lone surrogates or line breaks. It either accepts the text, and then
the font can lay it out, or refuses with the project's `InputError` naming each character it
cannot draw in a readable form; no other exception ever escapes."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import InputError
from render.compositor.text import check_glyphs, font

# Every code point, surrogates and controls included, weighted towards the troublesome ones.
ANY_CHAR = st.characters(codec=None, categories=None)
CONTROLS = st.sampled_from(["\n", "\r", "\t", "\x00", "\x07", "\x1b", "\x85", "\u2028", "\u2029", "\ud800", "\u202e", "\ufeff"])
TEXT = st.lists(st.one_of(ANY_CHAR, CONTROLS, st.sampled_from("PEBKAC 42!")), max_size=40).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_any_text_is_accepted_or_refused_with_an_input_error(text: str) -> None:
    try:
        check_glyphs(text)
    except InputError as exc:
        message = str(exc)
        assert message.isprintable(), f"the refusal itself holds unprintable characters: {message!r}"
        assert len(message.splitlines()) == 1
        return
    font(32).getmask(text)  # accepted: the font lays it out


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("PEBKAC\nnow", "U+000A"),
        ("tab\there", "U+0009"),
        ("bell\x07", "U+0007"),
        ("next line\x85", "U+0085"),
        ("para\u2029graph", "U+2029"),
        ("lone \ud800 surrogate", "U+D800"),
        ("\u202eGNIKROW", "U+202E"),
        ("nul\x00", "U+0000"),
    ],
)
def test_control_characters_are_refused_by_name(text: str, named: str) -> None:
    with pytest.raises(InputError) as refused:
        check_glyphs(text)
    assert named in str(refused.value) and str(refused.value).isprintable()


def test_plain_slogans_and_accented_letters_pass() -> None:
    for text in ("PEBKAC", "It works on my machine!", "Café déjà vu", "Grüße 100%"):
        check_glyphs(text)


def test_emoji_is_refused_and_shown_as_itself() -> None:
    with pytest.raises(InputError, match="🙂"):
        check_glyphs("ok 🙂")
