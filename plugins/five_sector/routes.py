"""HTTP handlers of the five-sector module, mounted under
``/api/v1/tenants/{tenant_key}/five-sector``. Handlers decode, call :mod:`services`, shape the
response; rules live in services and :mod:`rules`."""

from __future__ import annotations

import uuid
from typing import Any, Literal, TypeVar

from litestar import Request, Response, get, patch, post
from litestar.types import ControllerRouterHandler
from sqlalchemy.ext.asyncio import AsyncSession

from core import NotFound, Tenant, module_settings
from plugins.five_sector import export, record, services
from plugins.five_sector.manifest import MANIFEST
from plugins.five_sector.schemas import (
    ActivityClose,
    ActivityCreate,
    AllocationCreate,
    EntryCreate,
    OrganisationCreate,
    OrganisationUpdate,
    PairingCreate,
    RatingSet,
    ResourceCreate,
    ReversalCreate,
    SignUp,
    SocialWorkerCreate,
    Transition,
    VolunteerCreate,
)

T = TypeVar("T")
Row = dict[str, Any]
AnyRequest = Request[Any, Any, Any]
ExportFormat = Literal["csv", "xlsx"]
RecordFormat = Literal["json", "html", "pdf"]

READ = {"permission": "five-sector:read"}
PEOPLE = {"permission": "five-sector:people"}
WRITE = {"permission": "five-sector:write"}
MANAGE = {"permission": "five-sector:manage"}


async def settings_of(session: AsyncSession, tenant: Tenant) -> dict[str, Any]:
    return await module_settings(session, tenant, MANIFEST)


def caller_user_id(request: AnyRequest) -> uuid.UUID | None:
    """The calling user's id, when identity has put a principal on the request."""
    user = request.scope.get("user")
    value = getattr(user, "user_id", None)
    return value if isinstance(value, uuid.UUID) else None


# --- organisations ---------------------------------------------------------------------------


@get("/organisations", opt=READ)
async def list_organisations(
    tenant: Tenant,
    session: AsyncSession,
    limit: int = 50,
    offset: int = 0,
    kind: str | None = None,
    category: str | None = None,
    status: str | None = None,
    q: str | None = None,
    brand_project: bool | None = None,
) -> Row:
    cfg = await settings_of(session, tenant)
    return await services.list_organisations(
        session, tenant, cfg, limit, offset,
        kind=kind, category=category, status=status, q=q, brand_project=brand_project,
    )  # fmt: skip


@get("/organisations/export", opt=READ)
async def export_organisations(
    tenant: Tenant, session: AsyncSession, format: ExportFormat = "csv"
) -> Response[bytes]:
    cfg = await settings_of(session, tenant)
    rows = await services.list_organisations(session, tenant, cfg, None, 0)
    return export.respond("organisations", export.ORGANISATION_COLUMNS, rows["items"], format)


@post("/organisations", opt=WRITE)
async def create_organisation(
    tenant: Tenant, session: AsyncSession, data: OrganisationCreate
) -> Row:
    cfg = await settings_of(session, tenant)
    org = await services.create_organisation(session, tenant, cfg, data)
    return services.organisation_out(org, cfg)


@get("/organisations/{organisation_id:uuid}", opt=READ)
async def get_organisation(
    tenant: Tenant, session: AsyncSession, organisation_id: uuid.UUID
) -> Row:
    cfg = await settings_of(session, tenant)
    org = await services.get_organisation(session, tenant, organisation_id)
    out = services.organisation_out(org, cfg)
    out["history"] = await services.organisation_history(session, tenant, organisation_id)
    return out


@patch("/organisations/{organisation_id:uuid}", opt=WRITE)
async def update_organisation(
    tenant: Tenant, session: AsyncSession, organisation_id: uuid.UUID, data: OrganisationUpdate
) -> Row:
    cfg = await settings_of(session, tenant)
    org = await services.update_organisation(session, tenant, cfg, organisation_id, data)
    return services.organisation_out(org, cfg)


@post("/organisations/{organisation_id:uuid}/transitions", opt=MANAGE, status_code=200)
async def transition_organisation(
    request: AnyRequest,
    tenant: Tenant,
    session: AsyncSession,
    organisation_id: uuid.UUID,
    data: Transition,
) -> Row:
    cfg = await settings_of(session, tenant)
    org = await services.transition_organisation(
        session, tenant, cfg, organisation_id, data, caller_user_id(request)
    )
    return services.organisation_out(org, cfg)


