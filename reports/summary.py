"""Presenting one audit: the contract's JSON document and the human summary table."""

from __future__ import annotations

import json
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from portalwatch.reports.storage import Store

CHECK_NAMES = {
    "site_unreachable": "网站无法访问",
    "stale_homepage": "首页长期未更新",
    "missing_column": "缺少必备栏目",
    "empty_column": "空白栏目",
    "stale_column": "栏目更新不及时",
    "missing_interpretation": "政策文件缺少解读",
    "dead_link": "失效链接",
}
CHECK_ORDER = list(CHECK_NAMES)
SEVERITY_NAMES = {"veto": "单项否决", "major": "严重", "minor": "一般"}
SKIP_NAMES = {
    "too_large": "页面过大，只读取了开头", "robots": "robots.txt 不允许抓取", "url_too_long": "网址过长",
    "too_deep": "链接层级过深", "repeating_path": "路径重复（疑似无限链接）", "calendar_trap": "疑似无限日历",
    "query_trap": "参数组合过多（疑似无限链接）",
    "too_many_links": "页面链接过多，超出上限的链接未检查", "markup_too_deep": "页面标签嵌套过深，深处内容未读取",
}


def audit_document(store: Store, run_id: int) -> dict[str, Any]:
    """The JSON document of ``portalwatch audit --format json`` for a stored run."""
    run = store.run(run_id)
    summary = json.loads(run.get("summary") or "{}")
    findings = store.findings_for_run(run_id)
    score = summary.get("score") or {}
    return {
        "site": run["site"], "run_id": run_id, "profile": run["profile"], "pages": run["pages"],
        "started": run["started"], "finished": run["finished"], "score": run["score"],
        "findings": [{k: f[k] for k in ("check", "severity", "url", "target", "column", "message", "evidence")}
                     for f in findings],
        # extensions beyond the contract
        "status": run["status"], "as_of": run["as_of"], "verdict": run["verdict"], "grade": run["grade"],
        "vetoes": score.get("vetoes", []), "warnings": score.get("warnings", []),
        "notes": summary.get("notes", []), "links_checked": run["links_checked"],
        "links_unverifiable": summary.get("links_unverifiable", 0), "skipped": summary.get("skipped", {}),
        "render": render_facts(summary),
    }


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
    """The human summary: verdict first, then findings by check, then what was skipped."""
    console = Console(file=out, highlight=False, soft_wrap=True)
    verdict = doc.get("verdict") or ("不合格" if any(f["severity"] == "veto" for f in doc["findings"]) else "—")
    score = doc.get("score")
    head = Text()
    head.append(f"{doc['site']}  ", style="bold")
    head.append(f"结论：{verdict}", style="bold red" if verdict == "不合格" else "bold green")
    if score is not None:
        head.append(f"  得分：{score:g}")
    if doc.get("grade"):
        head.append(f"（{doc['grade']}）")
    console.print(head)
    console.print(f"栏目配置：{doc['profile']}  检查基准日：{doc.get('as_of')}  抓取页面：{doc['pages']}  "
                  f"检查链接：{doc.get('links_checked', 0)}  运行编号：{doc['run_id']}")
    for line in doc.get("vetoes", []):
        console.print(Text(f"单项否决：{line}", style="red"))
    for line in doc.get("warnings", []):
        console.print(Text(f"预警：{line}", style="yellow"))
    for line, style in render_lines(doc.get("render") or {}):
        console.print(Text(line, style=style))

    findings = doc["findings"]
    if findings:
        table = Table(title=f"发现问题 {len(findings)} 个", show_lines=False, expand=False)
        table.add_column("检查项")
        table.add_column("级别")
        table.add_column("数量", justify="right")
        table.add_column("示例")
        for check in sorted({f["check"] for f in findings}, key=check_order):
            group = [f for f in findings if f["check"] == check]
            table.add_row(CHECK_NAMES.get(check, check), SEVERITY_NAMES.get(group[0]["severity"], ""),
                          str(len(group)), Text(group[0]["message"]))
        console.print(table)
        for f in sorted(findings, key=lambda f: (check_order(f["check"]), f["url"]))[:200]:
            where = f.get("target") or f.get("column") or ""
            console.print(Text(f"- [{CHECK_NAMES.get(f['check'], f['check'])}] {f['message']}"
                               f"{'  ' + where if where and where not in f['message'] else ''}  页面：{f['url']}"))
    else:
        console.print("未发现问题。")
    for note in doc.get("notes", []):
        console.print(Text(f"无法判定：{note['message']}", style="yellow"))
    if doc.get("links_unverifiable"):
        console.print(f"另有 {doc['links_unverifiable']} 个链接无法核实（被对方拒绝访问如 403/429，或内容过大未读取），"
                      "未计为失效。")
    skipped = doc.get("skipped") or {}
    if skipped:
        parts = [f"{SKIP_NAMES.get(k, k)} {v} 个" for k, v in sorted(skipped.items())]
        console.print("已跳过：" + "；".join(parts))


def check_order(check: str) -> int:
    return CHECK_ORDER.index(check) if check in CHECK_ORDER else len(CHECK_ORDER)
