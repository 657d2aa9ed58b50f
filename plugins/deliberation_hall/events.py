"""The events deliberation-hall emits, for a future SMS or WeChat plugin to subscribe to.

Subscribers decode a payload with ``event.payload_as(...)`` (these structs, or their own with
only the fields they read); fields are only ever added.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec

from core import EventContract

TOPIC_ACCEPTED = "deliberation-hall.topic-accepted"
SESSION_ANNOUNCED = "deliberation-hall.session-announced"
RESULT_PUBLISHED = "deliberation-hall.result-published"


class TopicAccepted(msgspec.Struct, frozen=True):
    """A topic passed review and will be deliberated."""

    topic_id: uuid.UUID
    tenant_id: uuid.UUID
    title: str
    category: str
    accepted_at: datetime


class SessionAnnounced(msgspec.Struct, frozen=True):
    """The notice of a meeting or hearing was published."""

    session_id: uuid.UUID
    topic_id: uuid.UUID
    tenant_id: uuid.UUID
    kind: str
    title: str
    place: str
    starts_at: datetime
    notice_published_at: datetime


class ResultPublished(msgspec.Struct, frozen=True):
    """A topic's result was published, with the outcome of its last closed vote."""

    topic_id: uuid.UUID
    tenant_id: uuid.UUID
    title: str
    outcome: str
    summary: str
    published_at: datetime


EVENTS = (
    EventContract(
        type=TOPIC_ACCEPTED,
        payload=TopicAccepted,
        description="议题已采纳",
        description_en="A topic was accepted for deliberation",
    ),
    EventContract(
        type=SESSION_ANNOUNCED,
        payload=SessionAnnounced,
        description="议事会或听证会通知已发布",
        description_en="The notice of a deliberation meeting or hearing was published",
    ),
    EventContract(
        type=RESULT_PUBLISHED,
        payload=ResultPublished,
        description="议题结果已公布",
        description_en="A topic's result was published",
    ),
)
