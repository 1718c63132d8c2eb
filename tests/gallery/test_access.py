"""The gallery's signatures: login cookies, CSRF tokens and share links refuse anything
changed, expired, or made with another key; a login ends when its secret changes."""

from __future__ import annotations

import time

import pytest

from core.settings import Settings
from render.service.gallery.access import Access, AccessError, Session

TOKEN = "the-service-token"
PASSWORD = "blog-team-password"


def access(**values: object) -> Access:
    base: dict[str, object] = {"render_token": TOKEN, "gallery_password": PASSWORD}
    base.update(values)
    return Access(Settings(_env_file=None, **base))


def test_the_token_and_the_password_open_different_roles() -> None:
    keys = access()
    assert keys.role_for(TOKEN) == "admin"
    assert keys.role_for(f"  {TOKEN}\n") == "admin"  # pasted with white space
    assert keys.role_for(PASSWORD) == "editor"
    for wrong in ("", TOKEN[:-1], TOKEN + "x", PASSWORD.upper(), "é" * 10):
        assert keys.role_for(wrong) is None
    assert access(gallery_password=None).role_for(PASSWORD) is None


def test_a_cookie_reads_back_its_session() -> None:
    keys = access()
    session = keys.new_session("editor")
    assert keys.read_cookie(keys.cookie_for(session)) == session
    assert keys.read_cookie(None) is None
    assert keys.read_cookie("") is None


@pytest.mark.parametrize("change", ["flip", "truncate", "append", "garbage", "other-key"])
def test_a_changed_cookie_is_a_401(change: str) -> None:
    keys = access()
    value = keys.cookie_for(keys.new_session("admin"))
    tampered = {
        "flip": value[:5] + ("A" if value[5] != "A" else "B") + value[6:],
        "truncate": value[:-3],
        "append": value + "x",
        "garbage": "not-a-cookie",
        "other-key": access(gallery_secret="another key").cookie_for(Session("sid", "admin")),
    }[change]
    with pytest.raises(AccessError) as caught:
        keys.read_cookie(tampered)
    assert caught.value.status == 401


def test_an_expired_cookie_is_no_session() -> None:
    keys = access(gallery_session_s=1)
    value = keys.cookie_for(keys.new_session("admin"))
    later = access(gallery_session_s=1)
    # itsdangerous reads the signing time from the value: wait past the age rather than fake it
    time.sleep(2.1)
    assert later.read_cookie(value) is None


def test_changing_the_token_ends_admin_logins_but_not_editor_ones() -> None:
    secret = {"gallery_secret": "a fixed signing key"}
    before = access(**secret)
    admin, editor = before.new_session("admin"), before.new_session("editor")
    after = access(render_token="a new token", **secret)
    assert after.read_cookie(before.cookie_for(admin)) == Session(admin.sid, None)
    assert after.read_cookie(before.cookie_for(editor)) == editor


def test_the_derived_key_changes_with_the_token() -> None:
    value = access().cookie_for(Session("sid", "admin"))
    with pytest.raises(AccessError):
        access(render_token="another token").read_cookie(value)


def test_csrf_tokens_belong_to_one_session() -> None:
    keys = access()
    mine, theirs = keys.new_session(), keys.new_session("admin")
    keys.check_csrf(mine, keys.csrf_token(mine))
    for session, token in ((mine, keys.csrf_token(theirs)), (mine, ""), (mine, None), (None, keys.csrf_token(mine)),
                           (mine, keys.csrf_token(mine) + "x"), (mine, access(gallery_secret="k").csrf_token(mine))):
        with pytest.raises(AccessError) as caught:
            keys.check_csrf(session, token)
        assert caught.value.status == 403


def test_a_share_link_opens_its_picture_until_it_expires() -> None:
    keys = access(gallery_share_s=3600)
    token, until = keys.share_token("job123", now=1000.0)
    assert until == 4600.0
    assert keys.read_share(token, now=4600.0) == ("job123", 4600.0)
    with pytest.raises(AccessError) as caught:
        keys.read_share(token, now=4601.0)
    assert caught.value.status == 403
    assert "expired" in str(caught.value)


@pytest.mark.parametrize("change", ["flip", "truncate", "other-key", "empty", "dots"])
def test_a_changed_share_link_is_a_403(change: str) -> None:
    keys = access()
    token, _ = keys.share_token("job123")
    tampered = {
        "flip": token[:3] + ("A" if token[3] != "A" else "B") + token[4:],
        "truncate": token[:-4],
        "other-key": access(gallery_secret="other").share_token("job123")[0],
        "empty": "",
        "dots": "....",
    }[change]
    with pytest.raises(AccessError) as caught:
        keys.read_share(tampered)
    assert caught.value.status == 403


def test_an_open_gallery_makes_everyone_admin_with_a_random_key() -> None:
    first, second = access(render_token=None, gallery_password=None), access(render_token=None, gallery_password=None)
    assert first.open
    assert first.role_for("") is None
    assert first.read_cookie(first.cookie_for(Session("sid", None))) == Session("sid", "admin")
    with pytest.raises(AccessError):  # a key of its own per process
        second.read_cookie(first.cookie_for(Session("sid", "admin")))
