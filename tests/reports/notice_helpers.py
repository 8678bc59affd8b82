"""Helpers for the notice tests: a real SMTP server (aiosmtpd), registered sites with history."""

from __future__ import annotations

import email
import socket
import threading
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Iterable

import pytest

from portalwatch.reports.storage import NoticeStore
from portalwatch.scheduler.audit import fingerprint

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"


@dataclass
class SmtpHandler:
    """Collects what the server accepted; ``replies`` answers the next DATA commands instead."""

    envelopes: list[Any] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)  # e.g. ["451 4.3.0 try later"], consumed in order
    always: str | None = None  # e.g. "550 5.7.1 rejected" for every message
    data_commands: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.data_commands += 1
            if self.always:
                return self.always
            if self.replies:
                return self.replies.pop(0)
            self.envelopes.append(envelope)
        return "250 2.0.0 OK: queued"

    def messages(self) -> list[EmailMessage]:
        return [email.message_from_bytes(e.original_content, policy=policy.default) for e in self.envelopes]


@dataclass
class SmtpServer:
    handler: SmtpHandler
    port: int

    def env(self, **extra: str) -> dict[str, str]:
        return {"PORTALWATCH_SMTP_HOST": "127.0.0.1", "PORTALWATCH_SMTP_PORT": str(self.port),
                "PORTALWATCH_SMTP_SECURITY": "none", "PORTALWATCH_SMTP_FROM": "政务公开办 <gkb@example.gov.cn>",
                "PORTALWATCH_SMTP_BACKOFF": "0.01", "PORTALWATCH_SMTP_TIMEOUT": "10",
                "PORTALWATCH_OFFICE": "某某县人民政府办公室政务公开办", **extra}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 (aiosmtpd), stopped after the test."""
    from aiosmtpd.controller import Controller

    handler = SmtpHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(handler, port)
    finally:
        controller.stop()


def dead_link(site_url: str, target: str, text: str, status: int = 404, on_homepage: bool = True) -> dict[str, Any]:
    """A ``dead_link`` finding as the check writes it."""
    return {"check": "dead_link", "severity": "major", "url": site_url, "target": target, "column": None,
            "message": f"链接“{text}”无法访问（HTTP {status}），出现在 1 个页面上，请修复或删除该链接。",
            "evidence": {"status": status, "reason": f"http_{status}", "reason_text": f"HTTP {status}",
                         "link_text": text, "kind": "page", "on_homepage": on_homepage, "page_count": 1,
                         "pages": [site_url]}}


def record_run(store: NoticeStore, name: str, url: str, findings: Iterable[dict[str, Any]], *,
               status: str = "complete", pages: int = 12, as_of: str = "2026-11-20") -> int:
    """Store one finished run of a registered site and fold it into the finding history."""
    run_id = store.start_run(site=url, profile="township", as_of=as_of, options={}, site_name=name)
    rows = [f | {"fingerprint": fingerprint(url, f)} for f in findings]
    store.finish_run(run_id, status=status, link_checks=[], link_sources={}, skips=[], findings=rows,
                     score=None, verdict="不合格" if any(f["severity"] == "veto" for f in rows) else None,
                     grade=None, summary={})
    store.db["audit_runs"].update(run_id, {"pages": pages, "links_checked": pages * 4})
    store.update_history(run_id, name)
    return run_id


def register(store: NoticeStore, name: str, url: str, *, unit: str = "", emails: tuple[str, ...] = (),
             contact: str = "") -> None:
    store.save_sites([{"name": name, "url": url, "profile": "township", "unit": unit or name,
                       "emails": list(emails), "contact": contact}])


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def open_in_chromium(html_file: Path, png: Path, pdf: Path) -> list[str]:
    """Open a rendered document in headless Chromium, save a full-page PNG and an A4 PDF;
    return the console errors and page errors seen."""
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}: cannot render the notice (install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed")
    png.parent.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 900, "height": 1200})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
            page.goto(html_file.resolve().as_uri(), wait_until="load")
            page.evaluate("document.fonts.ready")
            page.screenshot(path=str(png), full_page=True)
            page.emulate_media(media="print")
            page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True, print_background=True)
        finally:
            browser.close()
    return errors
