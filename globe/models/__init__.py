"""Database models, one module per feature; importing this package registers them all."""
from .accounts import ApiToken, User
from .communities import Community, Membership
from .conversations import ModerationEntry, Post, PostFlag, PostRevision, Thanks, Thread
from .idempotency import IdempotencyKey
from .incubator import (
                        Assignment,
                        MentorConflict,
                        MentorProfile,
                        Proposal,
                        Review,
                        TeamMember,
                        TimelineEvent,
)
from .invitations import Invitation
from .invite_links import InviteLink
from .login_throttle import LoginDevice, LoginFailure, LoginWarning, SignInLink
from .meetings import ActionPoint, AgendaItem, CalendarFeed, Meeting, MeetingRsvp, MeetingSeries
from .notifications import DigestRun, Follow, Notification, NotificationEvent, NotificationSetting
from .oai import OaiTombstone
from .outbox import OutboxMessage
from .resources import Board, BoardItem, Resource, ResourceLabel, ResourceVersion
from .search_queue import SearchDrainLease, SearchQueueItem
from .two_factor import RecoveryCode
from .wiki_pages import (
                        KnowledgeBaseComment,
                        KnowledgeBaseRequest,
                        WikiAttachment,
                        WikiLink,
                        WikiPage,
                        WikiRedirect,
                        WikiRevision,
)

__all__ = ["ActionPoint", "AgendaItem", "ApiToken", "Assignment", "Board", "BoardItem", "CalendarFeed", "Community",
           "DigestRun", "Follow", "IdempotencyKey", "Invitation", "InviteLink", "KnowledgeBaseComment",
           "KnowledgeBaseRequest", "LoginDevice", "LoginFailure", "LoginWarning", "Meeting", "MeetingRsvp",
           "MeetingSeries", "Membership", "MentorConflict", "MentorProfile", "ModerationEntry", "Notification",
           "NotificationEvent", "NotificationSetting", "OaiTombstone", "OutboxMessage", "Post", "PostFlag",
           "PostRevision", "Proposal", "RecoveryCode", "Resource", "ResourceLabel", "ResourceVersion", "Review",
           "SearchDrainLease", "SearchQueueItem", "SignInLink", "TeamMember", "Thanks", "Thread", "TimelineEvent",
           "User", "WikiAttachment", "WikiLink", "WikiPage", "WikiRedirect", "WikiRevision"]
