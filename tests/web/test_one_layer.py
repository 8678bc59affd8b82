"""One service layer, two front ends (issue 11): ``portalwatch sites add / findings / ignore`` and
the JSON API, each on its own copy of the same database, store the same rows and refuse the same
input with the same message (the CLI adds which command lists the names); and the CLI command
modules reach the stores only through scheduler/service.py."""

from __future__ import annotations

import ast
import json
import shutil
import threading
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from web_helpers import free_port

from portalwatch.reports.storage import NoticeStore
from portalwatch.scheduler.audit import fingerprint
from portalwatch.scheduler.cli import main
from portalwatch.scheduler.users import UserStore

TOWN, URL = "甲镇", "http://jia.example.gov.cn/"
STAMPS = {"created", "updated", "ignored_at"}  # when, not what


def _seed(db: Path) -> list[str]:
    """A registered town with two open findings after one run; their fingerprints."""
    store = NoticeStore(db)
    store.save_sites([{"name": TOWN, "url": URL, "profile": "township", "region": "东区"}])
    run_id = store.start_run(site=URL, profile="township", as_of="2026-11-20", options={}, site_name=TOWN)
    store.db["pages"].insert({"run_id": run_id, "url": URL, "status": 200})
    found = [{"check": "missing_column", "severity": "major", "url": URL, "target": None, "column": column,
              "message": f"网站缺少必备栏目“{column}”。", "evidence": {"column_type": "plan"}}
             for column in ("财政信息", "人事信息")]
    rows = [f | {"fingerprint": fingerprint(URL, f)} for f in found]
    store.finish_run(run_id, status="complete", link_checks=[], link_sources={}, skips=[], findings=rows,
                     score=80, verdict=None, grade=None, summary={})
    store.update_history(run_id, TOWN)
    store.close()
    return sorted(r["fingerprint"] for r in rows)


def _rows(db: Path) -> dict[str, list[dict]]:
    """What is stored: the registry and the tracked findings, without their timestamps."""
    store = NoticeStore(db)
    try:
        return {table: [{k: v for k, v in row.items() if k not in STAMPS}
                        for row in store.db.query(f"select * from {table} order by 1")]
                for table in ("sites", "tracked")}
    finally:
        store.close()


