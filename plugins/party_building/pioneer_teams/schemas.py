"""Request bodies and answers of pioneer teams and their person-times."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

import msgspec

from plugins.party_building.fields import Name, PersonName, PersonTimes


class TeamCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: Name
    theme: Name
    leader_name: PersonName
    party_organisation_id: uuid.UUID | None = None
    member_ids: Annotated[list[uuid.UUID], msgspec.Meta(max_length=500)] = msgspec.field(
        default_factory=list
    )


class ActivityLink(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """An activity of the five-sector module the team serves in, by its id."""

    activity_id: uuid.UUID
    title: Name


class ServiceCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Person-times recorded by hand (services not recorded through five-sector).

    ``activity_id`` names the five-sector activity the service was, when it was one that the
    team does not have credited from five-sector: an activity the team links (its closing
    credits the team) or already had credited is refused (409 ``activity-credited``), and the
    activity cannot be linked afterwards (409 ``activity-entered-by-hand``), so each
    person-time counts once.
    """

    title: Name
    served_on: date
    member_person_times: PersonTimes
    other_person_times: PersonTimes
    activity_id: uuid.UUID | None = None


class LinkedActivity(msgspec.Struct, kw_only=True):
    activity_id: uuid.UUID
    title: str


class Service(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    team_id: uuid.UUID
    source: Literal["event", "manual"]
    activity_id: uuid.UUID | None
    title: str
    served_on: date
    member_person_times: int
    other_person_times: int


class Team(msgspec.Struct, kw_only=True):
    """A team with its live figure: person-times of party members and of others in the
    activities it serves ("party members lead, social workers follow")."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    name: str
    theme: str
    leader_name: str
    party_organisation_id: uuid.UUID | None
    member_ids: list[uuid.UUID]
    activities: list[LinkedActivity]
    person_times: int
    member_person_times: int
    other_person_times: int
