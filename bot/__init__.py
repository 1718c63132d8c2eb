"""The Discord bot: Milo answers /cartoon, mentions and posts a daily picture.

It runs as its own process (`cartoon bot`) and talks to the render service over HTTP
(`bot.service_client`). Nothing under `bot/` imports torch, diffusers or ultralytics.
"""
