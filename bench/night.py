"""A simulated night: N generated portals through ``portalwatch run --all``.

    python bench/night.py [--sites 100] [--jobs N] [--json out.json]
    python bench/night.py --workers 2 [--sites 200] [--jobs N]    # across worker processes on a local Redis
    python bench/night.py [--sites 100] [--jobs N] [--json out.json] [--nights 2]

Starts N small township portals on N local ports (127.0.0.1 only), registers them with
``portalwatch sites import``, runs ``portalwatch run --all`` at the default politeness
(concurrency 4, delay 0.25 s) and reports the total wall time, sites per hour, the peak
memory of the run (the whole process tree, sampled) and a projection for 1,000 and
10,000 sites. With ``--workers M`` the same night goes through a local ``redis-server`` and M
``portalwatch worker`` processes (``--jobs`` audits each) with ``run --all --broker``; the note gives
requests, CPU (workers and the database machine's imports apart) and wall time, and projects
1,000 and 14,000 sites on N machines. The projection separates the fixed cost of an audit (process start, crawler
start-up: measured on a one-page site) from the per-request cost (measured here), so it
can be scaled to realistic portal sizes.

Measured with ``--workers 2 --sites 12 --jobs 2`` (2026-12-01, one shared 2-core machine under a load
of ~7 from other jobs, so wall times are inflated, CPU times less so): 12/12 complete, 228 requests,
100.7 s wall; workers 53.6 s CPU (4.47 s per site, almost all fixed start-up), the database machine
2.3 s (0.19 s per site, queueing + import + history). Projected: a worker machine like this one takes
~1,245 such small portals an hour, ~200 of 2,000 requests; one database machine imports ~2,600
2,000-request portals an hour. 14,000 portals of 2,000 requests: ~70 h on 1 worker machine, 17.5 h on
4, 8.7 h on 8, 5.4 h on 16 (1,000: 5.0 h on 1, 1.2 h on 4). ``--report FILE`` reprints the note of a
night saved with ``--json``.
With ``--nights 2`` (the default) the same portals are audited a second night, unchanged:
nightly runs are incremental (pages answer ``304 Not Modified`` to the conditional requests,
their stored reading is reused, link verdicts are reused on a rotation), so the closing note
compares requests, downloads (answers other than 304), CPU and wall time of the full first
night with the incremental second one.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
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
COLUMNS = [("gzdt", "工作动态"), ("tzgg", "通知公告"), ("zcwj", "政策文件")]
ARTICLES = 4


def portal(index: int) -> dict[str, bytes]:
    """One small township portal: homepage, three columns of four dated articles, a dead link."""
    def html(title: str, body: str) -> bytes:
        return (f"<html><head><meta charset='utf-8'><title>{title}</title></head>"
                f"<body><h1>{title}</h1>{body}</body></html>").encode("utf-8")

    town = f"第{index}镇"
    nav = "".join(f"<a href='/{slug}/'>{name}</a> " for slug, name in COLUMNS) + "<a href='/xxgk/'>信息公开</a>"
    pages = {"/": html(f"{town}人民政府", f"<div class='nav'>{nav}</div><p>{AS_OF:%Y-%m-%d} 更新</p>")}
    for slug, name in COLUMNS:
        items = []
        for k in range(ARTICLES):
            day = AS_OF - dt.timedelta(days=3 + 9 * k + index % 5)
            path = f"/{slug}/{day:%Y%m}/t{day:%Y%m%d}_{k}.html"
            pages[path] = html(f"{town}{name}{k}", f"<p>发布时间：{day:%Y-%m-%d}</p><p>正文内容。</p>")
            items.append(f"<li><a href='{path}'>{town}{name}第{k}条</a><span>{day:%Y-%m-%d}</span></li>")
        pages[f"/{slug}/"] = html(name, "<ul>" + "".join(items) + "</ul>")
    return pages  # /xxgk/ is left out: a dead link on every homepage


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._serve(False)

    def do_GET(self) -> None:
        self._serve(True)

    def _serve(self, body: bool) -> None:
        server = self.server
        data = server.pages.get(self.path.split("?")[0])  # type: ignore[attr-defined]
        status = 200 if data is not None else 404
        data = data if data is not None else b"<html><title>404</title><body>Not Found</body></html>"
        etag = '"%08x"' % (zlib.crc32(data) & 0xFFFFFFFF)
        if status == 200 and self.headers.get("If-None-Match") == etag:
            status = 304  # the page did not change since the last night
        with server.lock:  # type: ignore[attr-defined]
            server.hits += 1  # type: ignore[attr-defined]
            server.not_modified += status == 304  # type: ignore[attr-defined]
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if status == 304:
            self.send_header("ETag", etag)
            self.end_headers()
            return
        if status == 200:
            self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)


def serve_portals(count: int) -> list[ThreadingHTTPServer]:
    servers = []
    for i in range(count):
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        httpd.daemon_threads = True
        httpd.pages, httpd.hits, httpd.lock = portal(i), 0, threading.Lock()  # type: ignore[attr-defined]
        httpd.not_modified = 0  # type: ignore[attr-defined]
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
    return servers


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


def register(servers: list[ThreadingHTTPServer], work: Path, db: Path) -> None:
    registry = work / "sites.csv"
    with open(registry, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["name", "url", "profile", "unit", "emails"])
        for i, httpd in enumerate(servers):
            writer.writerow([f"第{i}镇", f"http://127.0.0.1:{httpd.server_address[1]}/", "township",
                             f"第{i}镇人民政府", f"office{i}@example.gov.cn"])
    imported = subprocess.run(pw("sites", "import", str(registry), "--db", str(db)), capture_output=True, text=True)
    print(imported.stdout.strip(), file=sys.stderr)


def _children_cpu() -> float:
    c = psutil.Process().cpu_times()
    return c.children_user + c.children_system


def main_workers(args: argparse.Namespace) -> int:
    """The night across ``args.workers`` worker processes on a local redis-server (127.0.0.1 only)."""
    import socket

    redis_bin = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not os.path.exists(redis_bin):
        print("redis-server is not installed (./install.sh installs it)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="pw-night-workers-"))
    db = args.keep or work / "night.db"
    servers = serve_portals(args.sites)
    register(servers, work, db)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    redis_proc = subprocess.Popen([redis_bin, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                   "--appendonly", "no", "--dir", str(work)], stdout=subprocess.DEVNULL)
    broker = f"redis://127.0.0.1:{port}/0"
    cpu0, t0 = _children_cpu(), time.monotonic()
    workers = [subprocess.Popen(pw("worker", "--broker", broker, "--concurrency", str(args.jobs), "--hostname",
                                   f"bench{i}@%h", "--loglevel", "WARNING"),
                                stdout=subprocess.DEVNULL, stderr=open(work / f"worker{i}.log", "w"))
               for i in range(args.workers)]
    print(f"running {args.sites} sites across {args.workers} workers, {args.jobs} audits each ...", file=sys.stderr)
    done, wall, memory = run_sampled(pw("run", "--all", "--as-of", AS_OF.isoformat(), "--broker", broker,
                                        "--db", str(db)))
    cpu_db = _children_cpu() - cpu0  # the ``run`` process only: queueing, imports, history
    for w in workers:
        w.send_signal(signal.SIGTERM)
    for w in workers:
        w.wait(120)
    cpu_workers = _children_cpu() - cpu0 - cpu_db  # the workers and their audit subprocesses
    redis_proc.terminate()
    redis_proc.wait(10)
    requests = sum(s.hits for s in servers)  # type: ignore[attr-defined]
    with sqlite3.connect(db) as conn:
        statuses = dict(conn.execute("select status, count(*) from runs group by status").fetchall())
        pages = conn.execute("select count(*) from pages").fetchone()[0]
        findings = conn.execute("select count(*) from findings").fetchone()[0]
        elapsed = [json.loads(r[0])["elapsed"] for r in conn.execute("select detail from job_log where kind='audit'")]
    figures = project_workers({
        "sites": args.sites, "workers": args.workers, "jobs_per_worker": args.jobs, "exit_code": done.returncode,
        "runs": statuses, "wall_seconds": round(wall, 1), "requests": requests, "pages": pages, "findings": findings,
        "audit_seconds_mean": round(sum(elapsed) / max(1, len(elapsed)), 2), "cpu_workers_seconds": round(cpu_workers, 1),
        "cpu_database_seconds": round(cpu_db, 1), "peak_run_mb": round(memory["peak_tree_mb"]),
        "cores": os.cpu_count() or 1})
    report_workers(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    for s in servers:
        s.shutdown()
    shutil.rmtree(work, ignore_errors=True)
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
    return 0 if done.returncode == 0 else 1


def project_workers(m: dict) -> dict:
    """Figures and projections from what a ``--workers`` night measured (``m``)."""
    sites, cores, per_site = m["sites"], m["cores"], m["audit_seconds_mean"]
    cpu_site, cpu_db_site = m["cpu_workers_seconds"] / sites, m["cpu_database_seconds"] / sites
    here = m["requests"] / sites  # requests per site in this night
    # per request, as in the local projection: CPU from run_bench.py's large portal (or its 2-CPU figure),
    # wall time at the default politeness (one request per 0.25 s per host); the rest is the fixed cost
    big = Path(__file__).with_name("out") / "results.json"
    audit = (json.loads(big.read_text()).get("audit") or {}) if big.exists() else {}
    per_request_cpu = 1 / audit["urls_per_cpu_second"] if audit else 0.012
    per_request_wall = 0.25
    fixed_cpu = max(0.0, cpu_site - here * per_request_cpu)
    fixed_wall = max(0.0, per_site - here * per_request_wall)

    def machine_sites_per_hour(requests_per_site: float) -> float:
        """One worker machine like this one: as many audits at once as 80 % of its cores allow."""
        wall_s = fixed_wall + per_request_wall * requests_per_site
        cpu_s = fixed_cpu + per_request_cpu * requests_per_site
        return min(cores * 0.8 / cpu_s, max(1, int(cores * 0.8 * wall_s / cpu_s)) / wall_s) * 3600

    def database_sites_per_hour(requests_per_site: float) -> float:
        """Imports one database machine can take an hour: this night's cost per site, plus the rows of
        larger portals (an import costs ~35 µs of CPU per row, ~17 rows per page: 0.6 ms per request,
        measured with import_run on a 66-page portal)."""
        return 3600 / max(1e-3, cpu_db_site + max(0.0, requests_per_site - here) * DB_CPU_PER_REQUEST)

    projections = {}
    for label, size in (("like_these", here), ("2000_requests", 2000)):
        for n in (1000, 14000):
            for machines in (1, 2, 4, 8, 16):
                rate = min(machine_sites_per_hour(size) * machines, database_sites_per_hour(size))
                projections[f"{n}_sites_{label}_{machines}_machines_hours"] = round(n / rate, 1)
    return {**m, "sites_per_hour": round(sites / m["wall_seconds"] * 3600), "cpu_seconds_per_site": round(cpu_site, 2),
            "cpu_database_per_site": round(cpu_db_site, 3), "fixed_cpu_seconds_per_site": round(fixed_cpu, 2),
            "cpu_seconds_per_request": round(per_request_cpu, 4),
            "worker_machine_sites_per_hour": {"like_these": round(machine_sites_per_hour(here)),
                                              "2000_requests": round(machine_sites_per_hour(2000))},
            "database_sites_per_hour": {"like_these": round(database_sites_per_hour(here)),
                                        "2000_requests": round(database_sites_per_hour(2000))},
            "projection": projections}


def report_workers(f: dict) -> None:
    p = f["projection"]
    lines = [f"""模拟夜间检查（多机）：{f['sites']} 个网站，{f['workers']} 个工作进程、每个同时 {f['jobs_per_worker']} 个（本机 Redis）
  运行结果：{f['runs']}，退出码 {f['exit_code']}
  总用时：{f['wall_seconds']} 秒；每小时 {f['sites_per_hour']} 个网站；请求 {f['requests']} 次，页面 {f['pages']} 个，问题 {f['findings']} 个
  CPU：工作进程（含审计子进程）{f['cpu_workers_seconds']} 秒，每站 {f['cpu_seconds_per_site']} 秒；
       数据库机（派发、入库、问题历史）{f['cpu_database_seconds']} 秒，每站 {f['cpu_database_per_site']} 秒
  推算按每站固定 CPU {f['fixed_cpu_seconds_per_site']} 秒、每次请求 CPU {f['cpu_seconds_per_request']} 秒、礼貌间隔 0.25 秒计
  一台同样的工作机每小时约 {f['worker_machine_sites_per_hour']['like_these']} 个同样规模的网站、{f['worker_machine_sites_per_hour']['2000_requests']} 个每站 2,000 次请求的网站；
  数据库机每小时可入库约 {f['database_sites_per_hour']['like_these']} 个同样规模的网站、{f['database_sites_per_hour']['2000_requests']} 个每站 2,000 次请求的网站
