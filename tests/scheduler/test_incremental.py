"""Incremental nights on a real served portal: unchanged pages answer 304 and are not parsed again,
link verdicts are reused on a rotation, and the findings are those a full audit reports."""

from __future__ import annotations

import json
import os
import re
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FAST, REPO
from httpserver import LocalSite

sys.path.insert(0, str(REPO / "bench"))
from generate import generate  # noqa: E402

AS_OF = "2026-11-20"
MISSING = "/uploads/incremental-missing-notice.pdf"
COLUMN = "xwzx/zwyw/index.html"  # 政务要闻, a one-page column of the generated portal


@pytest.fixture(scope="module")
def pycache(tmp_path_factory) -> dict[str, str]:
    """Audits run with compiled bytecode as in production (the test environment forbids writing it,
    which would charge every audit a second of compiling): compiled once here, before measuring."""
    prefix = tmp_path_factory.mktemp("pyc")
    env = {"PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": str(prefix)}
    subprocess.run([sys.executable, "-c", "import portalwatch.scheduler.cli, portalwatch.scheduler.audit, "
                    "portalwatch.crawler.spider, portalwatch.checks.registry, portalwatch.reports.summary, "
                    "portalwatch.reports.pagecache"], env={**os.environ, **env}, check=True, timeout=120)
    return env


def portal(tmp_path: Path, pages: int) -> Path:
    manifest = generate(tmp_path / "gen", pages=pages, attachments=pages)
    return Path(manifest["root"])


def audit(site: LocalSite, db: Path, env: dict[str, str], *extra: str) -> tuple[dict, float, int]:
    """One audit subprocess: (JSON document, its CPU seconds, downloads = answers other than 304)."""
    before, answered = resource.getrusage(resource.RUSAGE_CHILDREN), len(site.answers)
    proc = subprocess.run([sys.executable, "-m", "portalwatch", "audit", site.url, "--format", "json", "--db", str(db),
                           "--as-of", AS_OF, *FAST, "--render", "never", "--set", "PORTALWATCH_ANALYSIS_WORKERS=0",
                           *extra], capture_output=True, text=True, timeout=240, env={**os.environ, **env})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert proc.returncode == 0, proc.stderr[-2000:]
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return json.loads(proc.stdout), cpu, site.downloads(answered)


def findings(doc: dict) -> list[str]:
    return sorted(json.dumps([f["check"], f["url"], f["target"], f["column"], f["message"], f["evidence"]],
                             ensure_ascii=False, sort_keys=True) for f in doc["findings"])


def edit_site(root: Path) -> str:
    """An article now links a file that does not exist; the 政务要闻 column's list is emptied."""
    column = root / COLUMN
    html = column.read_text(encoding="utf-8")
    article = re.search(r'href="(/xwzx/zwyw/[^"]+\.html)"', html).group(1)
    emptied = re.sub(r'(<ul class="list">).*?(</ul>)', r"\1<li>暂无信息</li>\2", html, flags=re.S)
    assert emptied != html
    column.write_text(emptied, encoding="utf-8")
    page = root / article.lstrip("/")
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("</body>", f'<p><a href="{MISSING}">附件：通知全文.pdf</a></p></body>'),
                    encoding="utf-8")
    for path in (column, page):  # a later modification time, as an editor's save gives
        mtime = path.stat().st_mtime + 60
        os.utime(path, (mtime, mtime))
    return article


def fixed_cost(tmp_path: Path, env: dict[str, str]) -> float:
    """CPU seconds of an audit of a one-page site: the part of an audit no page saves."""
    root = tmp_path / "one"
    root.mkdir()
    (root / "index.html").write_text("<html><head><title>示例镇人民政府</title></head><body><p>首页</p></body></html>",
                                     encoding="utf-8")
    site = LocalSite(root=root, validators="both")
    try:
        return audit(site, tmp_path / "one.db", env)[1]
    finally:
        site.close()


