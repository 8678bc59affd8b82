"""Audits started side by side open a fresh database file at once: every one of them gets a
migrated file, none fails with "database is locked" (seen under run --jobs 3 before)."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path


def _open(path: str, barrier, errors) -> None:
    from portalwatch.reports import pagecache
    from portalwatch.reports.storage import Store

    try:
        barrier.wait(10)
        store = Store(path)
        pagecache.last_night(store.db, "http://127.0.0.1/")
        store.close()
    except Exception as exc:  # noqa: BLE001 - reported to the test
        errors.put(f"{type(exc).__name__}: {exc}")


def test_side_by_side_opens_of_a_fresh_file_all_succeed(tmp_path: Path) -> None:
    ctx = mp.get_context("fork")
    errors = ctx.Queue()
    for round_ in range(4):
        path = str(tmp_path / f"fresh{round_}.db")
        barrier = ctx.Barrier(6)
        procs = [ctx.Process(target=_open, args=(path, barrier, errors)) for _ in range(6)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        assert [p.exitcode for p in procs] == [0] * 6
    found = []
    while not errors.empty():
        found.append(errors.get())
    assert not found, found
