"""Database models, one module per feature; importing this package registers them all."""
from .accounts import ApiToken, User
from .communities import Community, Membership

__all__ = ["ApiToken", "Community", "Membership", "User"]