def test_unchanged_night_downloads_and_cpu_drop_and_changes_are_reported_as_a_full_audit_would(
        tmp_path: Path, pycache: dict[str, str]) -> None:
    root = portal(tmp_path, 300)
    site = LocalSite(root=root, validators="both")
    db = tmp_path / "pw.db"
    try:
        night1, cpu1, down1 = audit(site, db, pycache, "--incremental")
        assert night1["incremental"]["mode"] == "full"  # nothing to build on yet
        assert night1["pages"] > 250 and night1["findings"]

        night2, cpu2, down2 = audit(site, db, pycache, "--incremental")
        inc = night2["incremental"]
        assert inc["mode"] == "incremental"
        assert inc["pages_not_modified"] >= night2["pages"] - 1  # the homepage is always read
        assert inc["links_reused"] > 0
        assert findings(night2) == findings(night1)
        assert down2 <= 0.25 * down1, (down1, down2)
        # What an audit costs whatever the site (interpreter, imports, crawler start, ~2 s on the 2-core
        # test machine) is measured on a one-page site. On a portal this small it is a large share of
        # both nights, so the whole-process share here is about half; on the 5,009-page portal of
        # bench/run_bench.py --nights night 2 takes 31 % of night 1's CPU (the issue's <= 40 %).
        # The bounds below leave room for the noise of a shared machine and still fail when pages
        # are parsed again (~100 %).
        fixed = fixed_cost(tmp_path, pycache)
        print(f"night 1: {down1} downloads, {cpu1:.2f} s CPU; night 2: {down2} downloads, {cpu2:.2f} s CPU; "
              f"fixed {fixed:.2f} s")
        assert cpu2 - fixed <= 0.60 * (cpu1 - fixed), (cpu1, cpu2, fixed)
        assert cpu2 <= 0.75 * cpu1, (cpu1, cpu2, fixed)

        article = edit_site(root)
        night3, _, _ = audit(site, db, pycache, "--incremental")
        assert night3["incremental"]["mode"] == "incremental"
        dead = [f for f in night3["findings"] if f["check"] == "dead_link" and f["target"].endswith(MISSING)]
        assert dead and dead[0]["url"].endswith(article)
        assert any(f["check"] == "empty_column" and "政务要闻" in f["message"] for f in night3["findings"])

        full, _, _ = audit(site, db, pycache, "--full")
        assert full["incremental"]["mode"] == "full" and full["incremental"]["pages_reused"] == 0
        assert findings(night3) == findings(full)
    finally:
        site.close()


def test_without_validators_same_bytes_are_not_parsed_again_and_state_travels_in_files(
        tmp_path: Path, pycache: dict[str, str]) -> None:
    site = LocalSite(root=portal(tmp_path, 40), validators=None)
    db = tmp_path / "pw.db"
    state1, state2 = tmp_path / "night1.state", tmp_path / "night2.state"
    try:
        night1, _, _ = audit(site, db, pycache, "--incremental", "--state-out", str(state1))
        assert state1.stat().st_size > 0
        night2, _, down2 = audit(site, db, pycache, "--incremental", "--state-in", str(state1),
                                 "--state-out", str(state2))
        inc = night2["incremental"]
        assert inc["mode"] == "incremental" and inc["pages_not_modified"] == 0
        assert inc["pages_reused"] == night2["pages"]  # every page answered 200 with the same bytes
        assert findings(night2) == findings(night1)
        assert state2.exists()
        # the files carried the state: the database kept none
        con = sqlite3.connect(db)
        if con.execute("select 1 from sqlite_master where name = 'page_cache'").fetchone():
            assert con.execute("select count(*) from page_cache").fetchone()[0] == 0
    finally:
        site.close()


def test_nightly_runs_ask_for_incremental_audits_and_run_full_for_full_ones(tmp_path: Path) -> None:
    from portalwatch.scheduler.monitor import RunConfig, audit_command

    site = {"name": "示例镇", "url": "http://127.0.0.1:1/"}
    assert "--incremental" in audit_command(site, RunConfig(db=tmp_path / "x.db"))
    cmd = audit_command(site, RunConfig(db=tmp_path / "x.db", mode="full"))
    assert "--full" in cmd and "--incremental" not in cmd


