"""What a module shows in the web console: declarations, not templates.

A module returns one :class:`ConsolePages` from the ``gongzhi_console_pages`` hook. The console
(``core/console``) renders every page from it by calling the module's own typed API in-process
with the signed-in user's credentials, so the access check, the module guard, row-level
security, validation, audit and events all apply exactly as for an API client, and a
third-party module gets its pages the same way five-sector does: no HTML, no console code.

- a :class:`ConsoleResource` is one kind of record the module keeps (volunteers,
  organisations…): a list page from a ``Page[T]`` route, a detail page from a route answering
  one record, a create form and action forms built from the request-body structs of the
  module's POST routes (msgspec field types become inputs: text, number, date, choice lists
  from ``Literal``, check boxes, one-per-line lists), and download links (exports, documents).
- paths are relative to the module's API mount (``/api/v1/tenants/{t}/<module>``); ``{id}``
  stands for the record's id.
- every title comes in Simplified Chinese and English, like a manifest's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import msgspec


@dataclass(frozen=True, kw_only=True)
class ConsoleField:
    """One value of a record shown in a list column or a detail row.

    ``key`` is a field of the API's answer (``a.b`` reaches into a nested object). ``link``
    makes a list cell link to the record's detail page.
    """

    key: str
    title: str
    title_en: str
    link: bool = False


@dataclass(frozen=True, kw_only=True)
class ConsoleChoices:
    """Where the values of a form field that names another record come from, so the console
    offers a choice list instead of asking for an id.

    ``path`` is relative to the tenant's API (``/api/v1/tenants/{t}``), so a field may pick
    from its own module (``/party-building/organisations``), from another module
    (``/five-sector/organisations``) or from the tenants below (``/subtree``); ``{id}`` stands
    for the record's id on its page (a session's representatives). The route is called as the
    signed-in user at the page's tenant, so only records of the tenant's reach are offered.
    ``value`` is the answer's field that is sent (a record's ``id``, a tenant's ``slug``),
    ``label`` the one shown (``a.b`` reaches into a nested object); ``key`` names the list in
    an object answer (``items`` of a ``Page``, or e.g. a plan's ``indicators``). ``query`` is
    added to every call (``{"kind": "town_centre"}``). At most ``limit`` (1–200) choices are
    listed at once; when the route has more and ``search`` names its free-text query
    parameter, a search box narrows the list in place. ``with_tenant`` offers the page's own
    tenant first (for a choice of tenants from ``/subtree``, which lists those below it).
    Where the route refuses (the other module is off, the caller may not read it) the field
    stays a text input.
    """

    path: str
    value: str = "id"
    label: str = "name"
    key: str = "items"
    search: str | None = None
    query: Mapping[str, str] = field(default_factory=dict)
    limit: int = 200
    with_tenant: bool = False


TENANT_CHOICES = ConsoleChoices(
    path="/subtree",
    value="slug",
    label="name",
    search="q",
    query={"status": "active"},
    with_tenant=True,
)
"""The tenant and every active tenant below it, by slug: for fields that name a tenant."""

USER_CHOICES = ConsoleChoices(
    path="/members", value="user.id", label="user.display_name", search="q"
)
"""The users holding a role at the tenant (listed to holders of ``users:read``): for fields
that name a user."""


@dataclass(frozen=True, kw_only=True)
class ConsoleLabel:
    """The label (and optional help) of one form field, in both languages.

    ``choices_from`` makes a field that names another record (or a tenant) a choice list of
    those records; a list field becomes a multiple choice.
    """

    title: str
    title_en: str
    help: str = ""
    help_en: str = ""
    choices_from: ConsoleChoices | None = None


@dataclass(frozen=True, kw_only=True)
class ConsoleForm:
    """A form that posts one request body to one of the module's write routes.

    ``schema`` is the route's request-body struct: its fields, types, limits and defaults make
    the form. ``labels`` names fields (a field without one is labelled by its name); ``fields``
    restricts and orders what is shown (default: every field of the schema). ``path`` may hold
    ``{id}``, the record's id on a detail page; any other placeholder (``{tranche}``) is asked
    for as a field of that name, labelled from ``labels``, and put into the path. ``method``
    is the HTTP method of the route; ``permission`` the one the route declares (the form is
    shown only to callers holding it; default: ``<module>:write``).

    A ``PATCH`` or ``PUT`` form on a record's page is an edit: it opens with the record's
    current values (each field read from the same-named field of the detail answer). A
    ``PATCH`` sends only the fields the user changed, so a field left alone is never cleared
    or overwritten; a ``PUT`` sends every field.
    """

    key: str
    title: str
    title_en: str
    schema: type[msgspec.Struct]
    path: str
    labels: Mapping[str, ConsoleLabel] = field(default_factory=dict)
    fields: Sequence[str] = ()
    method: str = "POST"
    permission: str = ""


@dataclass(frozen=True, kw_only=True)
class ConsoleLink:
    """A download next to a list or a record (an export, a printable document).

    ``path`` may hold ``{id}``; ``query`` is added to it (e.g. ``{"format": "pdf"}``).
    """

    title: str
    title_en: str
    path: str
    query: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class ConsoleResource:
    """One kind of record with its list, detail, forms and downloads.

    ``slug`` is its segment in console URLs. ``list_path`` answers ``Page[T]`` and takes
    ``limit``/``offset``; ``search`` names its free-text query parameter, if any.
    ``detail_path`` (with ``{id}``) answers one record; ``related`` are tables shown under its
    detail (a ledger, participants). ``exports`` are links next to the list, ``documents``
    links on a record's page. ``heading`` names the answer's field that heads a record's page
    (default: its ``name``, else its ``title``).
    """

    slug: str
    title: str
    title_en: str
    list_path: str
    columns: Sequence[ConsoleField]
    detail_path: str | None = None
    detail_fields: Sequence[ConsoleField] = ()
    search: str | None = None
    create: ConsoleForm | None = None
    actions: Sequence[ConsoleForm] = ()
    exports: Sequence[ConsoleLink] = ()
    documents: Sequence[ConsoleLink] = ()
    related: Sequence[ConsoleRelated] = ()
    heading: str = ""


@dataclass(frozen=True, kw_only=True)
class ConsoleRelated:
    """A table under a record's detail: ``path`` (with ``{id}``) answers a ``Page`` or a list,
    or an object whose field ``key`` holds the list (e.g. an activity's ``participants``)."""

    title: str
    title_en: str
    path: str
    columns: Sequence[ConsoleField]
    key: str = "items"


@dataclass(frozen=True, kw_only=True)
class ConsolePages:
    """Everything a module shows in the console: one navigation entry and its resources.

    The entry shows at a tenant only where the module is effectively on (the same state the
    API's module guard reads).
    """

    title: str
    title_en: str
    resources: Sequence[ConsoleResource]
