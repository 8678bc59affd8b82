"""Follow-up re-checks (复查): the last notice's items against a new audit run.

Seed 001's cycle ends with acceptance (验收): after the deadline the office checks the
site again and records, per item of the notice, whether it was fixed. Absence from a
run only proves a fix when the run completed and looked at the item; an unreachable or
partial run, or a run that lists the item's column as undecided (menu written by script
and not rendered, list unreadable), leaves the absent items ``unknown`` rather than
crediting the unit with fixes it may not have made.

Results, as stored in ``followups.results``::

    {"items": {fingerprint: "fixed" | "not_fixed" | "unknown" | "ignored"},
     "new": [fingerprint, ...], "run_status": "complete"}
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from portalwatch.reports.notice import (NoticeConfig, Rendered, cn_date, evidence_lines, group_items, inline_css,
                                        render_template)
from portalwatch.reports.privacy import mask_tree
from portalwatch.reports.safetext import clean
from portalwatch.reports.storage import NoticeStore, looked, now_iso, undecided_columns
from portalwatch.reports.summary import SEVERITY_NAMES

RESULT_NAMES = {"fixed": "已整改", "not_fixed": "未整改", "unknown": "无法核实", "ignored": "已核销", "new": "新发现"}


def compare(items: Iterable[Mapping[str, Any]], run: Mapping[str, Any], findings: Iterable[Mapping[str, Any]],
            ignored: Iterable[str] = (), looked_at: set[str] | None = None) -> dict[str, Any]:
    """Classify each notice item by the re-check run's findings (matched by fingerprint).

    ``looked_at`` is every page the re-check read and every link it checked: an item whose page
    and link the run never reached (``--max-pages`` hit, a column cut) is ``unknown``, not fixed."""
    ignored = set(ignored)
    seen = [f["fingerprint"] for f in findings if f.get("fingerprint")]
    items = list(items)
    complete = run.get("status") == "complete"
    unseen = undecided_columns(run)
    results = {}
    for item in items:
        fp = item["fingerprint"]
        if fp in ignored:
            results[fp] = "ignored"
        elif fp in seen:
            results[fp] = "not_fixed"
        else:
            results[fp] = "fixed" if complete and looked(item, looked_at, unseen) else "unknown"
    new = [fp for fp in dict.fromkeys(seen) if fp not in results and fp not in ignored]
    return {"items": results, "new": new, "run_status": run.get("status")}


def record_followup(store: NoticeStore, notice_id: int, run_id: int,
                    config: NoticeConfig | None = None) -> tuple[int, dict[str, Any], Rendered]:
    """Compare, render and store one follow-up of a notice: ``(followup id, results, rendered)``."""
    config = config or NoticeConfig.from_env()
    notice = store.notice(notice_id)
    run = store.run(run_id)
    findings = store.findings_for_run(run_id)
    ignored = {f["fingerprint"] for f in store.tracked_findings(notice["site"], ["ignored"])}
    results = compare(store.notice_items(notice_id), run, findings, ignored, looked_at=store.run_urls(run_id))
    rendered = render_followup(followup_context(store, notice, run, findings, results, config))
    followup_id = store.add_followup(notice_id, run_id, results, html=rendered.html, text=rendered.text)
    return followup_id, results, rendered


def followup_context(store: NoticeStore, notice: Mapping[str, Any], run: Mapping[str, Any],
                     findings: Iterable[Mapping[str, Any]], results: Mapping[str, Any],
                     config: NoticeConfig) -> dict[str, Any]:
    site = store.site(notice["site"]) or {}
    rows = []
    for item in mask_tree(store.notice_items(notice["id"])):
        result = results["items"].get(item["fingerprint"], "unknown")
        rows.append({**item, "result": result, "result_name": RESULT_NAMES[result],
                     "severity_name": SEVERITY_NAMES.get(item["severity"], item["severity"]),
                     "evidence_lines": evidence_lines(item)})
    by_fp = {f["fingerprint"]: f for f in findings if f.get("fingerprint")}
    new = [{**f, "severity_name": SEVERITY_NAMES.get(f["severity"], f["severity"]), "evidence_lines": evidence_lines(f)}
           for f in mask_tree([by_fp[fp] for fp in results["new"] if fp in by_fp])]
    counts = {k: sum(1 for r in rows if r["result"] == k) for k in ("fixed", "not_fixed", "unknown", "ignored")}
    serious_new = sum(1 for f in new if f["severity"] in ("veto", "major"))
    accepted = counts["not_fixed"] == 0 and counts["unknown"] == 0 and serious_new == 0
    today = now_iso()[:10]
    return {
        "number": notice["number"], "doc_number": f"{notice['number']} · 复查",
        "office": notice["office"], "unit": notice["unit"],
        "title": f"关于{notice['unit']}网站整改情况的复查报告",
        "notice_title": f"关于{notice['unit']}网站存在问题限期整改的通知",
        "notice_issued": cn_date(notice["issued"]), "deadline": cn_date(notice["deadline"]),
        "issued": cn_date(today), "copy_to": config.copy_to, "office_contact": config.contact,
        "site": mask_tree({"url": site.get("url") or run.get("site") or ""}),
        "run": {"id": run["id"], "date": cn_date(run.get("started")), "as_of": cn_date(run.get("as_of")),
                "pages": run.get("pages"), "status": run.get("status"), "complete": run.get("status") == "complete"},
        "groups": group_items(rows), "rows": rows, "new": group_items(new), "new_total": len(new),
        "counts": counts, "total": len(rows), "accepted": accepted,
    }


def render_followup(context: Mapping[str, Any]) -> Rendered:
    subject = clean(f"{context['number']} {context['title']}", one_line=True)
    return Rendered(subject=subject, html=inline_css(render_template("followup.html.j2", context)),
                    text=render_template("followup.txt.j2", context))
