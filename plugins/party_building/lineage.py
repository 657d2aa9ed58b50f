"""Rows a tenant sees above its own subtree: the party bodies and plan templates of the tenants
on its path to the root (a community's branch knows the district's committee above it)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_

from core import Tenant, in_subtree


def in_subtree_or_above(column: Any, tenant: Tenant) -> ColumnElement[bool]:
    """``column`` (a tenant id) lies in ``tenant``'s subtree or on its path to the root."""
    return or_(in_subtree(column, tenant), column.in_(tenant.ancestor_ids))
