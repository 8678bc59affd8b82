"""Peak memory of ``portalwatch audit`` against a site of compression bombs (issue 13).

    python bench/bomb_bench.py               # 64 links each to gzip, brotli and deflate bombs of ~10 GB
    python bench/bomb_bench.py --links 16 --gigabytes 1    # a quicker look

A local server (127.0.0.1 only) serves a homepage linking to ``--links`` pages per encoding;
each page is a ``Content-Encoding`` stream that inflates to ``--gigabytes`` GB of HTML.
gzip and deflate streams are generated on the fly by repeating one fully flushed deflate
segment (so the server costs no CPU); the brotli stream is compressed once up front. The
audit runs in its own process; its process tree's RSS (audit plus analysis worker) is
sampled every 20 ms with psutil and the peak is printed (RSS summed over the tree, which
counts pages shared with the forked worker twice, and PSS, which does not). Target: ≤ 300 MB for any number
of bombs (before the fix: 4.46 GB for 64 gzip links, about 68 MB more per bomb).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psutil

HEAD = "<html><head><title>压缩炸弹</title></head><body>".encode("utf-8")
MB = b" " * (1 << 20)


def deflate_parts(wbits: int) -> tuple[bytes, bytes]:
    """(start, segment): start + segment * N inflates to HEAD + N+1 MB of spaces."""
    c = zlib.compressobj(1, zlib.DEFLATED, wbits)
    start = c.compress(HEAD) + c.compress(MB) + c.flush(zlib.Z_FULL_FLUSH)
    segment = c.compress(MB) + c.flush(zlib.Z_FULL_FLUSH)
    assert segment == c.compress(MB) + c.flush(zlib.Z_FULL_FLUSH)  # repeatable after a full flush
    return start, segment


def brotli_stream(gigabytes: float) -> bytes | None:
    try:
        import brotli
    except ImportError:
        return None
    c = brotli.Compressor(quality=1)
    block = MB * 64
    parts = [c.process(HEAD)] + [c.process(block) for _ in range(int(gigabytes * 16))]
    return b"".join(parts + [c.finish()])


class Bombs(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    links = 64
    megabytes = 10240
    encodings: dict[str, tuple[bytes, bytes] | bytes] = {}

    def log_message(self, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self.serve(head=True)

    def do_GET(self) -> None:
        self.serve(head=False)

    def serve(self, head: bool) -> None:
        path = self.path.split("?")[0]
        if path == "/":
            links = "".join(f'<a href="/{enc}/{i}.html">{enc} {i}</a>'
                            for enc in self.encodings for i in range(self.links))
            body = HEAD + links.encode() + b"</body></html>"
            self.answer(body, head)
            return
        enc = path.split("/")[1]
        if enc not in self.encodings:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Encoding", enc)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if head:
            return
        data = self.encodings[enc]
        try:
            if isinstance(data, bytes):
                for i in range(0, len(data), 1 << 16):
                    self.wfile.write(data[i:i + (1 << 16)])
            else:
                start, segment = data
                self.wfile.write(start)
                for _ in range(self.megabytes):
                    self.wfile.write(segment)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def answer(self, body: bytes, head: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


def tree_memory(proc: psutil.Process) -> tuple[int, int, dict[str, int]]:
    """(RSS sum, PSS sum, RSS by process) of the audit and its descendants.

    RSS counts pages shared with the forked analysis worker twice; PSS splits them.
    """
    rss = pss = 0
    by_proc: dict[str, int] = {}
    for p in [proc, *proc.children(recursive=True)]:
        try:
            info = p.memory_full_info()
        except psutil.Error:
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
        by_proc[f"{p.pid} {p.name()}"] = info.rss
    return rss, pss, by_proc


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--links", type=int, default=64, help="bomb links per encoding")
    ap.add_argument("--gigabytes", type=float, default=10.0, help="what each bomb inflates to")
    ap.add_argument("--concurrency", type=int, default=4, help="the audit's --concurrency (its default)")
    args = ap.parse_args()

    Bombs.links, Bombs.megabytes = args.links, int(args.gigabytes * 1024)
    Bombs.encodings = {"gzip": deflate_parts(31), "deflate": deflate_parts(15)}
    print("compressing the brotli bomb ...", file=sys.stderr)
    br = brotli_stream(args.gigabytes)
    if br is not None:
        Bombs.encodings["br"] = br
    server = ThreadingHTTPServer(("127.0.0.1", 0), Bombs)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"

    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "portalwatch", "audit", url, "--format", "json", "--db", str(Path(tmp) / "b.db"),
               "--no-progress", "--delay", "0", "--concurrency", str(args.concurrency), "--max-pages", "100000"]
        started = time.monotonic()
        proc = psutil.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        peak = peak_pss = 0
        peaks: dict[str, int] = {}
        while proc.poll() is None:
            rss, pss, by_proc = tree_memory(proc)
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)
            for name, value in by_proc.items():
                peaks[name] = max(peaks.get(name, 0), value)
            time.sleep(0.02)
        out, err = proc.communicate()
        elapsed = time.monotonic() - started
    server.shutdown()
    try:
        doc = json.loads(out)
    except json.JSONDecodeError:
        print(f"audit failed (exit {proc.returncode}):\n{err[-2000:]}", file=sys.stderr)
        return 1
    bombs = args.links * len(Bombs.encodings)
    print(json.dumps({"bombs": bombs, "encodings": sorted(Bombs.encodings), "inflates_to_gb": args.gigabytes,
                      "exit": proc.returncode, "seconds": round(elapsed, 1), "pages": doc.get("pages"),
                      "skipped": doc.get("skipped"),
                      "dead_links": sum(1 for f in doc.get("findings", []) if f["check"] == "dead_link"),
                      "peak_rss_mb": round(peak / 1048576, 1), "peak_pss_mb": round(peak_pss / 1048576, 1),
                      "peak_rss_by_process_mb": {k: round(v / 1048576, 1) for k, v in peaks.items()},
                      "target_mb": 300}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