@post("/organisations/{organisation_id:uuid}/rating", opt=MANAGE, status_code=200)
async def rate_organisation(
    tenant: Tenant, session: AsyncSession, organisation_id: uuid.UUID, data: RatingSet
) -> Row:
    cfg = await settings_of(session, tenant)
    org = await services.rate_organisation(session, tenant, organisation_id, data)
    return services.organisation_out(org, cfg)


@get("/warnings", opt=PEOPLE)
async def warnings(tenant: Tenant, session: AsyncSession) -> Row:
    return await services.warnings(session, tenant, await settings_of(session, tenant))


# --- social workers --------------------------------------------------------------------------


@get("/social-workers", opt=PEOPLE)
async def list_social_workers(
    tenant: Tenant,
    session: AsyncSession,
    limit: int = 50,
    offset: int = 0,
    certificate_level: str | None = None,
    q: str | None = None,
) -> Row:
    return await services.list_social_workers(
        session, tenant, limit, offset, certificate_level=certificate_level, q=q
    )


@get("/social-workers/export", opt=PEOPLE)
async def export_social_workers(
    tenant: Tenant, session: AsyncSession, format: ExportFormat = "csv"
) -> Response[bytes]:
    rows = await services.list_social_workers(session, tenant, None, 0)
    return export.respond("social-workers", export.SOCIAL_WORKER_COLUMNS, rows["items"], format)


@post("/social-workers", opt=WRITE)
async def create_social_worker(
    tenant: Tenant, session: AsyncSession, data: SocialWorkerCreate
) -> Row:
    return services.social_worker_out(await services.create_social_worker(session, tenant, data))


# --- volunteers ------------------------------------------------------------------------------


@get("/volunteers", opt=PEOPLE)
async def list_volunteers(
    tenant: Tenant,
    session: AsyncSession,
    limit: int = 50,
    offset: int = 0,
    skill: str | None = None,
    q: str | None = None,
    number: str | None = None,
) -> Row:
    cfg = await settings_of(session, tenant)
    return await services.list_volunteers(
        session, tenant, cfg, limit, offset, skill=skill, q=q, number=number
    )


@get("/volunteers/export", opt=PEOPLE)
async def export_volunteers(
    tenant: Tenant, session: AsyncSession, format: ExportFormat = "csv"
) -> Response[bytes]:
    cfg = await settings_of(session, tenant)
    rows = await services.list_volunteers(session, tenant, cfg, None, 0)
    return export.respond("volunteers", export.VOLUNTEER_COLUMNS, rows["items"], format)


@post("/volunteers", opt=WRITE)
async def create_volunteer(tenant: Tenant, session: AsyncSession, data: VolunteerCreate) -> Row:
    cfg = await settings_of(session, tenant)
    volunteer = await services.create_volunteer(session, tenant, data)
    return services.volunteer_out(volunteer, 0, cfg)


@get("/volunteers/{volunteer_id:uuid}", opt=PEOPLE)
async def get_volunteer(tenant: Tenant, session: AsyncSession, volunteer_id: uuid.UUID) -> Row:
    cfg = await settings_of(session, tenant)
    volunteer, minutes = await services.get_volunteer(session, tenant, volunteer_id)
    return services.volunteer_out(volunteer, minutes, cfg)


@get("/volunteers/{volunteer_id:uuid}/entries", opt=PEOPLE)
async def list_entries(tenant: Tenant, session: AsyncSession, volunteer_id: uuid.UUID) -> Row:
    volunteer, _ = await services.get_volunteer(session, tenant, volunteer_id)
    items = [services.entry_out(e) for e in await services.ledger(session, volunteer)]
    return services.page(items, len(items), None, 0)


@post("/volunteers/{volunteer_id:uuid}/entries", opt=WRITE)
async def add_entry(
    tenant: Tenant, session: AsyncSession, volunteer_id: uuid.UUID, data: EntryCreate
) -> Row:
    return services.entry_out(await services.add_entry(session, tenant, volunteer_id, data))


