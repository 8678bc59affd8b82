"""Accuracy benchmark: audit generated portals of several CMS families and score the findings.

    python bench/accuracy.py                   # every portal
    python bench/accuracy.py --portal asp      # one portal
    python bench/accuracy.py --json out.json   # also write the results
    python bench/accuracy.py --keep DIR        # keep each portal's database and JSON document

Each portal (bench/accuracy_portals/, one module per CMS family) is served from memory by
a threaded HTTP server on 127.0.0.1 and audited with the real command line
(``python -m portalwatch audit URL --format json ...``, render auto). Its findings are
compared with the ground truth the generator wrote down while injecting defects; the
table gives TP / FP / FN, precision, recall and F1 per check, then every FP and FN per
portal, so a developer can go and fix them. Nothing here is tuned to the tool.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from accuracy_portals import FAMILIES, make  # noqa: E402
from accuracy_portals.common import AS_OF  # noqa: E402
from accuracy_portals.score import CHECKS, Score, Tally, fmt, score, total  # noqa: E402
from accuracy_portals.server import NOT_FOUND, Response, Server, closed_port  # noqa: E402

AUDIT_ARGS = ["--format", "json", "--as-of", AS_OF.isoformat(), "--delay", "0", "--concurrency", "8",
              "--timeout", "5", "--no-progress", "--render", "auto",
              "--set", "PORTALWATCH_RETRY_BACKOFF=0.05", "--set", "PORTALWATCH_RETRY_AFTER_MAX=2"]


def external_site() -> Server:
    """The "other" site that external links point at: /ok.html works, everything else is 404."""
    ext = Server()
    ext.routes["/ok.html"] = Response('<html><head><meta charset="utf-8"><title>中国政府网</title></head>'
                                      '<body><p>国务院信息公开。</p></body></html>')
    # the provincial 12345 platform that some portals' consultation banners link to
    platform = Response('<html><head><meta charset="utf-8"><title>12345政务服务便民热线</title></head>'
                        '<body><p>我要留言 | 留言查询</p></body></html>')
    for path in ("/12345/index.html", "/hotline/12345/wsly.html", "/zxzx/index.html"):
        ext.routes[path] = platform
    return ext


def audit(url: str, profile: str, db: Path, timeout: float) -> tuple[dict | None, str, float]:
    """Run the real command line; (JSON document or None, stderr tail, seconds)."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
    env["no_proxy"] = env["NO_PROXY"] = "*"
    started = time.monotonic()
    cmd = [sys.executable, "-m", "portalwatch", "audit", url, "--profile", profile, "--db", str(db), *AUDIT_ARGS]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout:.0f} s", time.monotonic() - started
    seconds = time.monotonic() - started
    try:
        return json.loads(proc.stdout), proc.stderr[-2000:], seconds
    except json.JSONDecodeError:
        return None, f"exit {proc.returncode}: {proc.stderr[-2000:]}", seconds


def run_portal(name: str, ext: Server, refused: str, workdir: Path, timeout: float) -> dict:
    server = Server()
    try:
        builder, mod = make(name, server.url, ext.url, refused)
        server.routes = builder.routes
        server.fallback = builder.fallback or NOT_FOUND
        home = server.url + "/"
        db = workdir / f"{name}.db"
        db.unlink(missing_ok=True)
        doc, err, seconds = audit(home, mod.PROFILE, db, timeout)
        if doc:
            (workdir / f"{name}.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
        findings = doc["findings"] if doc else []
        result = score(builder.truth, findings, home)
        return {"portal": name, "family": mod.FAMILY, "profile": mod.PROFILE, "url": home, "seconds": round(seconds, 1),
                "pages": doc.get("pages") if doc else None, "requests": server.hits, "error": None if doc else err,
                "truth": sorted(builder.truth), "score": result,
                "findings": [{k: f.get(k) for k in ("check", "severity", "url", "target", "column", "message")}
                             for f in findings]}
    finally:
        server.close()


def table(results: list[dict]) -> str:
    scores: list[Score] = [r["score"] for r in results]
    agg = total(scores)
    lines = [f"{'check':<24}{'TP':>5}{'FP':>5}{'FN':>5}{'precision':>11}{'recall':>8}{'F1':>7}"]
    overall = Tally()
    for check in [c for c in CHECKS if c in agg] + sorted(set(agg) - set(CHECKS)):
        t = agg[check]
        overall.add(t)
        lines.append(f"{check:<24}{t.tp:>5}{t.fp:>5}{t.fn:>5}{fmt(t.precision):>11}{fmt(t.recall):>8}{fmt(t.f1):>7}")
    lines.append(f"{'overall':<24}{overall.tp:>5}{overall.fp:>5}{overall.fn:>5}{fmt(overall.precision):>11}"
                 f"{fmt(overall.recall):>8}{fmt(overall.f1):>7}")
    lines.append("")
    for r in results:
        s: Score = r["score"]
        lines.append(f"[{r['portal']}] {r['family']}, profile {r['profile']}: {r['pages']} pages, {r['requests']} requests, "
                     f"{r['seconds']} s, {len(r['truth'])} expected, FP {len(s.fps)}, FN {len(s.fns)}")
        if r["error"]:
            lines.append(f"    AUDIT FAILED: {r['error'].strip().splitlines()[-1] if r['error'].strip() else ''}")
        lines += [f"    FP {c}: {k}" for c, k in s.fps] + [f"    FN {c}: {k}" for c, k in s.fns]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--portal", action="append", choices=FAMILIES, help="run only this portal (repeatable)")
    ap.add_argument("--json", type=Path, help="write the results to this file")
    ap.add_argument("--timeout", type=float, default=240, help="seconds one audit may take")
    ap.add_argument("--keep", type=Path, help="keep each portal's database and JSON document in this directory")
    args = ap.parse_args(argv)
    names = args.portal or FAMILIES
    ext, refused = external_site(), f"http://127.0.0.1:{closed_port()}"
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="pw-accuracy-") as tmp:
            workdir = Path(tmp)
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                workdir = args.keep
            results = []
            for name in names:
                print(f"auditing {name} ...", file=sys.stderr, flush=True)
                results.append(run_portal(name, ext, refused, workdir, args.timeout))
    finally:
        ext.close()
    print(table(results))
    print(f"\n{len(results)} portals in {time.monotonic() - started:.0f} s")
    if args.json:
        out = []
        for r in results:
            s: Score = r.pop("score")
            r["per_check"] = {c: {"tp": t.tp, "fp": t.fp, "fn": t.fn} for c, t in s.per_check.items()}
            r["fp"], r["fn"] = s.fps, s.fns
            out.append(r)
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
