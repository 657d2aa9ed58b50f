"""Declarative provisioning: a YAML tree of tenants, planned and applied in one transaction.

The file is ``{version: 1, tenants: [node, ...]}``; a node holds the tenant's fields and its
``children``; a top-level node may name an existing ``parent`` (slug or division code). A node is
identified by its slug: a slug that exists is updated (only the fields the file gives are
managed) or moved when its parent differs; a new slug is created. Applying the same file twice
changes nothing the second time.

Other areas and modules add keys to nodes as :class:`TenantFileSection` handlers, collected
through the ``gongzhi_tenant_file_sections`` hook (identity's ``users``, the module host's
``modules``) and passed in by the caller; a key no section handles is an unknown field.

Every problem is reported as ``FILE:LINE: field: message`` and nothing is written: the whole
file is validated first, then applied inside one transaction that a later error rolls back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

import yaml
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import SYSTEM, Database
from core.errors import Problem
from core.settings import Settings
from core.tenancy import rules, service
from core.tenancy.models import Tenant
from core.tenancy.resolve import find_tenant
from core.tenancy.rules import RuleError

FORMAT_VERSION = 1
TEXT_FIELDS = ("slug", "name", "name_en", "level", "kind", "status")
NODE_FIELDS = (*TEXT_FIELDS, "division_code", "division_year", "settings", "children")
NULLABLE_FIELDS = frozenset({"name_en", "kind", "division_code", "division_year"})
MANAGED_FIELDS = (
    "name",
    "name_en",
    "level",
    "kind",
    "division_code",
    "division_year",
    "status",
    "settings",
)

Action = Literal["create", "update", "move", "unchanged"]
_SYMBOLS: dict[str, str] = {"create": "+", "update": "~", "move": "~", "unchanged": "="}


@dataclass(frozen=True, slots=True)
class LineError:
    """One problem in the file: the (1-based) line, the field and an English message."""

    line: int | None
    field: str
    message: str

    def render(self, file: str) -> str:
        where = f"{file}:{self.line}" if self.line is not None else file
        return f"{where}: {self.field}: {self.message}"


class ProvisioningError(Exception):
    """The file cannot be applied; ``errors`` holds one entry per problem found."""

    def __init__(self, file: str, errors: list[LineError]) -> None:
        self.file = file
        self.errors = errors
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        return [e.render(self.file) for e in self.errors]


def error_at(node: yaml.Node, field: str, message: str) -> LineError:
    """A :class:`LineError` at the line where ``node`` starts."""
    return LineError(node.start_mark.line + 1, field, message)


@dataclass(frozen=True, slots=True)
class PlanLine:
    """One line of the plan, e.g. ``+ create town gaotangling 高塘岭街道``."""

    action: Action
    subject: str
    detail: str = ""

    def __str__(self) -> str:
        text = f"{_SYMBOLS[self.action]} {self.action} {self.subject}"
        return f"{text}: {self.detail}" if self.detail else text


@dataclass(slots=True)
class Plan:
    """What an apply did (or, in a dry run, would do)."""

    lines: list[PlanLine] = field(default_factory=list)

    def count(self, action: Action) -> int:
        return sum(1 for line in self.lines if line.action == action)

    @property
    def changes(self) -> int:
        return len(self.lines) - self.count("unchanged")

    def summary(self) -> str:
        c, u, m, n = (self.count(a) for a in ("create", "update", "move", "unchanged"))
        return (
            f"计划：新建 {c}，更新 {u}，移动 {m}，不变 {n} / "
            f"plan: {c} to create, {u} to update, {m} to move, {n} unchanged"
        )


class TenantFileSection(Protocol):
    """Handles one extra key of tenant nodes (for example ``modules`` or ``users``).

    ``name`` is the key. ``validate`` checks the key's YAML value before anything is written and
    returns its errors (use :func:`error_at` for line numbers). ``apply`` runs in the same
    transaction once every tenant of the file exists, and returns its plan lines; raising
    :class:`RuleError` or any :class:`~core.errors.Problem` aborts the whole apply.
    """

    @property
    def name(self) -> str: ...

    def validate(self, value: yaml.Node, settings: Settings) -> list[LineError]: ...

    async def apply(
        self, session: AsyncSession, settings: Settings, tenant: Tenant, value: yaml.Node
    ) -> list[PlanLine]: ...


TenantsCreated = Callable[[AsyncSession, Sequence[Tenant]], Awaitable[None]]
"""Called in the apply's transaction with the tenants it created, once their sections applied
(the plugin host announces them to the modules on there)."""


def check_sections(names: Iterable[str]) -> None:
    """Raise ``ValueError`` for a section named like a tenant field or claimed twice."""
    seen: set[str] = set()
    for name in names:
        if name in NODE_FIELDS or name in ("parent", "children"):
            raise ValueError(f"tenant-file section {name!r} is a tenant field, not a section")
        if name in seen:
            raise ValueError(f"tenant-file section {name!r} is declared twice")
        seen.add(name)


def _by_name(sections: Iterable[TenantFileSection]) -> dict[str, TenantFileSection]:
    found = list(sections)
    check_sections(s.name for s in found)
    return {s.name: s for s in found}


@dataclass(slots=True)
class NodeSpec:
    """One tenant node of the file, with the line of the node and of each of its keys."""

    line: int
    values: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    children: list[NodeSpec] = field(default_factory=list)
    parent_key: str | None = None
    sections: dict[str, yaml.Node] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return str(self.values.get("slug", ""))

    def line_of(self, name: str) -> int:
        return self.lines.get(name, self.line)

    def walk(self) -> Iterator[NodeSpec]:
        yield self
        for child in self.children:
            yield from child.walk()


def _construct(node: yaml.Node) -> Any:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def _pairs(node: yaml.MappingNode, errors: list[LineError]) -> list[tuple[str, yaml.Node]]:
    """The mapping's (key, value) pairs; non-text and duplicate keys are errors."""
    seen: set[str] = set()
    pairs: list[tuple[str, yaml.Node]] = []
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
            errors.append(error_at(key_node, "key", "keys must be plain text"))
            continue
        key = str(key_node.value)
        if key in seen:
            errors.append(error_at(key_node, key, "duplicate key"))
            continue
        seen.add(key)
        pairs.append((key, value_node))
    return pairs