@post("/volunteers/{volunteer_id:uuid}/entries/{entry_id:uuid}/reversal", opt=MANAGE)
async def reverse_entry(
    request: AnyRequest,
    tenant: Tenant,
    session: AsyncSession,
    volunteer_id: uuid.UUID,
    entry_id: uuid.UUID,
    data: ReversalCreate,
) -> Row:
    entry = await services.reverse_entry(session, tenant, volunteer_id, entry_id, data)
    return services.entry_out(entry)


async def _record_response(
    session: AsyncSession,
    tenant: Tenant,
    volunteer_id: uuid.UUID | None,
    user_id: uuid.UUID | None,
    format: RecordFormat,
    responsible_person: str | None,
) -> Response[Any]:
    cfg = await settings_of(session, tenant)
    if volunteer_id is not None:
        volunteer, minutes = await services.get_volunteer(session, tenant, volunteer_id)
    elif user_id is not None:
        volunteer, minutes = await services.volunteer_for_user(session, tenant, user_id)
    else:
        raise NotFound("志愿者", detail="the caller is not signed in as a user")
    data = record.build(
        tenant,
        services.volunteer_out(volunteer, minutes, cfg),
        [services.entry_out(e) for e in await services.ledger(session, volunteer)],
        responsible_person or str(cfg["record_responsible_person"]),
    )
    return record.respond(data, format)


@get("/volunteers/{volunteer_id:uuid}/record", opt=PEOPLE)
async def volunteer_record(
    tenant: Tenant,
    session: AsyncSession,
    volunteer_id: uuid.UUID,
    format: RecordFormat = "html",
    responsible_person: str | None = None,
) -> Response[Any]:
    return await _record_response(session, tenant, volunteer_id, None, format, responsible_person)


@get("/me/volunteer-record", opt=READ)
async def my_record(
    request: AnyRequest, tenant: Tenant, session: AsyncSession, format: RecordFormat = "html"
) -> Response[Any]:
    """The caller's own service record (the volunteer linked to the caller's user)."""
    return await _record_response(session, tenant, None, caller_user_id(request), format, None)


# --- activities ------------------------------------------------------------------------------


@get("/activities", opt=READ)
async def list_activities(
    tenant: Tenant,
    session: AsyncSession,
    limit: int = 50,
    offset: int = 0,
    status: str | None = None,
    category: str | None = None,
    pairing_id: uuid.UUID | None = None,
    q: str | None = None,
) -> Row:
    return await services.list_activities(
        session, tenant, limit, offset,
        status=status, category=category, pairing_id=pairing_id, q=q,
    )  # fmt: skip


@get("/activities/export", opt=READ)
async def export_activities(
    tenant: Tenant, session: AsyncSession, format: ExportFormat = "csv"
) -> Response[bytes]:
    rows = await services.list_activities(session, tenant, None, 0)
    return export.respond("activities", export.ACTIVITY_COLUMNS, rows["items"], format)


@post("/activities", opt=WRITE)
async def create_activity(tenant: Tenant, session: AsyncSession, data: ActivityCreate) -> Row:
    return services.activity_out(await services.create_activity(session, tenant, data))


@get("/activities/{activity_id:uuid}", opt=READ)
async def get_activity(tenant: Tenant, session: AsyncSession, activity_id: uuid.UUID) -> Row:
    activity = await services.get_activity(session, tenant, activity_id)
    out = services.activity_out(activity)
    out["participants"] = [
        services.participant_out(p) for p in await services.participants(session, activity)
    ]
    return out


@post("/activities/{activity_id:uuid}/participants", opt=WRITE)
async def sign_up(
    tenant: Tenant, session: AsyncSession, activity_id: uuid.UUID, data: SignUp
) -> Row:
    return services.participant_out(await services.sign_up(session, tenant, activity_id, data))


@post(
    "/activities/{activity_id:uuid}/participants/{participant_id:uuid}/check-in",
    opt=WRITE,
    status_code=200,
)
async def check_in(
    tenant: Tenant, session: AsyncSession, activity_id: uuid.UUID, participant_id: uuid.UUID
) -> Row:
    participant = await services.check_in(session, tenant, activity_id, participant_id)
    return services.participant_out(participant)


@post("/activities/{activity_id:uuid}/close", opt=WRITE, status_code=200)
async def close_activity(
    tenant: Tenant, session: AsyncSession, activity_id: uuid.UUID, data: ActivityClose
) -> Row:
    activity, credited = await services.close_activity(session, tenant, activity_id, data)
    out = services.activity_out(activity)
    out["credited"] = [services.entry_out(e) for e in credited]
    return out


