"""Presenting one audit: the contract's JSON document and the human summary table."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Iterator, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from portalwatch.checks.base import SEVERITY_TITLES
from portalwatch.checks.registry import check_order, known_checks, title_of
from portalwatch.reports.safetext import clean_tree
from portalwatch.reports.storage import Store


class _Titles(Mapping):
    """``CHECK_NAMES[id]``: a check's Chinese title, read from the check registry (kept for the
    modules that index it; new code calls ``title_of``)."""

    def __getitem__(self, check_id: str) -> str:
        return title_of(check_id)

    def get(self, check_id: str, default: Any = None) -> str:  # type: ignore[override]
        return title_of(check_id)

    def __iter__(self) -> Iterator[str]:
        return iter(known_checks())

    def __len__(self) -> int:
        return len(known_checks())


CHECK_NAMES = _Titles()
SEVERITY_NAMES = SEVERITY_TITLES
SKIP_NAMES = {
    "too_large": "页面过大，只读取了开头", "robots": "robots.txt 不允许抓取", "url_too_long": "网址过长",
    "too_deep": "链接层级过深", "repeating_path": "路径重复（疑似无限链接）", "calendar_trap": "无限日历（连续页面仅日期不同）",
    "query_trap": "参数变化不改变内容（疑似无限链接）", "page_error": "页面处理出错（该页部分内容未检查）",
    "too_many_links": "页面链接过多，超出上限的链接未检查", "markup_too_deep": "页面标签嵌套过深，深处内容未读取",
}


def ignored_fingerprints(store: Store, run: dict[str, Any]) -> set[str]:
    """Fingerprints an inspector marked ignored (误报、可接受) for the run's registered site."""
    if not run.get("site_name"):
        return set()
    try:
        return store.ignored_fingerprints(run["site_name"])
    except Exception:  # a database without the monitoring tables: nothing is ignored
        return set()


def counted_score(store: Store, run: dict[str, Any]) -> tuple[dict[str, Any], list[dict], list[dict]]:
    """The run's score as shown beside its findings: ``(score facts, counted findings, ignored
    findings)``. Findings an inspector ignored do not count: the run is scored again without them
    (``checks.scoring.rescore``); the stored score stands when none is ignored, or for runs stored
    before the scoring basis was kept."""
    from portalwatch.checks.scoring import rescore

    try:
        summary = json.loads(run.get("summary") or "{}")
    except (TypeError, ValueError):
        summary = {}
    stored = summary.get("score") or {}
    facts = {k: stored.get(k, []) for k in ("vetoes", "warnings", "deductions", "pending")}
    facts |= {"score": run.get("score"), "verdict": run.get("verdict"), "grade": run.get("grade")}
    findings = store.findings_for_run(run["id"]) if run.get("id") is not None else []
    ignored = ignored_fingerprints(store, run)
    counted = [f for f in findings if f.get("fingerprint") not in ignored]
    dropped = [f for f in findings if f.get("fingerprint") in ignored]
    if dropped and run.get("score") is not None:
        again = rescore(counted, stored)
        if again is not None:
            facts = {"score": again.score, "verdict": again.verdict, "grade": again.grade, "vetoes": again.vetoes,
                     "warnings": again.warnings, "deductions": [list(d) for d in again.deductions],
                     "pending": again.pending}
    return facts, counted, dropped


def audit_document(store: Store, run_id: int) -> dict[str, Any]:
    """The JSON document of ``portalwatch audit --format json`` for a stored run. Findings an
    inspector ignored are listed apart (``ignored_findings``) and left out of the score."""
    run = store.run(run_id)
    summary = json.loads(run.get("summary") or "{}")
    score, findings, ignored = counted_score(store, run)
    fields = ("check", "severity", "url", "target", "column", "message", "evidence")
    return {
        "site": run["site"], "run_id": run_id, "profile": run["profile"], "pages": run["pages"],
        "started": run["started"], "finished": run["finished"], "score": score["score"],
        "findings": [{k: f[k] for k in fields} for f in findings],
        # extensions beyond the contract
        "status": run["status"], "as_of": run["as_of"], "verdict": score["verdict"], "grade": score["grade"],
        "ignored_findings": [{k: f[k] for k in fields} for f in ignored],
        "check_titles": {c: title_of(c) for c in dict.fromkeys(f["check"] for f in findings + ignored)},
        "vetoes": score.get("vetoes", []), "warnings": score.get("warnings", []),
        "deductions": [list(d) for d in score.get("deductions", [])],
        "notes": summary.get("notes", []), "undecided": summary.get("undecided", []),
        "pending": score.get("pending", []), "links_checked": run["links_checked"],
        "links_unverifiable": summary.get("links_unverifiable", 0), "skipped": summary.get("skipped", {}),
        "render": render_facts(summary),
        "scope": {"mode": summary.get("scope", "host"), "path": summary.get("scope_prefix", "/"),
                  "outside_pages": summary.get("outside_scope", 0)},
        "coverage": coverage_facts(run, summary),
        "incremental": {k: summary.get(k, d) for k, d in (("mode", "full"), ("full_reason", ""),
                        ("pages_reused", 0), ("pages_not_modified", 0), ("links_reused", 0))},
    }