_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_NULL = "tag:yaml.org,2002:null"


def _scalar(key: str, node: yaml.Node, errors: list[LineError]) -> tuple[bool, Any]:
    """Convert a field's YAML value; returns (ok, value)."""
    is_scalar = isinstance(node, yaml.ScalarNode)
    if is_scalar and node.tag == _NULL:
        if key in NULLABLE_FIELDS:
            return True, None
        errors.append(error_at(node, key, "must not be empty"))
        return False, None
    if key in TEXT_FIELDS or key == "parent":
        if is_scalar and (node.tag == _STR or (key == "parent" and node.tag == _INT)):
            return True, str(node.value)
        errors.append(error_at(node, key, "expected text"))
        return False, None
    if key == "division_code":
        if is_scalar and node.tag in (_STR, _INT):
            return True, str(node.value)
        errors.append(error_at(node, key, "expected a 6-, 9- or 12-digit code"))
        return False, None
    if key == "division_year":
        if is_scalar and node.tag == _INT:
            return True, int(_construct(node))
        errors.append(error_at(node, key, "expected a year such as 2023"))
        return False, None
    if key == "settings":
        if isinstance(node, yaml.MappingNode):
            try:
                value = _construct(node)
            except yaml.YAMLError as exc:
                errors.append(error_at(node, key, str(exc).splitlines()[0]))
                return False, None
            return True, value
        errors.append(error_at(node, key, "expected a mapping"))
        return False, None
    raise AssertionError(key)


def _rule(errors: list[LineError], line: int, check: Any, *args: Any) -> Any:
    try:
        return check(*args)
    except RuleError as exc:
        errors.append(LineError(line, exc.field, exc.message_en))
        return None