# --- charity resources -----------------------------------------------------------------------


@get("/charity-resources", opt=READ)
async def list_resources(
    tenant: Tenant,
    session: AsyncSession,
    limit: int = 50,
    offset: int = 0,
    kind: str | None = None,
    donor_kind: str | None = None,
) -> Row:
    return await services.list_resources(
        session, tenant, limit, offset, kind=kind, donor_kind=donor_kind
    )


@get("/charity-resources/export", opt=READ)
async def export_resources(
    tenant: Tenant, session: AsyncSession, format: ExportFormat = "csv"
) -> Response[bytes]:
    rows = await services.list_resources(session, tenant, None, 0)
    return export.respond("charity-resources", export.RESOURCE_COLUMNS, rows["items"], format)


@post("/charity-resources", opt=WRITE)
async def create_resource(tenant: Tenant, session: AsyncSession, data: ResourceCreate) -> Row:
    return services.resource_out(await services.create_resource(session, tenant, data))


@get("/charity-resources/{resource_id:uuid}", opt=READ)
async def get_resource(tenant: Tenant, session: AsyncSession, resource_id: uuid.UUID) -> Row:
    resource = await services.get_resource(session, tenant, resource_id)
    out = services.resource_out(resource)
    out["allocations"] = [
        services.allocation_out(a) for a in await services.allocations(session, resource)
    ]
    return out


@post("/charity-resources/{resource_id:uuid}/allocations", opt=WRITE)
async def allocate(
    tenant: Tenant, session: AsyncSession, resource_id: uuid.UUID, data: AllocationCreate
) -> Row:
    resource, allocation = await services.allocate(session, tenant, resource_id, data)
    return {**services.allocation_out(allocation), "balance": resource.balance}


# --- pairings --------------------------------------------------------------------------------


@get("/pairings", opt=READ)
async def list_pairings(
    tenant: Tenant, session: AsyncSession, limit: int = 50, offset: int = 0
) -> Row:
    return await services.list_pairings(session, tenant, limit, offset)


@get("/pairings/export", opt=READ)
async def export_pairings(
    tenant: Tenant, session: AsyncSession, format: ExportFormat = "csv"
) -> Response[bytes]:
    rows = await services.list_pairings(session, tenant, None, 0)
    return export.respond("pairings", export.PAIRING_COLUMNS, rows["items"], format)


@post("/pairings", opt=MANAGE)
async def create_pairing(tenant: Tenant, session: AsyncSession, data: PairingCreate) -> Row:
    cfg = await settings_of(session, tenant)
    return services.pairing_out(await services.create_pairing(session, tenant, cfg, data))


@get("/pairings/{pairing_id:uuid}", opt=READ)
async def get_pairing(tenant: Tenant, session: AsyncSession, pairing_id: uuid.UUID) -> Row:
    return services.pairing_out(await services.get_pairing(session, tenant, pairing_id))


@post("/pairings/{pairing_id:uuid}/activities", opt=WRITE)
async def create_joint_activity(
    tenant: Tenant, session: AsyncSession, pairing_id: uuid.UUID, data: ActivityCreate
) -> Row:
    """A joint activity, owned by the pairing and visible to both communities."""
    pairing = await services.get_pairing(session, tenant, pairing_id)
    return services.activity_out(await services.create_activity(session, tenant, data, pairing))


ROUTES: list[ControllerRouterHandler] = [
    list_organisations,
    export_organisations,
    create_organisation,
    get_organisation,
    update_organisation,
    transition_organisation,
    rate_organisation,
    warnings,
    list_social_workers,
    export_social_workers,
    create_social_worker,
    list_volunteers,
    export_volunteers,
    create_volunteer,
    get_volunteer,
    list_entries,
    add_entry,
    reverse_entry,
    volunteer_record,
    my_record,
    list_activities,
    export_activities,
    create_activity,
    get_activity,
    sign_up,
    check_in,
    close_activity,
    list_resources,
    export_resources,
    create_resource,
    get_resource,
    allocate,
    list_pairings,
    export_pairings,
    create_pairing,
    get_pairing,
    create_joint_activity,
]
