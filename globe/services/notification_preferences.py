"""What a person chose about notices: how each kind reaches them by email, and whether they follow what
they create, edit, upload or join. The settings page and the API both change them here."""
from __future__ import annotations

from ..db import transaction
from ..errors import InvalidInput
from . import notifications

CHANNEL_LABELS = {"immediately": "Immediately", "daily": "In a daily digest", "weekly": "In a weekly digest",
                  "never": "Never by email"}


def preferences_of(user) -> dict:
    """`{"channels": {kind: channel}, "auto_follow": bool}`."""
    return {"channels": notifications.settings_of(user), "auto_follow": bool(user.auto_follow)}


def change_preferences(user, *, channels: dict | None = None, auto_follow=None) -> dict:
    """Change some channels and/or the auto-follow choice; any bad value changes nothing at all."""
    if auto_follow is not None and not isinstance(auto_follow, bool):
        raise InvalidInput({"auto_follow": ["auto_follow must be true or false."]})
    if channels is not None and not isinstance(channels, dict):
        raise InvalidInput({"channels": ["Give an object mapping each kind of notice to a channel."]})
    if channels:
        wrong = {kind: ["Choose a channel by name."] for kind, channel in channels.items()
                 if not isinstance(channel, str)}
        if wrong:
            raise InvalidInput(wrong)
        notifications.change_settings(user, channels)  # validates every kind and channel before writing
    if auto_follow is not None:
        with transaction():
            user.auto_follow = auto_follow
    return preferences_of(user)