def _parse_node(
    node: yaml.Node,
    settings: Settings,
    errors: list[LineError],
    parent: NodeSpec | None,
    top_level: bool,
    sections: Mapping[str, TenantFileSection],
) -> NodeSpec | None:
    if not isinstance(node, yaml.MappingNode):
        errors.append(error_at(node, "tenant", "expected a mapping with slug, name, ..."))
        return None
    spec = NodeSpec(line=node.start_mark.line + 1)
    children_node: yaml.Node | None = None
    for key, value in _pairs(node, errors):
        line = value.start_mark.line + 1
        if key == "children":
            children_node = value
            spec.lines[key] = line
        elif key in NODE_FIELDS or (key == "parent" and top_level):
            ok, converted = _scalar(key, value, errors)
            if ok:
                if key == "parent":
                    spec.parent_key = converted
                else:
                    spec.values[key] = converted
            spec.lines[key] = line
        elif key in sections:
            errors.extend(sections[key].validate(value, settings))
            spec.sections[key] = value
        else:
            hint = " (only top-level nodes name a parent)" if key == "parent" else ""
            errors.append(error_at(value, key, f"unknown field{hint}"))
    for required in ("slug", "name"):
        if required not in spec.values and required not in spec.lines:
            errors.append(LineError(spec.line, required, "is required"))
    _check_values(spec, settings, errors, parent)
    if children_node is not None:
        if not isinstance(children_node, yaml.SequenceNode):
            errors.append(error_at(children_node, "children", "expected a list of tenants"))
        else:
            for child_node in children_node.value:
                child = _parse_node(
                    child_node, settings, errors, spec, top_level=False, sections=sections
                )
                if child is not None:
                    spec.children.append(child)
    return spec


def _check_values(
    spec: NodeSpec, settings: Settings, errors: list[LineError], parent: NodeSpec | None
) -> None:
    v = spec.values
    checks: list[tuple[str, Any, tuple[Any, ...]]] = [
        ("slug", rules.check_slug, ()),
        ("name", rules.check_name, ()),
        ("name_en", rules.check_name_en, ()),
        ("kind", rules.check_kind, ()),
        ("division_year", rules.check_division_year, ()),
        ("status", rules.check_status, ()),
    ]
    for name, check, extra in checks:
        if name in v:
            result = _rule(errors, spec.line_of(name), check, v[name], *extra)
            if result is not None and name in ("name", "name_en", "kind"):
                v[name] = result
    parent_level = parent.values.get("level") if parent is not None else None
    if "level" in v:
        _rule(errors, spec.line_of("level"), rules.check_level, settings, v["level"], parent_level)
    parent_code = parent.values.get("division_code") if parent is not None else None
    if v.get("division_code") is not None:
        _rule(
            errors,
            spec.line_of("division_code"),
            rules.check_division_code,
            v["division_code"],
            parent_code,
        )


def parse_document(
    text: str, file: str, settings: Settings, sections: Iterable[TenantFileSection] = ()
) -> list[NodeSpec]:
    """Parse and check a provisioning document; raises :class:`ProvisioningError`.

    ``sections`` are the extra keys nodes may carry (usually ``host.tenant_file_sections()``).
    """
    handlers = _by_name(sections)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        line = mark.line + 1 if mark is not None else None
        raise ProvisioningError(
            file, [LineError(line, "yaml", f"malformed YAML: {problem}")]
        ) from None
    if root is None:
        raise ProvisioningError(file, [LineError(None, "file", "is empty")])
    errors: list[LineError] = []
    if not isinstance(root, yaml.MappingNode):
        raise ProvisioningError(
            file, [error_at(root, "file", "expected a mapping with version and tenants")]
        )
    found: dict[str, yaml.Node] = {}
    for key, value in _pairs(root, errors):
        if key in ("version", "tenants"):
            found[key] = value
        else:
            errors.append(error_at(value, key, "unknown field"))
    version = found.get("version")
    if version is None:
        errors.append(error_at(root, "version", f"is required (version: {FORMAT_VERSION})"))
    elif not (
        isinstance(version, yaml.ScalarNode)
        and version.tag == _INT
        and version.value == str(FORMAT_VERSION)
    ):
        errors.append(error_at(version, "version", f"must be {FORMAT_VERSION}"))
    tenants_node = found.get("tenants")
    specs: list[NodeSpec] = []
    if tenants_node is None:
        errors.append(error_at(root, "tenants", "is required"))
    elif not isinstance(tenants_node, yaml.SequenceNode) or not tenants_node.value:
        errors.append(error_at(tenants_node, "tenants", "expected a non-empty list of tenants"))
    else:
        for node in tenants_node.value:
            spec = _parse_node(node, settings, errors, None, top_level=True, sections=handlers)
            if spec is not None:
                specs.append(spec)
    _check_duplicates(specs, errors)
    if errors:
        raise ProvisioningError(file, sorted(errors, key=lambda e: e.line or 0))
    return specs


