"""Database models, one module per feature; importing this package registers them all."""
from .accounts import ApiToken, User
from .communities import Community, Membership
from .idempotency import IdempotencyKey
from .incubator import (
                        Assignment,
                        MentorConflict,
                        MentorProfile,
                        Notification,
                        Proposal,
                        Review,
                        TeamMember,
                        TimelineEvent,
)
from .invite_links import InviteLink
from .oai import OaiTombstone
from .outbox import OutboxMessage
from .resources import Board, BoardItem, Resource, ResourceLabel, ResourceVersion
from .search_queue import SearchDrainLease, SearchQueueItem
from .wiki_pages import (
                        KnowledgeBaseComment,
                        KnowledgeBaseRequest,
                        WikiAttachment,
                        WikiLink,
                        WikiPage,
                        WikiRedirect,
                        WikiRevision,
)

__all__ = ["ApiToken", "Assignment", "MentorConflict", "MentorProfile", "Notification", "Proposal", "Review",
           "TeamMember", "TimelineEvent", "Board", "BoardItem", "Community", "IdempotencyKey", "InviteLink", "Resource",
           "ResourceLabel", "ResourceVersion", "KnowledgeBaseComment", "KnowledgeBaseRequest", "Membership",
           "OaiTombstone", "OutboxMessage", "SearchDrainLease", "SearchQueueItem", "User", "WikiAttachment", "WikiLink",
           "WikiPage", "WikiRedirect", "WikiRevision"]
