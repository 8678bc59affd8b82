"""A simulated night: generated portals through ``portalwatch run --all``, a full night and an incremental one.

    python bench/night.py [--sites 100] [--jobs N] [--pages-per-site 36] [--nights 2] [--full] [--json out.json]
    python bench/night.py --workers 2 --sites 200 [--jobs N] [--json out.json]   # across workers on a local Redis
    python bench/night.py --report out.json                                      # the note of a saved run again

Starts N township portals on N local ports (127.0.0.1 only): a homepage, five columns of dated
articles, one article in three with an attachment (PDF or DOCX), a dead link; ``--pages-per-site``
HTML pages each (default 36, about 49 requests with the attachments, the soft-404 probe and the dead
link). Every answer carries an ``ETag`` and a ``Last-Modified``; the server answers ``If-None-Match``
(which decides when present) and ``If-Modified-Since`` with ``304 Not Modified`` and counts them.
The portals are registered with ``portalwatch sites import`` and audited by ``portalwatch run --all``
at the default politeness (concurrency 4, delay 0.25 s). Night 1 is full (nothing is stored yet;
``--full`` passes ``run --full`` to say so), night 2 (``--nights 2``, the default) audits the same
portals, unchanged: ``run`` is incremental, pages answer 304 and their stored reading is reused,
link verdicts are reused on a rotation.

For each night the note gives requests (server hits), downloads (answers other than 304), pages,
findings, CPU seconds and wall time, the run modes the database recorded (``runs.summary`` mode) and
night 2 / night 1 ratios, and checks that night 2 reports the same findings (site + fingerprint) as
night 1. Exit 1 when they differ, when a run is not complete or a ``run`` fails.

Locally (no ``--workers``), CPU is that of ``run`` and its audit subprocesses; the note adds the peak
memory of the process tree, the fixed cost of an audit (a one-page site) and a one-machine projection
for 1,000 and 10,000 sites at ``--jobs`` and at what 80 % of the cores and half the RAM allow.

With ``--workers M`` both nights go through one local ``redis-server`` and M ``portalwatch worker``
processes (``--jobs`` audits each; they and their audit subprocesses inherit this environment, e.g.
``PYTHONPATH`` and ``PORTALWATCH_FULL_EVERY``) with ``run --all --broker``. CPU is measured apart for the
workers' process trees (workers, pool processes, audit subprocesses) and for the ``run`` process (the
database machine: queueing, imports, history). The fixed CPU of an audit is measured first on a one-page
site through the same workers (twice, the lower kept). The note projects 1,000 and 14,000 sites on
1, 2, 4, 8 and 16 worker machines like this one, for a full night, an incremental night and the
average night of a ``PORTALWATCH_FULL_EVERY`` cycle (default 7: one full night and six incremental),
for portals like these and for 2,000-request portals. The model, printed with the figures:

- an audit's wall time is a fixed part (night 1's mean audit time less 0.25 s per request) plus 0.25 s
  per request (the politeness delay; one host's requests follow one another);
- its worker CPU is the one-page site's CPU plus a CPU cost per request: for a full night night 1's
  measurement, but at least ``run_bench.py``'s on a large portal (``bench/out/results.json``, else its
  2-CPU figure 0.012 s); for an incremental night night 2's measurement, scaled by the same factor, with
  night 2's share of night 1's requests;
- a worker machine runs as many audits at once as 80 % of its cores allow;
- the database machine's CPU per site is each night's measurement, plus 0.6 ms per request beyond these
  portals' size (``import_run`` on a 66-page portal); it caps the sites per hour whatever the number of
  workers.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import datetime as dt
import email.utils
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psutil

AS_OF = dt.date(2026, 11, 20)
DB_CPU_PER_REQUEST = 0.0006  # seconds of the database machine's CPU to import one fetched page's rows
POLITENESS = 0.25  # seconds between two requests to one host (the default --delay)
REFERENCE_CPU_PER_REQUEST = 0.012  # run_bench.py's CPU per URL of a 15,000-URL portal on a 2-CPU machine
COLUMNS = [("gzdt", "工作动态"), ("tzgg", "通知公告"), ("zcwj", "政策文件"), ("bsfw", "办事服务"), ("rsxx", "人事信息")]
PAGES_PER_SITE = 36
ATTACHMENT_EVERY = 3  # one article in three carries an attachment (a PDF or a DOCX)


def _http_date(day: dt.date) -> str:
    return email.utils.formatdate(calendar.timegm((day.year, day.month, day.day, 1, 0, 0)), usegmt=True)


def portal(index: int, pages_per_site: int = PAGES_PER_SITE) -> dict[str, tuple[bytes, str, str]]:
    """One township portal: a homepage, five columns (fewer for tiny sizes) of dated articles, one
    article in three with an attachment, a dead link; ``pages_per_site`` HTML pages in all.

    Each entry: path -> (body, content type, Last-Modified)."""
    def html(title: str, body: str) -> bytes:
        return (f"<html><head><meta charset='utf-8'><title>{title}</title></head>"
                f"<body><h1>{title}</h1>{body}</body></html>").encode("utf-8")

    html_type = "text/html; charset=utf-8"
    town = f"第{index}镇"
    columns = COLUMNS[:max(1, min(len(COLUMNS), (pages_per_site - 1) // 2))]
    articles = max(len(columns), pages_per_site - 1 - len(columns))
    nav = "".join(f"<a href='/{slug}/'>{name}</a> " for slug, name in columns) + "<a href='/xxgk/'>信息公开</a>"
    pages = {"/": (html(f"{town}人民政府", f"<div class='nav'>{nav}</div><p>{AS_OF:%Y-%m-%d} 更新</p>"),
                   html_type, _http_date(AS_OF))}
    text = "".join(f"<p>{town}按照工作安排，认真落实各项任务，第{n}项工作进展顺利，群众反映良好。</p>" for n in range(12))
    number = 0
    for c, (slug, name) in enumerate(columns):
        items = []
        for k in range(articles // len(columns) + (c < articles % len(columns))):
            day = AS_OF - dt.timedelta(days=3 + 9 * k + index % 5)
            path = f"/{slug}/{day:%Y%m}/t{day:%Y%m%d}_{k}.html"
            attachment = ""
            if number % ATTACHMENT_EVERY == 0:
                ext, kind = (("pdf", "application/pdf") if number % 2 == 0 else
                             ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
                file = f"/{slug}/{day:%Y%m}/P0{day:%Y%m%d}{k}.{ext}"
                pages[file] = (b"%PDF-1.4\n" + bytes(range(256)) * 16, kind, _http_date(day))
                attachment = f"<p>附件：<a href='{file}'>{name}附件{k}.{ext}</a></p>"
            number += 1
            pages[path] = (html(f"{town}{name}{k}", f"<p>发布时间：{day:%Y-%m-%d}</p>{text}{attachment}"),
                           html_type, _http_date(day))
            items.append(f"<li><a href='{path}'>{town}{name}第{k}条</a><span>{day:%Y-%m-%d}</span></li>")
        pages[f"/{slug}/"] = (html(name, "<ul>" + "".join(items) + "</ul>"), html_type, _http_date(AS_OF))
    return pages  # /xxgk/ is left out: a dead link on every homepage


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._serve(False)

    def do_GET(self) -> None:
        self._serve(True)

    def _unchanged(self, etag: str, last_modified: str) -> bool:
        """RFC 9110: If-None-Match decides when present, else If-Modified-Since."""
        tags = self.headers.get("If-None-Match")
        if tags is not None:
            return any(t.strip().removeprefix("W/") in ("*", etag) for t in tags.split(","))
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return email.utils.parsedate_to_datetime(last_modified) <= email.utils.parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
        return False

    def _serve(self, body: bool) -> None:
        server = self.server
        entry = server.pages.get(self.path.split("?")[0])  # type: ignore[attr-defined]
        status = 200 if entry is not None else 404
        data, kind, modified = entry if entry is not None else (
            b"<html><title>404</title><body>Not Found</body></html>", "text/html; charset=utf-8", "")
        etag = '"%08x"' % (zlib.crc32(data) & 0xFFFFFFFF)
        if status == 200 and self._unchanged(etag, modified):
            status = 304  # the page did not change since the last night
        with server.lock:  # type: ignore[attr-defined]
            server.hits += 1  # type: ignore[attr-defined]
            server.not_modified += status == 304  # type: ignore[attr-defined]
        self.send_response(status)
        if status != 404:
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
        if status == 304:
            self.end_headers()
            return
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)


def serve_portals(count: int, pages_per_site: int = PAGES_PER_SITE) -> list[ThreadingHTTPServer]:
    servers = []
    for i in range(count):
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        httpd.daemon_threads = True
        httpd.pages, httpd.hits, httpd.lock = portal(i, pages_per_site), 0, threading.Lock()  # type: ignore[attr-defined]
        httpd.not_modified = 0  # type: ignore[attr-defined]
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
    return servers


def tiny_site() -> ThreadingHTTPServer:
    """A one-page site: what an audit costs before its first page (process, crawler, checks start-up)."""
    tiny = serve_portals(1)[0]
    tiny.pages = {"/": (b"<html><title>t</title><body>ok</body></html>", "text/html", _http_date(AS_OF))}  # type: ignore[attr-defined]
    return tiny


def run_sampled(cmd: list[str]) -> tuple[subprocess.CompletedProcess, float, dict[str, float]]:
    """Run a command; sample the RSS of its whole process tree every 0.2 s."""
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    parent = psutil.Process(proc.pid)
    peak_tree = peak_one = 0
    out: list[str] = []
    reader = threading.Thread(target=lambda: out.extend(proc.communicate()), daemon=True)
    reader.start()
    while reader.is_alive():
        try:
            procs = [parent, *parent.children(recursive=True)]
            rss = []
            for p in procs:
                try:
                    rss.append(p.memory_info().rss)
                except psutil.Error:
                    pass
            peak_tree, peak_one = max(peak_tree, sum(rss)), max(peak_one, max(rss, default=0))
        except psutil.Error:
            pass
        reader.join(0.2)
    wall = time.monotonic() - t0
    done = subprocess.CompletedProcess(cmd, proc.returncode, out[0] if out else "", out[1] if out else "")
    return done, wall, {"peak_tree_mb": peak_tree / 2**20, "peak_one_mb": peak_one / 2**20}


def pw(*args: str) -> list[str]:
    return [sys.executable, "-m", "portalwatch", *args]


def register(servers: list[ThreadingHTTPServer], work: Path, db: Path, first: int = 0) -> None:
    registry = work / f"sites-{db.stem}.csv"
    with open(registry, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["name", "url", "profile", "unit", "emails"])
        for i, httpd in enumerate(servers, first):
            writer.writerow([f"第{i}镇", f"http://127.0.0.1:{httpd.server_address[1]}/", "township",
                             f"第{i}镇人民政府", f"office{i}@example.gov.cn"])
    imported = subprocess.run(pw("sites", "import", str(registry), "--db", str(db)), capture_output=True, text=True)
    print(imported.stdout.strip(), file=sys.stderr)


def _children_cpu() -> float:
    c = psutil.Process().cpu_times()
    return c.children_user + c.children_system


def _tree_cpu(procs: list[subprocess.Popen]) -> float:
    """CPU seconds of running processes and all their descendants (living, and reaped ones through
    their parents' children times): the workers, their pool processes, the audit subprocesses."""
    total = 0.0
    for proc in procs:
        try:
            root = psutil.Process(proc.pid)
            tree = [root, *root.children(recursive=True)]
        except psutil.Error:
            continue
        for p in tree:
            try:
                c = p.cpu_times()
                total += c.user + c.system + c.children_user + c.children_system
            except psutil.Error:
                pass
    return total


def _last_run_id(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        try:
            return conn.execute("select coalesce(max(id), 0) from audit_runs").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


def night(cmd: list[str], servers: list[ThreadingHTTPServer], db: Path,
          workers: list[subprocess.Popen] | None = None) -> dict:
    """One night: ``cmd`` (a ``run``) measured, and what its runs stored. ``cpu_database_seconds`` is the
    ``run`` process (locally: with the audits); ``cpu_workers_seconds`` the workers' process trees."""
    first = _last_run_id(db)
    hits0 = sum(s.hits for s in servers)  # type: ignore[attr-defined]
    nm0 = sum(s.not_modified for s in servers)  # type: ignore[attr-defined]
    cpu0, wcpu0 = _children_cpu(), _tree_cpu(workers or [])
    done, wall, memory = run_sampled(cmd)
    cpu_run, cpu_workers = _children_cpu() - cpu0, _tree_cpu(workers or []) - wcpu0
    requests = sum(s.hits for s in servers) - hits0  # type: ignore[attr-defined]
    not_modified = sum(s.not_modified for s in servers) - nm0  # type: ignore[attr-defined]
    with sqlite3.connect(db) as conn:
        runs = conn.execute("select id, start_url, status, json_extract(summary, '$.mode') from audit_runs where id > ?",
                            (first,)).fetchall()
        ids = [r[0] for r in runs]
        marks = ",".join("?" * len(ids)) or "NULL"
        pages = conn.execute(f"select count(*) from pages where run_id in ({marks})", ids).fetchone()[0]
        found = conn.execute(f"select r.start_url, f.fingerprint from run_findings f join audit_runs r on r.id = f.run_id "
                             f"where f.run_id in ({marks})", ids).fetchall()
        elapsed = [json.loads(r[0])["elapsed"] for r in conn.execute(
            f"select detail from job_log where kind = 'audit' and run_id in ({marks})", ids)]
    count = lambda key: {k: sum(1 for r in runs if (r[key] or "?") == k) for k in sorted({r[key] or "?" for r in runs})}  # noqa: E731
    keys = sorted(f"{site}\t{fp}" for site, fp in found)
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
    return {"exit_code": done.returncode, "runs": count(2), "modes": count(3), "wall_seconds": round(wall, 1),
            "requests": requests, "not_modified": not_modified, "downloads": requests - not_modified,
            "pages": pages, "findings": len(keys),
            "findings_digest": hashlib.sha1("\n".join(keys).encode("utf-8")).hexdigest()[:16],
            "audit_seconds_mean": round(sum(elapsed) / max(1, len(elapsed)), 2),
            "cpu_workers_seconds": round(cpu_workers, 1), "cpu_database_seconds": round(cpu_run, 1),
            "peak_run_mb": round(memory["peak_tree_mb"]), "peak_one_mb": round(memory["peak_one_mb"]),
            "_keys": keys}


def compare_nights(nights: list[dict]) -> dict:
    """Night 2 against night 1: ratios, and whether it reports the same findings (site, fingerprint)."""
    a, b = nights[0], nights[1]
    only1, only2 = sorted(set(a["_keys"]) - set(b["_keys"])), sorted(set(b["_keys"]) - set(a["_keys"]))
    ratio = {k: round(b[k] / a[k], 3) if a[k] else None
             for k in ("requests", "downloads", "pages", "findings", "cpu_workers_seconds",
                       "cpu_database_seconds", "wall_seconds")}
    return {"same_findings": a["findings_digest"] == b["findings_digest"], "only_night1": only1[:20],
            "only_night2": only2[:20], "ratio": ratio}


def _start_workers(args: argparse.Namespace, broker: str, work: Path) -> list[subprocess.Popen]:
    # the workers (and through them the audit subprocesses) inherit this environment: PYTHONPATH,
    # PORTALWATCH_FULL_EVERY ...
    workers = [subprocess.Popen(pw("worker", "--broker", broker, "--concurrency", str(args.jobs), "--hostname",
                                   f"bench{i}@%h", "--loglevel", "WARNING"),
                                stdout=subprocess.DEVNULL, stderr=open(work / f"worker{i}.log", "w"))
               for i in range(args.workers)]
    deadline = time.monotonic() + 120  # ready: every worker has its pool processes
    while time.monotonic() < deadline:
        try:
            if all(len(psutil.Process(w.pid).children()) >= args.jobs for w in workers):
                break
        except psutil.Error:
            break
        time.sleep(0.5)
    time.sleep(2)
    return workers


def main_workers(args: argparse.Namespace) -> int:
    """Nights across ``args.workers`` worker processes on a local redis-server (127.0.0.1 only)."""
    import socket

    redis_bin = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not os.path.exists(redis_bin):
        print("redis-server is not installed (./install.sh installs it)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="pw-night-workers-"))
    db = args.keep or work / "night.db"
    servers = serve_portals(args.sites, args.pages_per_site)
    tiny = tiny_site()
    register(servers, work, db)
    register([tiny], work, work / "tiny.db", first=args.sites)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    redis_proc = subprocess.Popen([redis_bin, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                   "--appendonly", "no", "--dir", str(work)], stdout=subprocess.DEVNULL)
    broker = f"redis://127.0.0.1:{port}/0"
    workers = _start_workers(args, broker, work)
    try:
        print("fixed cost: a one-page site through the workers, twice ...", file=sys.stderr)
        fixed = [night(pw("run", "--site", f"第{args.sites}镇", "--full", "--as-of", AS_OF.isoformat(), "--broker",
                          broker, "--db", str(work / "tiny.db")), [tiny], work / "tiny.db", workers) for _ in range(2)]
        nights = []
        for n in range(args.nights):
            full = ["--full"] if n == 0 and args.full else []
            print(f"night {n + 1}: {args.sites} sites across {args.workers} workers, {args.jobs} audits each ...",
                  file=sys.stderr)
            nights.append(night(pw("run", "--all", *full, "--as-of", AS_OF.isoformat(), "--broker", broker,
                                   "--db", str(db)), servers, db, workers))
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            try:
                w.wait(120)
            except subprocess.TimeoutExpired:
                w.kill()
        redis_proc.terminate()
        redis_proc.wait(10)
        for s in [*servers, tiny]:
            s.shutdown()
    best = min(fixed, key=lambda f: f["cpu_workers_seconds"])
    figures = {"sites": args.sites, "workers": args.workers, "jobs_per_worker": args.jobs,
               "pages_per_site": args.pages_per_site, "cores": os.cpu_count() or 1,
               "full_every": incremental_every(),
               "fixed": {k: best[k] for k in ("cpu_workers_seconds", "cpu_database_seconds", "audit_seconds_mean",
                                              "requests")},
               "nights": [{k: v for k, v in n.items() if k != "_keys"} for n in nights]}
    if len(nights) == 2:
        figures["comparison"] = compare_nights(nights)
    figures = project_workers(figures)
    report_workers(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    shutil.rmtree(work, ignore_errors=True)
    return verdict(figures)


def verdict(f: dict) -> int:
    ok = all(n["exit_code"] == 0 and n["runs"] == {"complete": f["sites"]} for n in f["nights"])
    return 0 if ok and f.get("comparison", {}).get("same_findings", True) else 1


def incremental_every() -> int:
    try:
        return max(1, int(os.environ.get("PORTALWATCH_FULL_EVERY") or 7))
    except ValueError:
        return 7


def reference_cpu_per_request() -> tuple[float, str]:
    """CPU per request of a large portal: run_bench.py's measurement if there is one, else its 2-CPU figure."""
    big = Path(__file__).with_name("out") / "results.json"
    audit = (json.loads(big.read_text()).get("audit") or {}) if big.exists() else {}
    if audit.get("urls_per_cpu_second"):
        return 1 / audit["urls_per_cpu_second"], "bench/out/results.json"
    return REFERENCE_CPU_PER_REQUEST, "run_bench.py 在 2 核机器上的实测"


def _hours(h: float) -> float:
    return round(h, 2 if h < 10 else 1)


def project_workers(m: dict) -> dict:
    """Figures and projections from what a ``--workers`` run measured (``m``: the fixed cost on a one-page
    site, night 1 full, night 2 incremental)."""
    sites, cores, fixed = m["sites"], m["cores"], m["fixed"]
    n1 = m["nights"][0]
    n2 = m["nights"][1] if len(m["nights"]) > 1 else None
    every = m.get("full_every", 7)
    fixed_cpu, fixed_db = fixed["cpu_workers_seconds"], fixed["cpu_database_seconds"]
    here = n1["requests"] / sites  # requests per site of a full night: the portals' size
    # per request: CPU measured here, but at least run_bench.py's on a large portal (page CPU grows with
    # a portal's size); the incremental night's CPU per request in the same proportion to the full one's
    # as measured here; wall time at the default politeness; the rest of an audit is the fixed cost
    measured_full = max(0.0, n1["cpu_workers_seconds"] / sites - fixed_cpu) / max(here, 1)
    reference, source = reference_cpu_per_request()
    cpu_full = max(measured_full, reference)
    kinds = {"full": {"cpu_per_request": cpu_full, "requests_share": 1.0, "measured_cpu_per_request": measured_full,
                      "db_per_site": n1["cpu_database_seconds"] / sites}}
    if n2 is not None:
        share = n2["requests"] / max(1, n1["requests"])  # an incremental night's requests per full-night request
        measured_inc = max(0.0, n2["cpu_workers_seconds"] / sites - fixed_cpu) / max(here * share, 1e-9)
        kinds["incremental"] = {"cpu_per_request": measured_inc * cpu_full / measured_full if measured_full else measured_inc,
                                "requests_share": share, "measured_cpu_per_request": measured_inc,
                                "db_per_site": n2["cpu_database_seconds"] / sites}
    fixed_wall = max(0.0, n1["audit_seconds_mean"] - here * POLITENESS)

    def audit_cost(kind: str, size: float) -> tuple[float, float]:
        """Wall and worker CPU seconds of one audit of a portal of ``size`` requests (full-night count)."""
        k = kinds[kind]
        requests = size * k["requests_share"]
        return fixed_wall + POLITENESS * requests, fixed_cpu + k["cpu_per_request"] * requests

    def machine_sites_per_hour(kind: str, size: float) -> float:
        """One worker machine like this one: as many audits at once as 80 % of its cores allow."""
        wall_s, cpu_s = audit_cost(kind, size)
        return min(cores * 0.8 / cpu_s, max(1, int(cores * 0.8 * wall_s / cpu_s)) / wall_s) * 3600

    def database_sites_per_hour(kind: str, size: float) -> float:
        """Imports one database machine can take an hour: this night's cost per site, plus the rows of
        larger portals (an import costs ~35 µs of CPU per row, ~17 rows per page: 0.6 ms per request,
        measured with import_run on a 66-page portal; an incremental run stores every page's rows too)."""
        return 3600 / max(1e-3, kinds[kind]["db_per_site"] + max(0.0, size - here) * DB_CPU_PER_REQUEST)

    projections: dict[str, float] = {}
    rates: dict[str, dict] = {}
    for label, size in (("like_these", here), ("2000_requests", 2000)):
        for kind in kinds:
            rates[f"{kind}_{label}"] = {"worker_machine": round(machine_sites_per_hour(kind, size)),
                                        "database": round(database_sites_per_hour(kind, size))}
        for n in (1000, 14000):
            for machines in (1, 2, 4, 8, 16):
                hours = {kind: n / min(machine_sites_per_hour(kind, size) * machines, database_sites_per_hour(kind, size))
                         for kind in kinds}
                for kind, h in hours.items():
                    projections[f"{n}_sites_{label}_{machines}_machines_{kind}_hours"] = _hours(h)
                if "incremental" in hours:  # a cycle of PORTALWATCH_FULL_EVERY nights: one full, the rest incremental
                    week = (hours["full"] + (every - 1) * hours["incremental"]) / every
                    projections[f"{n}_sites_{label}_{machines}_machines_cycle_hours"] = _hours(week)
    return {**m, "requests_per_site": round(here, 1), "fixed_wall_seconds": round(fixed_wall, 2),
            "reference_cpu_per_request": round(reference, 4), "reference_source": source,
            "model": {k: {kk: round(vv, 4) for kk, vv in v.items()} for k, v in kinds.items()},
            "rates": rates, "projection": projections}


def _share(b: float, a: float) -> str:
    return f"{b / a:.0%}" if a else "—"


def report_nights(f: dict) -> list[str]:
    """Each night's figures, and night 2 against night 1 (both paths)."""
    lines = []
    for i, n in enumerate(f["nights"], 1):
        modes = "，".join(f"{ {'full': '全面', 'incremental': '增量'}.get(k, k)} {v}" for k, v in n["modes"].items())
        cpu = (f"工作进程（含审计子进程）{n['cpu_workers_seconds']} 秒，数据库机 {n['cpu_database_seconds']} 秒"
               if "workers" in f else f"{n['cpu_database_seconds']} 秒（run 及其审计子进程）")
        lines.append(f"""第 {i} 晚（检查方式：{modes}；运行结果 {n['runs']}，退出码 {n['exit_code']}）：
  请求 {n['requests']} 次，下载（304 以外的应答）{n['downloads']} 次，304 {n['not_modified']} 次；页面 {n['pages']} 个，问题 {n['findings']} 个
  CPU：{cpu}；用时 {n['wall_seconds']} 秒（单站平均 {n['audit_seconds_mean']} 秒）""")
    c = f.get("comparison")
    if c:
        r = c["ratio"]
        pct = lambda k: f"{r[k]:.0%}" if r[k] is not None else "—"  # noqa: E731
        same = "相同" if c["same_findings"] else (f"不同！仅第 1 晚 {len(c['only_night1'])} 个、"
                                                  f"仅第 2 晚 {len(c['only_night2'])} 个（最多列 20 个）")
        db = f"，数据库机 CPU {pct('cpu_database_seconds')}" if "workers" in f else ""
        lines.append(f"""第 2 晚 / 第 1 晚：请求 {pct('requests')}，下载 {pct('downloads')}，页面 {pct('pages')}，"""
                     f"""CPU {pct('cpu_workers_seconds') if 'workers' in f else pct('cpu_database_seconds')}{db}，用时 {pct('wall_seconds')}
  两晚的问题（网站 + 指纹）：{same}""")
    return lines


def report_workers(f: dict) -> None:
    p, mo = f["projection"], f["model"]
    fx = f["fixed"]
    inc = "incremental" in mo
    lines = [f"模拟夜间检查（多机）：{f['sites']} 个网站（每站 {f['pages_per_site']} 个页面、{f['requests_per_site']:g} 次请求），"
             f"{f['workers']} 个工作进程、每个同时 {f['jobs_per_worker']} 个（本机 Redis，{f['cores']} 核）",
             *report_nights(f),
             f"""推算的假设（模型）：
  每站用时 = 固定 {f['fixed_wall_seconds']} 秒 + 每次请求 {POLITENESS} 秒（默认礼貌间隔，每站依次请求）；
  每站工作机 CPU = 固定 {fx['cpu_workers_seconds']} 秒（单页网站经工作机检查的实测）+ 每次请求 CPU × 请求数；
  全面检查每次请求 CPU {mo['full']['cpu_per_request']} 秒（本次第 1 晚实测 {mo['full']['measured_cpu_per_request']} 秒与
    大网站参考值 {f['reference_cpu_per_request']} 秒（{f['reference_source']}）取较大者）；"""]
    if inc:
        lines.append(f"""  增量检查的请求数为全面检查的 {mo['incremental']['requests_share']:.0%}（第 2 晚实测），每次请求 CPU {mo['incremental']['cpu_per_request']} 秒
    （第 2 晚实测 {mo['incremental']['measured_cpu_per_request']} 秒，按与全面检查实测值的同一比例换算到上面的全面值）；""")
    lines.append(f"""  一台工作机同时检查的网站数按 CPU 用到 {f['cores']} 核的 80% 计；数据库机每站入库 CPU 为本次实测
    （全面 {mo['full']['db_per_site']} 秒{f"、增量 {mo['incremental']['db_per_site']} 秒" if inc else ""}），更大的网站每次请求另加 {DB_CPU_PER_REQUEST} 秒；
  总用时 = 网站数 ÷ min(工作机台数 × 每台每小时网站数, 数据库机每小时入库数)。""")
    if inc:
        lines.append(f"  {f['full_every']} 晚一轮（PORTALWATCH_FULL_EVERY={f['full_every']}）：1 晚全面 + {f['full_every'] - 1} 晚增量，"
                     "给出每晚平均小时数；同日登记的网站在同一晚全面检查，那一晚按全面检查的小时数计。")
    for label, name in (("like_these", "同样规模"), ("2000_requests", "每站 2,000 次请求")):
        r = f["rates"]
        lines.append(f"每台工作机每小时（{name}）：全面 {r[f'full_{label}']['worker_machine']} 个"
                     + (f"、增量 {r[f'incremental_{label}']['worker_machine']} 个" if inc else "")
                     + f"；数据库机每小时入库：全面 {r[f'full_{label}']['database']} 个"
                     + (f"、增量 {r[f'incremental_{label}']['database']} 个" if inc else ""))
    lines.append("推算（小时；1/2/4/8/16 台工作机）：")
    kinds = [("full", "全面"), *([("incremental", "增量"), ("cycle", f"{f['full_every']} 晚平均")] if inc else [])]
    for label, name in (("like_these", "同样规模"), ("2000_requests", "每站 2,000 次请求")):
        for n in (1000, 14000):
            for kind, kname in kinds:
                cells = " / ".join(str(p[f"{n}_sites_{label}_{m}_machines_{kind}_hours"]) for m in (1, 2, 4, 8, 16))
                lines.append(f"  {n:,} 个{name}的网站，{kname}：{cells}")
    print("\n".join(lines))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", type=int, default=100)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="parallel audits (default: cores); with --workers, per worker")
    ap.add_argument("--pages-per-site", type=int, default=PAGES_PER_SITE,
                    help=f"HTML pages of each generated portal (default {PAGES_PER_SITE}), one article in three with an attachment")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    ap.add_argument("--keep", type=Path, help="keep the database here instead of a temporary folder")
    ap.add_argument("--workers", type=int, default=0, help="run across this many worker processes on a local Redis")
    ap.add_argument("--report", type=Path, help="print the note of a night saved with --json again")
    ap.add_argument("--nights", type=int, choices=(1, 2), default=2,
                    help="2: a second, incremental night of the unchanged portals (default)")
    ap.add_argument("--full", action="store_true", help="run the first night with run --full (it is full anyway "
                                                       "when nothing is stored yet)")
    args = ap.parse_args()
    if args.report:
        saved = json.loads(args.report.read_text())
        if "workers" in saved:
            report_workers(project_workers(saved))
        else:
            report(saved)
        return verdict(saved)
    if args.workers:
        return main_workers(args)

    work = Path(tempfile.mkdtemp(prefix="pw-night-"))
    db = args.keep or work / "night.db"
    servers = serve_portals(args.sites, args.pages_per_site)
    tiny = tiny_site()
    t0, c0 = time.monotonic(), _children_cpu()
    subprocess.run(pw("audit", f"http://127.0.0.1:{tiny.server_address[1]}/", "--db", str(work / "tiny.db"),
                      "--no-progress", "--format", "json"), capture_output=True, check=False)
    fixed = time.monotonic() - t0
    fixed_cpu = _children_cpu() - c0
    tiny.shutdown()

    register(servers, work, db)
    nights = []
    for n in range(args.nights):
        full = ["--full"] if n == 0 and args.full else []
        print(f"night {n + 1}: {args.sites} sites, {args.jobs} at a time ...", file=sys.stderr)
        nights.append(night(pw("run", "--all", *full, "--as-of", AS_OF.isoformat(), "--jobs", str(args.jobs),
                               "--db", str(db)), servers, db))
    n1 = nights[0]
    wall, requests, cpu_children = n1["wall_seconds"], n1["requests"], n1["cpu_database_seconds"]
    per_site = n1["audit_seconds_mean"]
    per_request = max(0.0, per_site - fixed) / (requests / args.sites)
    figures = {
        "sites": args.sites, "jobs": args.jobs, "pages_per_site": args.pages_per_site,
        "sites_per_hour": round(args.sites / wall * 3600),
        "peak_tree_mb": n1["peak_run_mb"], "peak_one_audit_mb": n1["peak_one_mb"],
        "audit_fixed_seconds": round(fixed, 2),
        "seconds_per_request": round(per_request, 3), "cpu_seconds_per_audit": round(cpu_children / args.sites, 2),
        "nights": [{k: v for k, v in n.items() if k != "_keys"} for n in nights],
    }
    if len(nights) == 2:
        figures["comparison"] = compare_nights(nights)
    # Audits mostly wait (politeness), so more of them than cores fit: as many as the CPU
    # (80 % of the cores) and the memory (half of RAM) allow, per portal size, since a large
    # portal spends a smaller share of its time on start-up CPU than these small ones.
    per_site_requests = requests / args.sites
    cpu_per_request = max(0.0, cpu_children / args.sites - fixed_cpu) / per_site_requests
    cpu_per_request = max(cpu_per_request, reference_cpu_per_request()[0])
    figures |= {"audit_fixed_cpu_seconds": round(fixed_cpu, 2), "cpu_seconds_per_request": round(cpu_per_request, 4)}
    memory_jobs = max(1, int(psutil.virtual_memory().total / 2 / 2**20 / max(n1["peak_one_mb"], 1)))

    def cpu_jobs(size: float) -> int:
        wall_s, cpu_s = fixed + size * per_request, fixed_cpu + size * cpu_per_request
        return max(args.jobs, min(memory_jobs, int((os.cpu_count() or 1) * 0.8 * wall_s / max(cpu_s, 1e-3))))

    figures["cpu_bound_jobs"] = {"like_these": cpu_jobs(per_site_requests), "200": cpu_jobs(200), "2000": cpu_jobs(2000)}
    projections = {}
    for label in ("", "cpu_bound_"):
        for n in (1000, 10000):
            jobs = cpu_jobs(per_site_requests) if label else args.jobs
            projections[f"{label}{n}_sites_like_these_hours"] = round(n * per_site / jobs / 3600, 2)
            for size in (200, 2000):  # requests per real portal: a township, a county portal
                jobs = cpu_jobs(size) if label else args.jobs
                projections[f"{label}{n}_sites_{size}_requests_hours"] = round(n * (fixed + size * per_request) / jobs / 3600, 1)
    figures["projection"] = projections
    report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    for s in servers:
        s.shutdown()
    shutil.rmtree(work, ignore_errors=True)
    return verdict(figures)


def report(f: dict) -> None:
    p, j, n1 = f["projection"], f["cpu_bound_jobs"], f["nights"][0]
    print("\n".join([f"""模拟夜间检查：{f['sites']} 个网站（每站约 {f['pages_per_site']} 个页面），同时 {f['jobs']} 个（默认礼貌设置：每站并发 4、间隔 0.25 秒）
  每小时 {f['sites_per_hour']} 个网站（第 1 晚）；峰值内存：进程树合计 {f['peak_tree_mb']} MB，单个审计进程 {f['peak_one_audit_mb']} MB""",
                     *report_nights(f),
                     f"""单站平均用时 {n1['audit_seconds_mean']} 秒（其中启动等固定开销约 {f['audit_fixed_seconds']} 秒），
  每个请求约 {f['seconds_per_request']} 秒，单站 CPU 时间 {f['cpu_seconds_per_audit']} 秒
推算（全面检查，同时 {f['jobs']} 个）：
  1,000 个同样规模的网站：{p['1000_sites_like_these_hours']} 小时；10,000 个：{p['10000_sites_like_these_hours']} 小时
  1,000 个网站、每站 200 次请求：{p['1000_sites_200_requests_hours']} 小时；每站 2,000 次：{p['1000_sites_2000_requests_hours']} 小时
  10,000 个网站、每站 200 次请求：{p['10000_sites_200_requests_hours']} 小时；每站 2,000 次：{p['10000_sites_2000_requests_hours']} 小时
按 CPU 和内存余量加大 --jobs 推算（CPU 用到 80%，内存用到一半；每次请求 CPU 约 {f['cpu_seconds_per_request']} 秒）：
  同样规模（--jobs {j['like_these']}）：1,000 个 {p['cpu_bound_1000_sites_like_these_hours']} 小时；10,000 个 {p['cpu_bound_10000_sites_like_these_hours']} 小时
  每站 200 次请求（--jobs {j['200']}）：1,000 个 {p['cpu_bound_1000_sites_200_requests_hours']} 小时；10,000 个 {p['cpu_bound_10000_sites_200_requests_hours']} 小时
  每站 2,000 次请求（--jobs {j['2000']}）：1,000 个 {p['cpu_bound_1000_sites_2000_requests_hours']} 小时；10,000 个 {p['cpu_bound_10000_sites_2000_requests_hours']} 小时"""]))


if __name__ == "__main__":
    sys.exit(main())
