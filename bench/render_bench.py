"""Benchmark of ``--render always``: pages/s and memory of the whole audit process tree.

Generates a portal of ~N small pages whose lists are filled by script from a JSON
endpoint, serves it on 127.0.0.1, runs ``portalwatch audit --render always`` on it in a
subprocess and samples the RSS (and PSS, which does not count memory shared between
Chromium's processes twice) of the audit process and all its children — Playwright's
driver and every Chromium process — over time. The server counts the JSON requests,
which only a browser makes, so "rendered" is what Chromium actually loaded.

    python bench/render_bench.py                 # 500 pages
    python bench/render_bench.py --pages 2000 --context-pages 40 --concurrency 4

Memory is flat when the figures at 100, 200, ... rendered pages stay level after the
browser's start-up. RSS sums count pages shared between Chromium's processes once per
process; PSS shares them out, so PSS is the figure to read. "browser" is the part of
the tree that rendering adds (Playwright's node driver and Chromium); the rest is the
audit itself, whose snapshot grows with the pages it has stored.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psutil

ARTICLE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>
<meta name="PubDate" content="2026-11-{day:02d} 09:00"></head><body>
<div class="nav"><a href="/index.html">首页</a>{nav}</div>
<h1>{title}</h1><div class="content"><p>{text}</p></div>
<ul id="related"></ul>
<script>fetch("/api/hit?p=" + encodeURIComponent(location.pathname)).then(function (r) {{ return r.json(); }})
.then(function (d) {{ document.getElementById("related").innerHTML = d.items.map(function (t) {{
  return "<li>" + t + "</li>"; }}).join(""); }});</script></body></html>"""
LIST = """<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="ColumnName" content="{name}">
<title>{name}</title></head><body><div class="nav"><a href="/index.html">首页</a>{nav}</div>
<h2>{name}</h2><ul class="list">{items}</ul><div id="extra"></div>
<script>fetch("/api/hit?p=" + encodeURIComponent(location.pathname)).then(function (r) {{ return r.json(); }})
.then(function (d) {{ document.getElementById("extra").textContent = d.items.join("，"); }});</script>
</body></html>"""


