"""The bot's "🖼 Gallery" link button: under a picture from the primary render service when
CARTOON_GALLERY_URL is set, pointing at that picture's page; never otherwise."""

from __future__ import annotations

import discord
import pytest

from bot.views import picture_view
from core.settings import Settings, get_settings

JOB = "0123456789abcdef0123456789abcdef"


def links(view: discord.ui.View) -> list[discord.ui.Button]:
    return [item for item in view.children if isinstance(item, discord.ui.Button) and item.url]


@pytest.mark.parametrize("url", ["https://cartoons.example/gallery", "https://cartoons.example/gallery/"])
def test_a_set_gallery_url_adds_a_link_to_the_picture(url: str) -> None:
    view = picture_view(JOB, 42, gallery_url=url)
    (button,) = links(view)
    assert button.url == f"https://cartoons.example/gallery/p/{JOB}"
    assert button.label == "Gallery"
    assert str(button.emoji) == "🖼"
    assert button.style is discord.ButtonStyle.link
    assert len(view.children) == 6  # Reroll, Vary, Edit, New slogan, Delete, then Gallery
    assert button.row == 1  # on a row of its own: Discord allows five components a row


def test_no_link_without_a_url_or_for_the_fallback_service() -> None:
    assert links(picture_view(JOB, 42, gallery_url="")) == []
    assert links(picture_view(JOB, 42, "f", gallery_url="https://cartoons.example/gallery")) == []


def test_the_setting_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARTOON_GALLERY_URL", "http://127.0.0.1:8400/gallery")
    get_settings.cache_clear()
    try:
        (button,) = links(picture_view(JOB, 42))
        assert button.url == f"http://127.0.0.1:8400/gallery/p/{JOB}"
    finally:
        monkeypatch.delenv("CARTOON_GALLERY_URL")
        get_settings.cache_clear()


@pytest.mark.parametrize("bad", ["cartoons.example/gallery", "ftp://x/gallery", "javascript:alert(1)"])
def test_a_gallery_url_that_is_no_web_address_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="not a web address"):
        Settings(_env_file=None, gallery_url=bad)


def test_an_empty_gallery_url_is_unset() -> None:
    assert Settings(_env_file=None, gallery_url=" ").gallery_url is None