推算（小时）："""]
    for label, name in (("like_these", "同样规模"), ("2000_requests", "每站 2,000 次请求")):
        for n in (1000, 14000):
            cells = "，".join(f"{m} 台 {p[f'{n}_sites_{label}_{m}_machines_hours']}" for m in (1, 2, 4, 8, 16))
            lines.append(f"  {n:,} 个{name}的网站：{cells}")
    print("\n".join(lines))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", type=int, default=100)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel audits (default: cores)")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    ap.add_argument("--keep", type=Path, help="keep the database here instead of a temporary folder")
    ap.add_argument("--workers", type=int, default=0, help="run across this many worker processes on a local Redis")
    ap.add_argument("--report", type=Path, help="print the note of a --workers night saved with --json again")
    ap.add_argument("--nights", type=int, choices=(1, 2), default=2,
                    help="2: a second, incremental night of the unchanged portals (default)")
    args = ap.parse_args()
    if args.report:
        report_workers(project_workers(json.loads(args.report.read_text())))
        return 0
    if args.workers:
        return main_workers(args)

    work = Path(tempfile.mkdtemp(prefix="pw-night-"))
    db = args.keep or work / "night.db"
    servers = serve_portals(args.sites + 1)
    tiny = servers.pop()  # a one-page site for the fixed cost of an audit
    tiny.pages = {"/": b"<html><title>t</title><body>ok</body></html>"}  # type: ignore[attr-defined]
    t0, c0 = time.monotonic(), psutil.Process().cpu_times()
    subprocess.run(pw("audit", f"http://127.0.0.1:{tiny.server_address[1]}/", "--db", str(work / "tiny.db"),
                      "--no-progress", "--format", "json"), capture_output=True, check=False)
    fixed = time.monotonic() - t0
    c1 = psutil.Process().cpu_times()
    fixed_cpu = (c1.children_user + c1.children_system) - (c0.children_user + c0.children_system)

    register(servers, work, db)

    print(f"running {args.sites} sites, {args.jobs} at a time ...", file=sys.stderr)
    cpu0 = psutil.Process().cpu_times()
    done, wall, memory = run_sampled(pw("run", "--all", "--as-of", AS_OF.isoformat(), "--jobs", str(args.jobs),
                                        "--db", str(db)))
    cpu1 = psutil.Process().cpu_times()
    cpu_children = (cpu1.children_user + cpu1.children_system) - (cpu0.children_user + cpu0.children_system)
    requests = sum(s.hits for s in servers)  # type: ignore[attr-defined]
    with sqlite3.connect(db) as conn:
        statuses = dict(conn.execute("select status, count(*) from runs group by status").fetchall())
        pages = conn.execute("select count(*) from pages").fetchone()[0]
        findings = conn.execute("select count(*) from findings").fetchone()[0]
        elapsed = [json.loads(r[0])["elapsed"] for r in conn.execute("select detail from job_log where kind='audit'")]
    per_site = sum(elapsed) / len(elapsed)
    per_request = max(0.0, per_site - fixed) / (requests / args.sites)
    figures = {
        "sites": args.sites, "jobs": args.jobs, "exit_code": done.returncode, "runs": statuses,
        "wall_seconds": round(wall, 1), "sites_per_hour": round(args.sites / wall * 3600),
        "peak_tree_mb": round(memory["peak_tree_mb"]), "peak_one_audit_mb": round(memory["peak_one_mb"]),
        "pages": pages, "requests": requests, "findings": findings,
        "audit_seconds_mean": round(per_site, 2), "audit_fixed_seconds": round(fixed, 2),
        "seconds_per_request": round(per_request, 3), "cpu_seconds_per_audit": round(cpu_children / args.sites, 2),
    }
    # Audits mostly wait (politeness), so more of them than cores fit: as many as the CPU
    # (80 % of the cores) and the memory (half of RAM) allow, per portal size, since a large
    # portal spends a smaller share of its time on start-up CPU than these small ones.
    per_site_requests = requests / args.sites
    cpu_per_request = max(0.0, cpu_children / args.sites - fixed_cpu) / per_site_requests
    big = Path(__file__).with_name("out") / "results.json"  # run_bench.py: CPU per URL on a 15,000-URL portal
    audit = (json.loads(big.read_text()).get("audit") or {}) if big.exists() else {}
    # without a run_bench.py audit figure: what it measured on a 2-CPU machine
    cpu_per_request = max(cpu_per_request, 1 / audit["urls_per_cpu_second"] if audit else 0.012)
    figures |= {"audit_fixed_cpu_seconds": round(fixed_cpu, 2), "cpu_seconds_per_request": round(cpu_per_request, 4)}
    memory_jobs = max(1, int(psutil.virtual_memory().total / 2 / 2**20 / max(memory["peak_one_mb"], 1)))

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
    if args.nights == 2:
        figures["incremental"] = second_night(servers, db, args.jobs, requests, cpu_children, wall)
    report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    for s in servers:
        s.shutdown()
    shutil.rmtree(work, ignore_errors=True)
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
    return 0 if done.returncode == 0 else 1


def second_night(servers: list[ThreadingHTTPServer], db: Path, jobs: int, requests: int, cpu: float,
                 wall: float) -> dict:
    """The same portals, unchanged, audited again: ``run`` is incremental."""
    hits0 = sum(s.hits for s in servers)  # type: ignore[attr-defined]
    nm0 = sum(s.not_modified for s in servers)  # type: ignore[attr-defined]
    print("second night (incremental) ...", file=sys.stderr)
    cpu0, t0 = psutil.Process().cpu_times(), time.monotonic()
    done = subprocess.run(pw("run", "--all", "--as-of", AS_OF.isoformat(), "--jobs", str(jobs), "--db", str(db)),
                          capture_output=True, text=True)
    wall2 = time.monotonic() - t0
    cpu1 = psutil.Process().cpu_times()
    cpu2 = (cpu1.children_user + cpu1.children_system) - (cpu0.children_user + cpu0.children_system)
    requests2 = sum(s.hits for s in servers) - hits0  # type: ignore[attr-defined]
    downloads2 = requests2 - (sum(s.not_modified for s in servers) - nm0)  # type: ignore[attr-defined]
    with sqlite3.connect(db) as conn:
        modes = dict(conn.execute("select json_extract(summary, '$.mode'), count(*) from runs where id in "
                                  "(select max(id) from runs group by site) group by 1").fetchall())
    return {"exit_code": done.returncode, "modes": modes, "full": {"requests": requests, "downloads": requests,
            "cpu_seconds": round(cpu, 1), "wall_seconds": round(wall, 1)},
            "incremental": {"requests": requests2, "downloads": downloads2, "cpu_seconds": round(cpu2, 1),
                            "wall_seconds": round(wall2, 1)}}


def report(f: dict) -> None:
    p, j = f["projection"], f["cpu_bound_jobs"]
    print(f"""模拟夜间检查：{f['sites']} 个网站，同时 {f['jobs']} 个（默认礼貌设置：每站并发 4、间隔 0.25 秒）
  运行结果：{f['runs']}，退出码 {f['exit_code']}
  总用时：{f['wall_seconds']} 秒；每小时 {f['sites_per_hour']} 个网站
  峰值内存：进程树合计 {f['peak_tree_mb']} MB，单个审计进程 {f['peak_one_audit_mb']} MB
  抓取页面 {f['pages']} 个，请求 {f['requests']} 次，发现问题 {f['findings']} 个
  单站平均用时 {f['audit_seconds_mean']} 秒（其中启动等固定开销约 {f['audit_fixed_seconds']} 秒），
  每个请求约 {f['seconds_per_request']} 秒，单站 CPU 时间 {f['cpu_seconds_per_audit']} 秒
