"""Presenting the monitor: the registry, the per-site overview and a site's finding history."""

from __future__ import annotations

import json
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from portalwatch.reports.availability import availability
from portalwatch.reports.safetext import clean_tree
from portalwatch.reports.storage import MonitorStore
from portalwatch.reports.summary import CHECK_NAMES, RUN_STATE_NAMES, SEVERITY_NAMES, check_order, counted_score

STATUS_NAMES = {"new": "新发现", "open": "未整改", "resolved": "已整改", "reopened": "重新出现", "ignored": "已忽略"}
RUN_STATUS_NAMES = {**RUN_STATE_NAMES, "timeout": "超时",  # a job the monitor had to kill
                    "pending": "结果未返回"}  # queued on a worker (scheduler/workers.py), not back yet
LEVEL_NAMES = {"ok": "正常", "warning": "预警", "veto": "单项否决", "insufficient": "样本不足"}


def _console(out: TextIO | None) -> Console:
    # markup off: a site or registry string like "[link=...]" is text, not a Rich style
    console = Console(file=out, highlight=False, soft_wrap=True, markup=False, emoji=False)
    if not console.is_terminal:  # piped or redirected: do not squeeze tables into 80 columns
        console.width = 160
    return console


def site_overview(store: MonitorStore) -> list[dict[str, Any]]:
    """One row per registered site: last run, verdict, score, open findings by check, changes."""
    rows = []
    for site in store.sites():
        runs = store.site_runs(site["name"], limit=20)
        last = runs[0] if runs else None
        previous = next((r for r in runs[1:] if r["status"] in ("complete", "unreachable")), None)
        avail = availability(store, site["name"])
        row: dict[str, Any] = {
            "name": site["name"], "url": site["url"], "unit": site["unit"], "enabled": site["enabled"],
            "last_run": None, "verdict": None, "score": None, "open": store.open_counts(site["name"]),
            "change": None,
            "availability": {k: avail[k] for k in ("total", "failed", "blocked", "rate", "level", "window_days")},
        }
        if last is not None:
            row["last_run"] = {k: last[k] for k in ("id", "started", "finished", "status", "as_of", "pages")}
            counted = counted_score(store, last)[0]  # ignored findings do not count
            row["score"], row["verdict"] = counted["score"], counted["verdict"] or _verdict(store, last)
            change: dict[str, Any] = store.run_changes(site["name"], last["id"])
            change["previous_run"] = previous["id"] if previous else None
            before = counted_score(store, previous)[0]["score"] if previous is not None else None
            if row["score"] is not None and before is not None:
                change["score"] = round(row["score"] - before, 2)
            row["change"] = change
        if avail["level"] == "veto":
            row["verdict"] = "不合格"
        rows.append(row)
    return rows


VERDICT_STYLES = {"不合格": "red", "待人工核实": "yellow"}


def _verdict(store: MonitorStore, run: dict[str, Any]) -> str | None:
    if run["status"] not in ("complete", "unreachable"):
        return None
    if store.run_has_veto(run["id"]):
        return "不合格"
    return None


def print_overview(rows: list[dict[str, Any]], out: TextIO | None = None) -> None:
    rows = clean_tree(rows)
    console = _console(out)
    if not rows:
        console.print("尚未登记任何网站。请用 portalwatch sites add 或 sites import 登记。")
        return
    table = Table(title=f"监测网站 {len(rows)} 个", show_lines=False)
    for head in ("网站", "最近检查", "结论", "得分", "未整改问题", "较上次", "可用性（7天）"):
        table.add_column(head)
    for row in rows:
        last = row["last_run"]
        when = "尚未检查" if last is None else \
            f"{last['started'][:16].replace('T', ' ')} {RUN_STATUS_NAMES.get(last['status'], last['status'])}"
        opened = "、".join(f"{CHECK_NAMES.get(c, c)} {n}" for c, n in sorted(row["open"].items(),
                                                                            key=lambda kv: check_order(kv[0]))) or "无"
        table.add_row(row["name"] + ("" if row["enabled"] else "（已停用）"), when,
                      Text(row["verdict"] or "—", style=VERDICT_STYLES.get(row["verdict"] or "", "")),
                      "—" if row["score"] is None else f"{row['score']:g}", opened, _change_text(row["change"]),
                      _availability_text(row["availability"]))
    console.print(table)


def _change_text(change: dict[str, Any] | None) -> str:
    if not change:
        return "—"
    if change.get("previous_run") is None and not change["resolved"]:
        return f"首次检查，发现 {change['new']}"
    parts = [f"新增 {change['new']}", f"整改 {change['resolved']}"]
    if change["reopened"]:
        parts.append(f"重现 {change['reopened']}")
    if change.get("score"):
        parts.append(f"得分 {change['score']:+g}")
    return "，".join(parts)


def _availability_text(avail: dict[str, Any]) -> Text:
    if not avail["total"]:
        return Text("无监测数据")
    text = f"{LEVEL_NAMES[avail['level']]}（失败 {avail['failed']}/{avail['total']}，{avail['rate']:.1%}）"
    return Text(text, style={"veto": "red", "warning": "yellow"}.get(avail["level"], ""))


def print_findings(name: str, rows: list[dict[str, Any]], out: TextIO | None = None) -> None:
    name, rows = clean_tree(name), clean_tree(rows)
    console = _console(out)
    if not rows:
        console.print(f"{name}：没有符合条件的问题记录。")
        return
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    console.print(f"{name}：问题 {len(rows)} 个（" + "，".join(
        f"{STATUS_NAMES.get(s, s)} {n}" for s, n in counts.items()) + "）")
    table = Table(show_lines=False)
    table.add_column("编号", no_wrap=True, min_width=16)
    for head in ("状态", "检查项", "级别", "说明", "首次发现", "最近发现"):
        table.add_column(head, no_wrap=head != "说明")
    for r in rows:
        where = r.get("target") or r.get("column") or ""
        message = r["message"] + (f"  {where}" if where and where not in r["message"] else "")
        if r["status"] == "ignored" and r.get("ignored_reason"):
            message += f"（忽略原因：{r['ignored_reason']}）"
        table.add_row(r["fingerprint"], STATUS_NAMES.get(r["status"], r["status"]),
                      CHECK_NAMES.get(r["check"], r["check"]), SEVERITY_NAMES.get(r["severity"], r["severity"]),
                      Text(message), (r["first_seen"] or "")[:10], (r["last_seen"] or "")[:10])
    console.print(table)


def findings_json(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keys = ("check", "severity", "url", "target", "column", "message", "evidence", "status", "first_seen",
            "last_seen", "first_run", "last_run", "resolved_run", "resolved_at", "times_seen", "ignored_reason",
            "ignored_at")
    return [{"id": r["fingerprint"], **{k: r.get(k) for k in keys}} for r in rows]


def print_sites(rows: list[dict[str, Any]], out: TextIO | None = None) -> None:
    rows = clean_tree(rows)
    console = _console(out)
    if not rows:
        console.print("尚未登记任何网站。")
        return
    table = Table(title=f"已登记网站 {len(rows)} 个")
    for head in ("名称", "网址", "栏目配置", "单位", "地区", "负责人", "联系邮箱", "状态", "设置"):
        table.add_column(head)
    for s in rows:
        table.add_row(s["name"], s["url"], s["profile"] or "", s["unit"] or "", s["region"] or "", s["contact"] or "",
                      "; ".join(s["emails"]), "启用" if s["enabled"] else "停用",
                      json.dumps(s["settings"], ensure_ascii=False) if s["settings"] else "")
    console.print(table)