@pytest.fixture
def twins(tmp_path):
    """(cli_db, api client, fingerprints): two copies of one database, one served by the real app."""
    import uvicorn

    from portalwatch.web.app import create_app

    cli_db, web_db = tmp_path / "cli.db", tmp_path / "web.db"
    fps = _seed(cli_db)
    users = UserStore(cli_db)
    users.add_user("admin", "admin", "admin-pass-1")
    token = users.create_token("admin")
    users.close()
    shutil.copy(cli_db, web_db)
    server = uvicorn.Server(uvicorn.Config(create_app(web_db), host="127.0.0.1", port=free_port(),
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    api = httpx.Client(base_url=f"http://127.0.0.1:{server.config.port}",
                       headers={"Authorization": f"Bearer {token}"}, timeout=30)
    try:
        yield cli_db, web_db, api, fps
    finally:
        api.close()
        server.should_exit = True
        thread.join(10)


def cli(db: Path, *args: str):
    return CliRunner().invoke(main, [*args, "--db", str(db)])


def test_the_cli_and_the_api_store_the_same_rows_and_refuse_alike(twins):
    cli_db, web_db, api, (first, second) = twins

    # sites add / POST /api/sites: a new site, then an update of one field
    done = cli(cli_db, "sites", "add", "乙镇", "yi.example.gov.cn", "--unit", "乙镇人民政府", "--region", "西区",
               "--email", "a@yi.gov.cn", "--email", "b@yi.gov.cn")
    assert done.exit_code == 0 and done.output.startswith("已登记：乙镇"), done.output
    r = api.post("/api/sites", json={"name": "乙镇", "url": "yi.example.gov.cn", "unit": "乙镇人民政府",
                                     "region": "西区", "emails": ["a@yi.gov.cn", "b@yi.gov.cn"]})
    assert r.status_code == 200 and r.json()["action"] == "added", r.text
    assert cli(cli_db, "sites", "add", "乙镇", "http://yi.example.gov.cn/", "--contact", "王某").output \
        .startswith("已更新：乙镇")
    r = api.post("/api/sites", json={"name": "乙镇", "url": "http://yi.example.gov.cn/", "contact": "王某"})
    assert r.json()["action"] == "updated" and r.json()["site"]["unit"] == "乙镇人民政府"

    # ignore / POST /api/findings/{id}/ignore
    done = cli(cli_db, "ignore", first, "--reason", " 误报：栏目在二级导航 ")
    assert done.exit_code == 0 and f"（编号 {first}）" in done.output, done.output
    r = api.post(f"/api/findings/{first}/ignore", json={"reason": " 误报：栏目在二级导航 "})
    assert r.status_code == 200 and r.json()["status"] == "ignored"

    stored = _rows(cli_db)
    assert stored == _rows(web_db)
    assert {f["fingerprint"]: (f["status"], f["ignored_reason"]) for f in stored["tracked"]}[first] \
        == ("ignored", "误报：栏目在二级导航")
    yi = next(s for s in stored["sites"] if s["name"] == "乙镇")
    assert (yi["unit"], yi["contact"], json.loads(yi["emails"])) == ("乙镇人民政府", "王某", ["a@yi.gov.cn", "b@yi.gov.cn"])

    # findings --status / GET /api/sites/{name}/findings?status=
    listed = json.loads(cli(cli_db, "findings", TOWN, "--status", "ignored,new", "--format", "json").output)
    served = api.get(f"/api/sites/{TOWN}/findings", params={"status": "ignored,new"}).json()
    assert [(f["id"], f["status"]) for f in listed] == [(f["id"], f["status"]) for f in served]
    assert sorted(f["id"] for f in listed) == [first, second]

    # the same refusals, the same words; the command line adds the command that lists the names
    for args, path, body, status, message, hint in (
        (["ignore", "nope", "--reason", "x"], "/api/findings/nope/ignore", {"reason": "x"}, 404,
         "找不到编号为 nope 的已登记网站问题", "（用 portalwatch findings 网站名称 查看编号）"),
        (["ignore", second, "--reason", "  "], f"/api/findings/{second}/ignore", {"reason": "  "}, 400,
         "请填写忽略原因", ""),
        (["findings", "不存在"], "/api/sites/不存在/findings", None, 404,
         "没有名为“不存在”的登记网站", "（用 portalwatch sites list 查看已登记的网站）"),
        (["findings", TOWN, "--status", "bogus"], f"/api/sites/{TOWN}/findings?status=bogus", None, 400,
         "未知的状态：bogus（可选 new,open,resolved,reopened,ignored）", ""),
        (["sites", "add", "丙镇", "http://yi.example.gov.cn/"], "/api/sites",
         {"name": "丙镇", "url": "http://yi.example.gov.cn/"}, 400, None, ""),
    ):
        done = cli(cli_db, *args)
        r = api.post(path, json=body) if body is not None else api.get(path)
        assert done.exit_code == 2 and r.status_code == status, (args, done.output, r.text)
        message = message or r.json()["error"]
        assert done.stderr.strip() == f"错误：{message}{hint}", args
        assert r.json()["error"] == message, args
    assert _rows(cli_db) == _rows(web_db)  # nothing written by a refusal


def test_neither_front_end_mails_a_notice_of_the_placeholder_office(twins, monkeypatch):
    cli_db, web_db, api, _ = twins
    monkeypatch.delenv("PORTALWATCH_OFFICE", raising=False)  # the shipped placeholder XX市…
    monkeypatch.setenv("PORTALWATCH_CONFIG", str(cli_db.parent / "none.yaml"))
    for key, value in (("HOST", "127.0.0.1"), ("PORT", str(free_port())), ("FROM", "gkb@example.gov.cn")):
        monkeypatch.setenv(f"PORTALWATCH_SMTP_{key}", value)
    store = NoticeStore(cli_db)
    store.save_sites([{"name": TOWN, "url": URL, "emails": ["a@jia.gov.cn"]}])
    store.close()
    shutil.copy(cli_db, web_db)

    done = cli(cli_db, "notice", TOWN, "--send")
    r = api.post(f"/api/sites/{TOWN}/notice", json={"send": True})
    assert done.exit_code == 2 and r.status_code == 400, (done.output, r.text)
    assert "发文机关仍是占位名称" in r.json()["error"] and "--force" not in r.json()["error"]
    assert done.stderr.strip() == "错误：" + r.json()["error"].rstrip("。") + "（确需照发请加 --force）。"
    for db in (cli_db, web_db):  # drafted, never attempted
        store = NoticeStore(db)
        assert [(n["status"], store.deliveries(n["id"])) for n in store.notices(TOWN)] == [("draft", [])]
        store.close()


# -- the command modules reach the stores through the service only ------------------------

# each command the service covers: the service functions it must call
COVERED = {
    "monitor_cli": {
        "sites_add": {"save_site"}, "sites_import": {"import_registry"}, "sites_list": {"sites_registry"},
        "sites_remove": {"remove_site"}, "run_cmd": {"run_targets"}, "_send_notices": {"auto_send"},
        "status_cmd": {"overview"}, "findings_cmd": {"tracked_findings"}, "ignore_cmd": {"ignore_finding"},
    },
    "notice_cli": {
        "notice_cmd": {"draft_notice", "notice_counts", "send_notice"},
        "recheck_cmd": {"recheck_target", "run_recheck"}, "notices_cmd": {"notice_history"},
    },
}
STORES = {"Store", "MonitorStore", "NoticeStore"}


def test_the_cli_command_modules_hold_no_store_of_their_own():
    import importlib

    for rel, commands in COVERED.items():  # the modules under test, as imported
        source = Path(importlib.import_module(f"portalwatch.scheduler.{rel}").__file__)
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.module != "portalwatch.reports.storage", (rel, node.lineno)
                assert not STORES & {a.name for a in node.names}, (rel, node.lineno)
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("portalwatch.reports.storage") for a in node.names), rel
            if isinstance(node, (ast.Name, ast.Attribute)):
                assert (node.id if isinstance(node, ast.Name) else node.attr) not in STORES, (rel, node.lineno)
        functions = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        for name, needed in commands.items():
            called = {n.func.attr for n in ast.walk(functions[name]) if isinstance(n, ast.Call)
                      and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)
                      and n.func.value.id == "service"}
            assert needed <= called, (rel, name, needed - called)