推算（同时 {f['jobs']} 个）：
  1,000 个同样规模的网站：{p['1000_sites_like_these_hours']} 小时；10,000 个：{p['10000_sites_like_these_hours']} 小时
  1,000 个网站、每站 200 次请求：{p['1000_sites_200_requests_hours']} 小时；每站 2,000 次：{p['1000_sites_2000_requests_hours']} 小时
  10,000 个网站、每站 200 次请求：{p['10000_sites_200_requests_hours']} 小时；每站 2,000 次：{p['10000_sites_2000_requests_hours']} 小时
按 CPU 和内存余量加大 --jobs 推算（CPU 用到 80%，内存用到一半；每次请求 CPU 约 {f['cpu_seconds_per_request']} 秒）：
  同样规模（--jobs {j['like_these']}）：1,000 个 {p['cpu_bound_1000_sites_like_these_hours']} 小时；10,000 个 {p['cpu_bound_10000_sites_like_these_hours']} 小时
  每站 200 次请求（--jobs {j['200']}）：1,000 个 {p['cpu_bound_1000_sites_200_requests_hours']} 小时；10,000 个 {p['cpu_bound_10000_sites_200_requests_hours']} 小时
  每站 2,000 次请求（--jobs {j['2000']}）：1,000 个 {p['cpu_bound_1000_sites_2000_requests_hours']} 小时；10,000 个 {p['cpu_bound_10000_sites_2000_requests_hours']} 小时""")
    inc = f.get("incremental")
    if inc:
        a, b = inc["full"], inc["incremental"]

        def share(key: str) -> str:
            return f"{b[key] / a[key]:.0%}" if a[key] else "—"

        print(f"""第二晚（网站未变化，增量检查；检查方式 {inc['modes']}，退出码 {inc['exit_code']}）：
  请求 {b['requests']} 次（首晚 {a['requests']}，{share('requests')}）；下载（304 以外的应答）{b['downloads']} 次（{share('downloads')}）
  CPU {b['cpu_seconds']} 秒（首晚 {a['cpu_seconds']}，{share('cpu_seconds')}）；用时 {b['wall_seconds']} 秒（首晚 {a['wall_seconds']}，{share('wall_seconds')}）""")


if __name__ == "__main__":
    sys.exit(main())