def _check_duplicates(specs: list[NodeSpec], errors: list[LineError]) -> None:
    for name in ("slug", "division_code"):
        first: dict[str, int] = {}
        for spec in (s for top in specs for s in top.walk()):
            value = spec.values.get(name)
            if value is None:
                continue
            if value in first:
                errors.append(
                    LineError(
                        spec.line_of(name),
                        name,
                        f"{value!r} is used twice in this file (first on line {first[value]})",
                    )
                )
            else:
                first[value] = spec.line_of(name)


def _subject(level: str, slug: str, name: str) -> str:
    return f"{level} {slug} {name}"


class _Applier:
    def __init__(
        self,
        session: AsyncSession,
        settings: Settings,
        file: str,
        sections: Mapping[str, TenantFileSection],
        on_created: TenantsCreated | None,
    ) -> None:
        self.session = session
        self.settings = settings
        self.file = file
        self.handlers = sections
        self.on_created = on_created
        self.plan = Plan()
        self.applied: list[tuple[NodeSpec, Tenant]] = []
        self.created: list[Tenant] = []

    def fail(self, line: int, fieldname: str, message: str) -> ProvisioningError:
        return ProvisioningError(self.file, [LineError(line, fieldname, message)])

    async def top(self, spec: NodeSpec) -> None:
        parent: Tenant | None = None
        if spec.parent_key is not None:
            parent = await find_tenant(self.session, spec.parent_key)
            if parent is None:
                raise self.fail(spec.line_of("parent"), "parent", f"no tenant {spec.parent_key!r}")
        await self.node(spec, parent)

    async def node(self, spec: NodeSpec, parent: Tenant | None) -> None:
        try:
            tenant = await self._node(spec, parent)
        except RuleError as exc:
            raise self.fail(spec.line_of(exc.field), exc.field, exc.message_en) from exc
        except (service.DuplicateError, service.InactiveError) as exc:
            raise self.fail(spec.line_of(exc.field), exc.field, exc.message_en) from exc
        except Problem as exc:
            raise self.fail(spec.line, "tenant", exc.detail or exc.title) from exc
        except IntegrityError as exc:
            raise self.fail(spec.line, "tenant", "conflicts with existing data") from exc
        self.applied.append((spec, tenant))
        for child in spec.children:
            await self.node(child, tenant)

    async def _node(self, spec: NodeSpec, parent: Tenant | None) -> Tenant:
        v = spec.values
        existing = (
            await self.session.execute(select(Tenant).where(Tenant.slug == spec.slug))
        ).scalar_one_or_none()
        if existing is None:
            tenant = await service.create_tenant(
                self.session,
                self.settings,
                parent,
                service.NewTenant(
                    slug=spec.slug,
                    name=v["name"],
                    level=v.get("level"),
                    name_en=v.get("name_en"),
                    kind=v.get("kind"),
                    division_code=v.get("division_code"),
                    division_year=v.get("division_year"),
                    status=v.get("status", "active"),
                    settings=v.get("settings"),
                ),
            )
            self.plan.lines.append(
                PlanLine("create", _subject(tenant.level, tenant.slug, tenant.name))
            )
            self.created.append(tenant)
            return tenant
        tenant = existing
        old_parent = await self.session.get(Tenant, tenant.parent_id) if tenant.parent_id else None
        moved = await service.move_tenant(
            self.session, self.settings, tenant, parent, enforce_status=False
        )
        if moved:
            was = old_parent.slug if old_parent else "(root)"
            now = parent.slug if parent else "(root)"
            self.plan.lines.append(
                PlanLine(
                    "move",
                    _subject(tenant.level, tenant.slug, tenant.name),
                    f"parent {was} → {now}",
                )
            )
        changes = {k: v[k] for k in MANAGED_FIELDS if k in v and getattr(tenant, k) != v[k]}
        archive = changes.get("status") == "archived"
        if archive:
            del changes["status"]
        changed = await service.update_tenant(
            self.session, self.settings, tenant, changes, enforce_status=False
        )
        if archive:
            await service.archive_tenant(self.session, tenant)
            changed = sorted({*changed, "status"})
        subject = _subject(tenant.level, tenant.slug, tenant.name)
        if changed:
            self.plan.lines.append(PlanLine("update", subject, ", ".join(changed)))
        elif not moved:
            self.plan.lines.append(PlanLine("unchanged", subject))
        return tenant

    async def sections(self) -> None:
        for spec, tenant in self.applied:
            for name, value in spec.sections.items():
                try:
                    lines = await self.handlers[name].apply(
                        self.session, self.settings, tenant, value
                    )
                except RuleError as exc:
                    raise self.fail(value.start_mark.line + 1, exc.field, exc.message_en) from exc
                except Problem as exc:
                    raise self.fail(
                        value.start_mark.line + 1, name, exc.detail or exc.title
                    ) from exc
                self.plan.lines.extend(lines)
        await self.announce_created()

    async def announce_created(self) -> None:
        """Let the caller announce each new tenant, once its sections are settled."""
        if self.created and self.on_created is not None:
            await self.on_created(self.session, self.created)