def test_audits_run_side_by_side_parse_their_own_pages_unless_told_otherwise(tmp_path: Path) -> None:
    """Alone, an audit parses pages in a forked analysis process (wall time); several at once on one
    machine, each parses inline (the hand-over costs ~20 % more CPU and every core is busy anyway)."""
    from portalwatch.scheduler.monitor import RunConfig, audit_command

    site = {"name": "示例镇", "url": "http://127.0.0.1:1/"}
    inline = "PORTALWATCH_ANALYSIS_WORKERS=0"
    assert inline not in audit_command(site, RunConfig(db=tmp_path / "x.db"))
    cmd = audit_command(site, RunConfig(db=tmp_path / "x.db", parallel=4))
    assert cmd[cmd.index(inline) - 1] == "--set"
    mine = audit_command(site, RunConfig(db=tmp_path / "x.db", parallel=4,
                                         audit_args=["--set", "PORTALWATCH_ANALYSIS_WORKERS=2"]))
    assert mine.index("PORTALWATCH_ANALYSIS_WORKERS=2") > mine.index(inline)  # the user's --set comes last


def test_the_state_travels_to_a_worker_and_back_through_the_database_machine(tmp_path, pycache):
    """With workers the database machine keeps the state: it hands the stored state to the worker's
    audit (base64 in the task, a file for the audit) and keeps the one a complete audit returns."""
    import base64

    from portalwatch.reports.storage import MonitorStore
    from portalwatch.scheduler.workers import load_state_b64, save_state_b64

    root = portal(tmp_path, 30)
    db = tmp_path / "office.db"
    site = LocalSite(root=root, validators="both")
    try:
        store = MonitorStore(db)
        store.save_sites([{"name": "示范县", "url": site.url, "profile": "township"}])
        store.close()
        assert load_state_b64(db, site.url) is None  # nothing yet: the worker's audit is a full one
        out = tmp_path / "worker1" / "state-out.bin"
        out.parent.mkdir()
        first, _, _ = audit(site, tmp_path / "worker1" / "audit.db", pycache, "--incremental", "--state-out", str(out))
        assert first["incremental"]["mode"] == "full"
        # the database machine stores the worker's run (here: the same audit into its own file) and the state
        doc, _, _ = audit(site, db, pycache, "--site-name", "示范县", "--full", "--state-out", str(tmp_path / "unused"))
        assert save_state_b64(db, "示范县", doc["run_id"], base64.b64encode(out.read_bytes()).decode())
        state = load_state_b64(db, site.url)
        assert state and base64.b64decode(state) == out.read_bytes()
        # the next night's worker gets it as a file through the environment
        given = tmp_path / "worker2" / "state-in.bin"
        given.parent.mkdir()
        given.write_bytes(base64.b64decode(state))
        second, _, downloads = audit(site, tmp_path / "worker2" / "audit.db", {**pycache, "PORTALWATCH_STATE_IN": str(given)},
                                     "--incremental")
        assert second["incremental"]["mode"] == "incremental"
        assert second["incremental"]["pages_not_modified"] > 0
        assert findings(second) == findings(first)
    finally:
        site.close()
    assert not save_state_b64(db, "不存在", doc["run_id"], state)  # an unknown site keeps nothing


def test_how_pages_are_parsed_does_not_make_the_next_night_full(tmp_path: Path, pycache: dict[str, str]) -> None:
    """An audit run alone parses in a forked process, one of several parses inline: the state of either
    serves the other (the setting changes how, not what, a page yields)."""
    site = LocalSite(root=portal(tmp_path, 8), validators="both")
    db = tmp_path / "pw.db"
    try:
        audit(site, db, pycache, "--incremental")  # PORTALWATCH_ANALYSIS_WORKERS=0
        env = {**pycache, "PORTALWATCH_ANALYSIS_WORKERS": "1"}
        proc = subprocess.run([sys.executable, "-m", "portalwatch", "audit", site.url, "--format", "json", "--db",
                               str(db), "--as-of", AS_OF, *FAST, "--render", "never", "--incremental",
                               "--set", "PORTALWATCH_ANALYSIS_WORKERS=1"],
                              capture_output=True, text=True, timeout=240, env={**os.environ, **env})
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert json.loads(proc.stdout)["incremental"]["mode"] == "incremental"
    finally:
        site.close()
