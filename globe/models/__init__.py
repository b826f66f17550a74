"""Database models, one module per feature; importing this package registers them all."""
from .accounts import ApiToken, User
from .communities import Community, Membership
from .search_queue import SearchQueueItem
from .wiki_pages import (KnowledgeBaseComment, KnowledgeBaseRequest, WikiAttachment, WikiLink, WikiPage,
                         WikiRedirect, WikiRevision)

__all__ = ["ApiToken", "Community", "KnowledgeBaseComment", "KnowledgeBaseRequest", "Membership",
           "SearchQueueItem", "User", "WikiAttachment", "WikiLink", "WikiPage", "WikiRedirect", "WikiRevision"]
