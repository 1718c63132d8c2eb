"""What the bot must be allowed in a channel before it queues a picture there.

Checked before anything is submitted, so a channel where the picture could not be posted
costs no render: the asker learns which permissions are missing, named as Discord's
channel settings name them.
"""

from __future__ import annotations

import discord

# attribute of discord.Permissions → the name in Discord's channel settings
_NAMES = {
    "view_channel": "View Channel",
    "send_messages": "Send Messages",
    "send_messages_in_threads": "Send Messages in Threads",
    "attach_files": "Attach Files",
    "read_message_history": "Read Message History",
}


def missing(permissions: discord.Permissions, *, in_thread: bool, replying: bool) -> list[str]:
    """The permissions (as Discord names them) the bot lacks to post a picture: see the
    channel, send (in threads: send in threads), attach files, and for a reply or to check
    after a restart whether a picture went out, read the message history."""
    needed = ["view_channel", "send_messages_in_threads" if in_thread else "send_messages", "attach_files"]
    if replying:
        needed.append("read_message_history")
    return [_NAMES[name] for name in needed if not getattr(permissions, name)]


_THREADS = {discord.ChannelType.public_thread, discord.ChannelType.private_thread, discord.ChannelType.news_thread}


def in_thread(channel: object) -> bool:
    """A thread (a cached `Thread`, or a partial channel whose type says so)."""
    return isinstance(channel, discord.Thread) or getattr(channel, "type", None) in _THREADS
