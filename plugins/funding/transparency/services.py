"""The public funding report of a tenant that switches transparency on (setting
``transparency``): every call run in its subtree with its balance, every approved project with
its amounts, and the ledger's totals. Everything is derived from the ledger at read time.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import Problem, Tenant, in_subtree
from plugins.funding import rules
from plugins.funding.calls import services as calls
from plugins.funding.ledger import services as ledger
from plugins.funding.models import Application, Call
from plugins.funding.money import yuan
from plugins.funding.transparency.schemas import CallSummary, ProjectSummary, Report, Totals

FUNDER_TITLES = {"foundation": "基金会", "government": "政府", "enterprise": "企业"}


def require_on(config: Mapping[str, Any], tenant: Tenant) -> None:
    """404 unless the tenant (or the nearest ancestor that decides) publishes its funding."""
    if not config["transparency"]:
        raise Problem(
            "本级未公开资金信息",
            title_en="This tenant does not publish its funding",
            detail=f"funding transparency is off at {tenant.slug}",
            status=404,
            code="transparency-off",
        )


async def report(session: AsyncSession, tenant: Tenant) -> Report:
    found = list(
        (
            await session.execute(
                select(Call)
                .where(in_subtree(Call.tenant_id, tenant))
                .order_by(Call.opens_on.desc(), Call.id)
            )
        ).scalars()
    )
    summaries: list[CallSummary] = []
    entries = 0
    for call in found:
        money = await calls.balance(session, call)
        entries += money.entries
        summaries.append(
            CallSummary(
                id=call.id,
                tenant_id=call.tenant_id,
                title=call.title,
                funder_kind=call.funder_kind,
                funder_name=call.funder_name,
                opens_on=call.opens_on,
                closes_on=call.closes_on,
                pool_fen=money.pool_fen,
                committed_fen=money.committed_fen,
                disbursed_fen=money.disbursed_fen,
                available_fen=money.available_fen,
            )
        )
    funded = list(
        (
            await session.execute(
                select(Application)
                .where(
                    Application.call_id.in_([c.id for c in found]),
                    Application.status.in_(rules.FUNDED),
                )
                .order_by(Application.submitted_at, Application.id)
            )
        ).scalars()
    )
    paid = await ledger.projects_totals(session, [a.id for a in funded])
    zero = ledger.ProjectTotals(0, 0)
    projects = [
        ProjectSummary(
            application_id=a.id,
            call_id=a.call_id,
            title=a.title,
            applicant_names=list(a.applicant_names),
            joint=a.joint,
            status=a.status,
            status_title=rules.STATUS_TITLES[a.status][0],
            approved_fen=a.approved_fen or 0,
            committed_fen=paid.get(a.id, zero).committed,
            disbursed_fen=paid.get(a.id, zero).disbursed,
        )
        for a in funded
    ]
    return Report(
        tenant_id=tenant.id,
        tenant_name=tenant.name,
        calls=summaries,
        projects=projects,
        totals=Totals(
            calls=len(summaries),
            projects=len(projects),
            pool_fen=sum(c.pool_fen for c in summaries),
            approved_fen=sum(p.approved_fen for p in projects),
            committed_fen=sum(c.committed_fen for c in summaries),
            disbursed_fen=sum(c.disbursed_fen for c in summaries),
            entries=entries,
        ),
    )


def to_html(r: Report) -> str:
    """A self-contained page for publishing (every value escaped; amounts in yuan)."""
    e = html.escape
    call_rows = "\n".join(
        f"<tr><td>{e(c.title)}</td><td>{e(FUNDER_TITLES.get(c.funder_kind, c.funder_kind))}："
        f"{e(c.funder_name)}</td><td>{c.opens_on} 至 {c.closes_on}</td>"
        f"<td>{yuan(c.pool_fen)}</td><td>{yuan(c.committed_fen)}</td>"
        f"<td>{yuan(c.disbursed_fen)}</td></tr>"
        for c in r.calls
    )
    project_rows = "\n".join(
        f"<tr><td>{e(p.title)}</td><td>{e('、'.join(p.applicant_names))}"
        f"{'（联合申报）' if p.joint else ''}</td><td>{e(p.status_title)}</td>"
        f"<td>{yuan(p.approved_fen)}</td><td>{yuan(p.disbursed_fen)}</td></tr>"
        for p in r.projects
    )
    t = r.totals
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{e(r.tenant_name)}公益项目资金公开</title>
<style>body{{font-family:"Noto Sans CJK SC","Source Han Sans SC",sans-serif;margin:2em}}
table{{border-collapse:collapse;margin-bottom:1.5em}}th,td{{border:1px solid #444;padding:4px 8px}}
td:nth-child(n+4){{text-align:right}}</style></head>
<body><h1>{e(r.tenant_name)}公益项目资金公开</h1>
<p>资助项目 {t.calls} 个，立项 {t.projects} 个；资金池合计 {yuan(t.pool_fen)} 元，
立项金额 {yuan(t.approved_fen)} 元，已拨付 {yuan(t.disbursed_fen)} 元（单位：元）。</p>
<h2>资助项目</h2>
<table><thead><tr><th>名称</th><th>出资方</th><th>申报时间</th><th>资金池</th><th>已立项</th>
<th>已拨付</th></tr></thead><tbody>
{call_rows}
</tbody></table>
<h2>立项项目</h2>
<table><thead><tr><th>项目</th><th>申报方</th><th>状态</th><th>立项金额</th><th>已拨付</th></tr>
</thead><tbody>
{project_rows}
</tbody></table>
</body></html>
"""