RUN_STATE_NAMES = {"complete": "完成", "unreachable": "无法访问", "interrupted": "中断", "failed": "失败",
                   "running": "运行中", "cut_short": "超时截止"}


def coverage_facts(run: dict[str, Any], summary: dict[str, Any]) -> dict[str, Any]:
    """What part of the site the run saw (scheduler/runstate.py), for older runs rebuilt from their facts."""
    stored = dict(summary.get("coverage") or {})
    skipped = summary.get("skipped") or {}
    home_read = bool(run["pages"]) and not summary.get("unreachable")
    fallback = {"reason": summary.get("reason", ""), "homepage_read": home_read,
                "pages_read": run["pages"] or 0, "pages_failed": 0, "pages_failed_by_reason": {}, "page_errors": 0,
                "page_error_samples": [], "skipped": skipped, "skipped_total": sum(skipped.values()),
                "max_pages_reached": bool(summary.get("max_pages_reached")), "pages_not_followed": 0,
                "crawl_end": ""}
    return {**fallback, **stored, "state": run["status"], "pages_read": run["pages"] or 0}


def coverage_lines(cov: dict[str, Any]) -> list[tuple[str, str]]:
    """(text, style) lines that say how much of the site this result rests on."""
    lines: list[tuple[str, str]] = []
    state = cov.get("state", "")
    if state not in ("complete", "unreachable"):
        name = RUN_STATE_NAMES.get(state, state)
        why = f"：{cov['reason']}" if cov.get("reason") else ""
        lines.append((f"本次检查未完成（{name}{why}）。以下只是已读取部分的情况，未评分，不能作为合格或整改的依据。",
                      "bold red"))
    parts = [f"读取页面 {cov.get('pages_read', 0)} 个（首页{'已读取' if cov.get('homepage_read') else '未读取'}）"]
    if cov.get("pages_failed"):
        parts.append(f"{cov['pages_failed']} 个页面未能打开")
    if cov.get("page_errors"):
        parts.append(f"{cov['page_errors']} 个页面处理时程序出错，未计入检查")
    if cov.get("skipped_total"):
        parts.append(f"跳过或截断 {cov['skipped_total']} 处")
    if cov.get("max_pages_reached"):
        extra = f"，另有至少 {cov['pages_not_followed']} 个页面未抓取" if cov.get("pages_not_followed") else ""
        parts.append(f"已达到页面数上限（--max-pages）{extra}")
    partial = state != "complete" or cov.get("max_pages_reached") or cov.get("page_errors")
    lines.append(("抓取情况：" + "；".join(parts) + "。", "yellow" if partial else ""))
    return lines


def render_facts(summary: dict[str, Any]) -> dict[str, Any]:
    """How the run used the browser (``--render``), from the run's stored summary facts."""
    return {"mode": summary.get("render_mode", "auto"), "available": summary.get("render_available", True),
            "rendered_pages": summary.get("rendered_pages", 0),
            "needed_not_rendered": summary.get("render_needed_not_rendered", 0),
            "render_failed": summary.get("render_failed", 0)}


def render_lines(render: dict[str, Any]) -> list[tuple[str, str]]:
    """(text, style) lines that say how far script-built columns can be trusted."""
    from portalwatch.crawler.render import NO_CHROMIUM_WARNING

    lines: list[tuple[str, str]] = []
    needed = render.get("needed_not_rendered", 0)
    if render.get("mode") == "never":
        lines.append(("本次未启用页面渲染（--render never）。", ""))
        if needed:
            lines.append((f"有 {needed} 个页面的导航或列表由脚本生成，未经渲染，相关栏目可能被误判为缺失或空白；"
                          f"建议用 --render auto 复查。", "yellow"))
    elif not render.get("available", True):
        extra = f"（{needed} 个页面的导航或列表由脚本生成）" if needed else ""
        lines.append((f"{NO_CHROMIUM_WARNING}{extra}。", "yellow"))
    if render.get("rendered_pages"):
        lines.append((f"已用浏览器渲染 {render['rendered_pages']} 个页面。", ""))
    if render.get("render_failed"):
        lines.append((f"{render['render_failed']} 个页面渲染失败，按未渲染的内容检查。", "yellow"))
    return lines


