"""Who may see the gallery, signed with itsdangerous: login cookies, CSRF tokens, share links.

- **Login.** The form takes a secret once: `CARTOON_RENDER_TOKEN` (role `admin`: everything,
  re-slogans included) or `CARTOON_GALLERY_PASSWORD` (role `editor`: browse, favourite,
  export, share; a picture is never changed without the admin token). The answer is a signed
  cookie `{sid, role, proof}` (HttpOnly, SameSite=Lax, Secure over https) that lasts
  `CARTOON_GALLERY_SESSION_S`; `proof` binds it to the secret it was made with, so changing
  the token or the password ends those logins. Without a token and a password the service
  only listens on loopback (as the API) and the gallery is open: everyone is `admin`.
- **CSRF.** Every form carries a token signed over the visitor's `sid` (an anonymous cookie
  before login): a form posted from another site, or with another visitor's token, fails.
- **Share links.** `/gallery/s/<token>`: one picture, read-only, until the time signed into
  the token (`CARTOON_GALLERY_SHARE_S` from when it was made).

The key is `CARTOON_GALLERY_SECRET`, else derived from the token and the password (so every
box of a Redis deployment agrees), else (open gallery) random for this process.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Literal

from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from core.settings import Settings

Role = Literal["admin", "editor"]
COOKIE = "cartoon_gallery"
SHARE_ID_CHARS = 64


class AccessError(Exception):
    """A cookie, form or link that does not open the gallery: `status` (401 or 403) and why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Session:
    sid: str
    role: Role | None = None

    @property
    def admin(self) -> bool:
        return self.role == "admin"


class Access:
    def __init__(self, settings: Settings) -> None:
        self.token = settings.render_token or None
        self.password = settings.gallery_password or None
        self.session_s = settings.gallery_session_s
        self.share_s = settings.gallery_share_s
        key = settings.gallery_secret or self._derived_key()
        self._cookies = URLSafeTimedSerializer(key, salt="gallery-session")
        self._csrf = URLSafeTimedSerializer(key, salt="gallery-csrf")
        self._shares = URLSafeSerializer(key, salt="gallery-share")
        self._proofs = key.encode()

    def _derived_key(self) -> str:
        if self.token is None and self.password is None:
            return secrets.token_hex(32)
        material = f"milo-cartoons gallery\0{self.token or ''}\0{self.password or ''}"
        return hashlib.sha256(material.encode()).hexdigest()

    @property
    def open(self) -> bool:
        """No secret to log in with: the gallery is open (the service listens on loopback only)."""
        return self.token is None and self.password is None

    # --- login --------------------------------------------------------------------------------
    def role_for(self, secret: str) -> Role | None:
        """The role a secret typed into the login form opens, or None."""
        given = secret.strip().encode()
        if self.token and hmac.compare_digest(given, self.token.encode()):
            return "admin"
        if self.password and hmac.compare_digest(given, self.password.encode()):
            return "editor"
        return None

    def _proof(self, role: Role | None) -> str:
        secret = {"admin": self.token, "editor": self.password}.get(role or "") or ""
        return hmac.new(self._proofs, f"{role}\0{secret}".encode(), hashlib.sha256).hexdigest()[:16]

    def new_session(self, role: Role | None = None) -> Session:
        return Session(secrets.token_urlsafe(16), role)

    def cookie_for(self, session: Session) -> str:
        return self._cookies.dumps({"sid": session.sid, "role": session.role, "proof": self._proof(session.role)})

    def read_cookie(self, value: str | None) -> Session | None:
        """The visitor's session; None without a cookie or when it expired (log in again).
        AccessError(401) when it was changed or signed with another key."""
        if not value:
            return None
        try:
            data = self._cookies.loads(value, max_age=self.session_s)
        except SignatureExpired:
            return None
        except BadSignature:
            raise AccessError(401, "your gallery login is not valid (changed, or from before a new key); log in again") from None
        role = data.get("role") if isinstance(data, dict) else None
        sid = data.get("sid") if isinstance(data, dict) else None
        if not isinstance(sid, str) or role not in (None, "admin", "editor"):
            raise AccessError(401, "your gallery login is not valid; log in again")
        if not hmac.compare_digest(str(data.get("proof", "")), self._proof(role)):
            return Session(sid)  # made with a token or password since changed: logged out
        return Session(sid, "admin" if self.open else role)

    # --- CSRF ---------------------------------------------------------------------------------
    def csrf_token(self, session: Session) -> str:
        return self._csrf.dumps(session.sid)

    def check_csrf(self, session: Session | None, token: str | None) -> None:
        """AccessError(403) unless `token` was made for this visitor's session."""
        why = "the form is out of date or came from another site; reload the page and try again"
        if session is None or not token:
            raise AccessError(403, why)
        try:
            sid = self._csrf.loads(token, max_age=self.session_s)
        except BadSignature:
            raise AccessError(403, why) from None
        if not hmac.compare_digest(str(sid), session.sid):
            raise AccessError(403, why)

    # --- share links --------------------------------------------------------------------------
    def share_token(self, job_id: str, now: float | None = None) -> tuple[str, float]:
        """A read-only link's token for one picture, and when it stops working."""
        until = (time.time() if now is None else now) + self.share_s
        return self._shares.dumps([job_id, int(until)]), float(int(until))

    def read_share(self, token: str, now: float | None = None) -> tuple[str, float]:
        """The job id a share token opens and until when; AccessError(403) when changed or expired."""
        try:
            job_id, until = self._shares.loads(token)
        except (BadSignature, ValueError, TypeError):
            raise AccessError(403, "this share link is not valid (changed or cut short); ask for a new one") from None
        if not isinstance(job_id, str) or not isinstance(until, int) or len(job_id) > SHARE_ID_CHARS:
            raise AccessError(403, "this share link is not valid; ask for a new one")
        if (time.time() if now is None else now) > until:
            raise AccessError(403, "this share link has expired; ask whoever sent it for a new one")
        return job_id, float(until)
