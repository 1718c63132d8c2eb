"""A per-person cooldown for buttons (discord.py's `app_commands.Cooldown`, one per user)."""

from __future__ import annotations

import time

from discord import app_commands


class UserCooldown:
    """One use per `per_s` seconds per user; `per_s` 0 turns it off."""

    def __init__(self, per_s: float) -> None:
        self.per_s = per_s
        self._by_user: dict[int, app_commands.Cooldown] = {}

    def retry_after(self, user_id: int) -> float | None:
        """None (and the use is counted) when `user_id` may go ahead; else seconds to wait."""
        if self.per_s <= 0:
            return None
        now = time.time()
        # Forget people whose cooldown is over, so the map stays as small as the busy moment.
        self._by_user = {uid: cd for uid, cd in self._by_user.items() if cd.get_tokens(now) < cd.rate}
        cooldown = self._by_user.setdefault(user_id, app_commands.Cooldown(1, self.per_s))
        return cooldown.update_rate_limit(now)