def print_summary(doc: dict[str, Any], out: TextIO | None = None) -> None:
    """The human summary: verdict first, then what the run saw, findings by check, what was skipped.

    A run that did not finish gets no verdict and no "no problems found" line: only what it read.
    Site text is shown through ``safetext`` and never read as Rich markup or emoji codes."""
    console = Console(file=out, highlight=False, soft_wrap=True, markup=False, emoji=False)
    doc = clean_tree(doc)
    cov = doc.get("coverage") or {}
    finished = cov.get("state", doc.get("status", "complete")) in ("complete", "unreachable")
    verdict = doc.get("verdict") or ("不合格" if any(f["severity"] == "veto" for f in doc["findings"]) else "—")
    if not finished:
        verdict = "未完成，无结论"
    score = doc.get("score")
    head = Text()
    head.append(f"{doc['site']}  ", style="bold")
    style = "bold yellow" if not finished else {"不合格": "bold red", "待人工核实": "bold yellow"}.get(verdict, "bold green")
    head.append(f"结论：{verdict}", style=style)
    if score is not None:
        head.append(f"  得分：{score:g}{'（暂定，部分内容未能检查）' if verdict == '待人工核实' else ''}")
    if doc.get("grade") and doc.get("grade") != verdict:
        head.append(f"（{doc['grade']}）")
    console.print(head)
    console.print(f"栏目配置：{doc['profile']}  检查基准日：{doc.get('as_of')}  抓取页面：{doc['pages']}  "
                  f"检查链接：{doc.get('links_checked', 0)}  运行编号：{doc['run_id']}")
    for line in doc.get("vetoes", []):
        console.print(Text(f"单项否决：{line}", style="red"))
    for line in doc.get("warnings", []):
        console.print(Text(f"预警：{line}", style="yellow"))
    for line in doc.get("pending", []):
        console.print(Text(f"待人工核实：{line}", style="yellow"))
    for line, style in coverage_lines(cov) if cov else []:
        console.print(Text(line, style=style))
    scope = doc.get("scope") or {}
    if scope.get("mode") == "path":
        console.print(f"检查范围：仅 {scope.get('path')} 目录下的页面（目录外的链接只检查是否可访问）")
        if scope.get("outside_pages"):
            console.print(f"目录外的同主机页面链接 {scope['outside_pages']} 个未抓取；如整个主机都属于本网站，"
                          f"请使用 --scope host。")
    for line, style in render_lines(doc.get("render") or {}):
        console.print(Text(line, style=style))
    inc = doc.get("incremental") or {}
    if inc.get("mode") == "incremental":
        console.print(f"检查方式：增量（{inc.get('pages_reused', 0)} 个页面未变化，沿用上次读取结果；"
                      f"{inc.get('links_reused', 0)} 个链接沿用上次核实结论）")
    elif inc.get("full_reason"):
        console.print(f"检查方式：全面（{inc['full_reason']}）")
    if not finished:
        return

    findings = doc["findings"]
    titles = doc.get("check_titles") or {}

    def title(check: str) -> str:
        return titles.get(check) or title_of(check)

    if findings:
        table = Table(title=f"发现问题 {len(findings)} 个", show_lines=False, expand=False)
        table.add_column("检查项")
        table.add_column("级别")
        table.add_column("数量", justify="right")
        table.add_column("示例")
        for check in sorted({f["check"] for f in findings}, key=check_order):
            group = [f for f in findings if f["check"] == check]
            table.add_row(title(check), SEVERITY_NAMES.get(group[0]["severity"], ""),
                          str(len(group)), Text(group[0]["message"]))
        console.print(table)
        for f in sorted(findings, key=lambda f: (check_order(f["check"]), f["url"]))[:200]:
            where = f.get("target") or f.get("column") or ""
            console.print(Text(f"- [{title(f['check'])}] {f['message']}"
                               f"{'  ' + where if where and where not in f['message'] else ''}  页面：{f['url']}"))
    else:
        console.print("未发现问题。")
    if doc.get("ignored_findings"):
        console.print(Text(f"另有 {len(doc['ignored_findings'])} 个问题已被检查人员标记为忽略，不计入问题和得分。",
                           style="yellow"))
    undecided = doc.get("undecided") or []
    if undecided:
        console.print(Text(f"未能检查、需人工核实的事项 {len(undecided)} 项（不计为问题）：", style="yellow"))
        for item in undecided[:100]:
            console.print(Text(f"- [待核实] {item['reason']}"))
    for note in doc.get("notes", []):
        console.print(Text(f"无法判定：{note['message']}", style="yellow"))
    if doc.get("links_unverifiable"):
        console.print(f"另有 {doc['links_unverifiable']} 个链接无法核实（被对方拒绝访问如 403/429，或内容过大未读取），"
                      "未计为失效。")
    skipped = doc.get("skipped") or {}
    if skipped:
        parts = [f"{SKIP_NAMES.get(k, k)} {v} 个" for k, v in sorted(skipped.items())]
        console.print("已跳过：" + "；".join(parts))
