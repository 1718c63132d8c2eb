"""The render services the bot may use, each with the one-character tag a picture's buttons
carry: "" the render service (`CARTOON_RENDER_URL`), "f" the fallback
(`CARTOON_RENDER_FALLBACK_URL`, when set)."""

from __future__ import annotations

from bot.service_client import RenderClient

PRIMARY, FALLBACK = "", "f"


class RenderServices:
    """The primary client and the optional fallback, tried in that order."""

    def __init__(self, primary: RenderClient, fallback: RenderClient | None = None) -> None:
        self.primary = primary
        self.fallback = fallback

    def ordered(self) -> list[tuple[str, RenderClient]]:
        services = [(PRIMARY, self.primary)]
        if self.fallback is not None:
            services.append((FALLBACK, self.fallback))
        return services

    def get(self, tag: str) -> RenderClient | None:
        """The client for a tag; None when that service is no longer configured."""
        return dict(self.ordered()).get(tag)

    async def aclose(self) -> None:
        for _, client in self.ordered():
            await client.aclose()