def generate(root: Path, pages: int, columns: int = 10) -> int:
    """Write a portal of about ``pages`` pages under ``root``; returns the number written."""
    per_column = max(1, -(-(pages - 1 - columns) // columns))  # rounded up: at least ``pages``
    names = [f"栏目{c:02d}" for c in range(columns)]
    nav = "".join(f'<a href="/c{c}/index.html">{n}</a>' for c, n in enumerate(names))
    written = 0
    home_items = "".join(f'<li><a href="/c{c}/a0.html">{names[c]}最新信息</a></li>' for c in range(columns))
    (root / "index.html").write_text(LIST.format(name="某某镇人民政府", nav=nav, items=home_items), "utf-8")
    written += 1
    for c, name in enumerate(names):
        folder = root / f"c{c}"
        folder.mkdir(parents=True, exist_ok=True)
        items = "".join(f'<li><a href="a{i}.html">{name}第{i}条信息</a><span>2026-11-{1 + i % 28:02d}</span></li>'
                        for i in range(per_column))
        (folder / "index.html").write_text(LIST.format(name=name, nav=nav, items=items), "utf-8")
        written += 1
        for i in range(per_column):
            text = f"{name}第{i}条信息的正文。" * 20
            (folder / f"a{i}.html").write_text(ARTICLE.format(title=f"{name}第{i}条信息", day=1 + i % 28,
                                                              nav=nav, text=text), "utf-8")
            written += 1
    return written


class Server:
    """Static files plus ``/api/hit``, which counts the browser's requests."""

    def __init__(self, root: Path) -> None:
        self.hits = 0
        self.lock = threading.Lock()
        server = self

        class Handler(SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(root), **kwargs)

            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path.startswith("/api/hit"):
                    with server.lock:
                        server.hits += 1
                    body = json.dumps({"items": ["相关信息一", "相关信息二"]}, ensure_ascii=False).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                super().do_GET()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/index.html"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def tree_memory(proc: psutil.Process) -> tuple[int, int, int, int, int]:
    """(RSS sum, PSS sum, browser PSS, processes, Chromium processes) of ``proc`` and its
    descendants; "browser" is Playwright's driver (node) and every Chromium process."""
    rss = pss = browser = count = chrome = 0
    try:
        procs = [proc] + proc.children(recursive=True)
    except psutil.Error:
        return 0, 0, 0, 0, 0
    for p in procs:
        try:
            info = p.memory_full_info()
            name = p.name().lower()
        except psutil.Error:
            continue
        share = getattr(info, "pss", info.rss)
        rss += info.rss
        pss += share
        count += 1
        chrome += "chrom" in name
        browser += share if ("chrom" in name or "node" in name) else 0
    return rss, pss, browser, count, chrome


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=500)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--context-pages", type=int, default=40, help="PORTALWATCH_RENDER_CONTEXT_PAGES")
    ap.add_argument("--interval", type=float, default=0.5, help="seconds between memory samples")
    ap.add_argument("--every", type=int, default=100, help="print memory every N rendered pages")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="pw-render-bench-") as tmp:
        root = Path(tmp) / "site"
        root.mkdir()
        total = generate(root, args.pages)
        server = Server(root)
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        cmd = [sys.executable, "-m", "portalwatch", "audit", server.url, "--render", "always", "--format", "json",
               "--db", str(Path(tmp) / "bench.db"), "--max-pages", str(total + 10), "--delay", "0",
               "--concurrency", str(args.concurrency), "--no-progress", "--ignore-robots",
               "--set", f"PORTALWATCH_RENDER_CONTEXT_PAGES={args.context_pages}"]
        started = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        ps = psutil.Process(proc.pid)
        samples: list[tuple[float, int, int, int, int, int, int]] = []
        load_before = os.getloadavg()
        out: dict[str, str] = {}
        reader = threading.Thread(target=lambda: out.update(zip(("stdout", "stderr"), proc.communicate())))
        reader.start()
        while reader.is_alive():
            rss, pss, browser, count, chrome = tree_memory(ps)
            if count:
                samples.append((time.monotonic() - started, server.hits, rss, pss, browser, count, chrome))
            reader.join(args.interval)
        elapsed = time.monotonic() - started
        server.close()
        if proc.returncode != 0:
            print(out.get("stderr", "")[-3000:], file=sys.stderr)
            print(f"audit failed with exit status {proc.returncode}", file=sys.stderr)
            return 1
        doc = json.loads(out["stdout"])

    mib = 1024 * 1024
    rendered = server.hits
    first_render = next((t for t, hits, *_ in samples if hits > 0), 0.0)
    print(f"site: {total} pages generated; audit stored {doc['pages']} pages, "
          f"Chromium loaded {rendered} pages (JSON requests seen by the server)")
    print(f"time: {elapsed:.1f} s total, {elapsed - first_render:.1f} s from the first render; "
          f"{rendered / elapsed:.1f} rendered pages/s overall "
          f"({rendered / max(elapsed - first_render, 1e-9):.1f}/s while rendering; every page is also fetched plain)")
    print(f"settings: --render always --concurrency {args.concurrency}, "
          f"a new browser context every {args.context_pages} pages")
    print(f"machine: {os.cpu_count()} CPUs, load average before {load_before[0]:.1f}, "
          f"after {os.getloadavg()[0]:.1f}")
    print()
    print(f"{'rendered':>9} {'time s':>7} {'RSS MiB':>8} {'PSS MiB':>8} {'browser':>8} {'procs':>6} {'chromium':>9}")
    marks = list(range(args.every, rendered + 1, args.every))
    for mark in marks:
        sample = next((s for s in samples if s[1] >= mark), None)
        if sample:
            t, hits, rss, pss, browser, count, chrome = sample
            print(f"{hits:>9} {t:>7.1f} {rss / mib:>8.0f} {pss / mib:>8.0f} {browser / mib:>8.0f} {count:>6} "
                  f"{chrome:>9}")
    rendering = [s for s in samples if s[1] > 0]
    if rendering:
        peak_rss = max(s[2] for s in rendering)
        peak_pss = max(s[3] for s in rendering)
        half = [s for s in rendering if s[1] >= rendered / 2]
        first_half = [s for s in rendering if s[1] < rendered / 2]
        print()
        peak_browser = max(s[4] for s in rendering)
        print(f"peak: RSS {peak_rss / mib:.0f} MiB, PSS {peak_pss / mib:.0f} MiB (process tree: audit, its "
              f"analysis worker, Playwright driver, Chromium); browser alone {peak_browser / mib:.0f} MiB PSS; "
              f"{len(samples)} samples")
        if half and first_half:
            for label, col in (("whole tree", 3), ("browser", 4)):
                a = max(s[col] for s in first_half) / mib
                b = max(s[col] for s in half) / mib
                print(f"flatness ({label}): peak PSS in the first half {a:.0f} MiB, "
                      f"in the second half {b:.0f} MiB ({(b - a) / a * 100:+.0f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