async def apply_specs(
    session: AsyncSession,
    settings: Settings,
    specs: list[NodeSpec],
    file: str,
    sections: Iterable[TenantFileSection] = (),
    on_created: TenantsCreated | None = None,
) -> Plan:
    """Apply parsed nodes in ``session``'s transaction; the caller commits or rolls back."""
    applier = _Applier(session, settings, file, _by_name(sections), on_created)
    for spec in specs:
        await applier.top(spec)
    await applier.sections()
    return applier.plan


class _DryRun(Exception):
    def __init__(self, plan: Plan) -> None:
        self.plan = plan


def read_document(path: str) -> str:
    """The file's text; a missing or unreadable file is a :class:`ProvisioningError`."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProvisioningError(path, [LineError(None, "file", "no such file")]) from None
    except IsADirectoryError:
        raise ProvisioningError(path, [LineError(None, "file", "is a directory")]) from None
    except UnicodeDecodeError:
        raise ProvisioningError(path, [LineError(None, "file", "is not UTF-8 text")]) from None
    except OSError as exc:
        message = exc.strerror or "unreadable"
        raise ProvisioningError(path, [LineError(None, "file", message)]) from None


async def apply_file(
    db: Database,
    path: str,
    *,
    dry_run: bool = False,
    sections: Sequence[TenantFileSection] = (),
    on_created: TenantsCreated | None = None,
) -> Plan:
    """Validate ``path`` and apply it in one transaction (rolled back when ``dry_run``).

    ``sections`` handle the extra keys of nodes and ``on_created`` hears of new tenants; both
    come from the plugin host (``core.kernel.apply_tenant_file`` passes them).
    """
    specs = parse_document(read_document(path), path, db.settings, sections)
    try:
        async with db.session(write=True, context=SYSTEM) as session:
            plan = await apply_specs(session, db.settings, specs, path, sections, on_created)
            if dry_run:
                raise _DryRun(plan)
    except _DryRun as done:
        return done.plan
    return plan
