"""Site text cannot take over the inspector's terminal, a JSON reader, a notice or a mail.

A local site puts ANSI colour codes, an OSC-8 hyperlink, a right-to-left override, NUL and
BEL into its titles and link texts; every output of the audit must show them inertly.
"""

from __future__ import annotations

import io
import json

from conftest import run_cli
from httpserver import Response
from notice_helpers import smtp_server  # noqa: F401  (fixture)

from portalwatch.reports.safetext import clean, dumps
from portalwatch.reports.storage import NoticeStore
from portalwatch.reports.summary import print_summary

EVIL = "\x1b[31m红色\x1b[0m\x1b]8;;http://evil/\x07点此\x1b]8;;\x07\u202e反向\u2066\x00\x07"
RAW = ("\x1b", "\u202e", "\u2066", "\x00", "\x07")


def _assert_inert(text: str, where: str) -> None:
    found = [f"U+{ord(c):04X}" for c in RAW if c in text]
    assert not found, f"{where} carries raw {found}"


def test_clean_shows_controls_and_bidi_visibly():
    assert clean("a\x1b[31mb\u202ec\x00\x85d\x7f\n\tz") == "a\\x1b[31mb<U+202E>c\\x00\\x85d\\x7f\n\tz"
    assert clean("标题\n第二行\t", one_line=True) == "标题\\x0a第二行\\x09"
    assert clean(clean(EVIL)) == clean(EVIL)  # cleaning twice changes nothing
    text = dumps({"t": EVIL + "\u200f\x9b"})
    assert json.loads(text) == {"t": EVIL + "\u200f\x9b"}  # JSON stays faithful
    _assert_inert(text, "JSON")
    assert "\\u202e" in text and "\\u001b" in text and "\\u009b" in text and "\u200f" not in text


def test_hostile_site_text_is_inert_in_every_output(serve, db_path, audit, smtp_server, tmp_path):
    home = (f"<html><head><title>某某镇人民政府{EVIL}</title></head><body>"
            "<a href='/news/'>工作动态</a><p>2026-11-19 工作动态</p>"
            f"<a href='/gone.html'>关于{EVIL}的通知</a></body></html>")
    news = f"<html><title>工作动态{EVIL}</title><body><a href='/news/1.html'>{EVIL}会议</a> 2026-11-18</body></html>"
    site = serve(routes={"/": Response(home), "/news/": Response(news),
                         "/news/1.html": Response(f"<html><title>{EVIL}</title><body>会议 2026-11-18</body></html>")})
    db = ["--db", str(db_path)]
    unit = "某某镇人民政府" + EVIL.replace("\x00", "")  # a registry file may carry it too (argv cannot hold NUL)
    assert run_cli("sites", "add", "某某镇", site.url, "--unit", unit, "--email", "xxzx@zhen.example.gov.cn",
                   *db).code == 0

    result = audit(site.url, "--site-name", "某某镇")
    assert result.code == 0, result.stderr
    _assert_inert(result.stdout, "audit --format json")
    doc = result.doc  # valid JSON
    dead = [f for f in doc["findings"] if f["check"] == "dead_link"]
    # faithful: the site text as parsed (the HTML parser drops NUL), only escaped
    assert dead and EVIL.replace("\x00", "") in dead[0]["message"]
    summary = io.StringIO()
    print_summary(doc, out=summary)
    assert "\\x1b[31m" in summary.getvalue() and "<U+202E>" in summary.getvalue()
    _assert_inert(summary.getvalue(), "text summary")

    store = NoticeStore(db_path)
    store.update_history(doc["run_id"], "某某镇")
    store.close()
    for args in (("findings", "某某镇"), ("findings", "某某镇", "--format", "json"), ("status",), ("sites", "list"),
                 ("sites", "list", "--format", "json")):
        out = run_cli(*args, *db)
        assert out.code == 0, out.stderr
        _assert_inert(out.stdout, " ".join(args))
    listed = run_cli("findings", "某某镇", *db).stdout
    assert "\\x1b]8;;http://evil/" in listed  # the fake hyperlink shown as text
    json.loads(run_cli("findings", "某某镇", "--format", "json", *db).stdout)

    html_file = tmp_path / "notice.html"
    sent = run_cli("notice", "某某镇", "--send", "--out", str(html_file), *db, env=smtp_server.env())
    assert sent.code == 0, sent.stderr
    _assert_inert(sent.stdout, "notice")
    html = html_file.read_text(encoding="utf-8")
    assert "\\x1b[31m" in html
    _assert_inert(html, "notice HTML")
    [msg] = smtp_server.handler.messages()
    for part in (msg["Subject"], msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()):
        _assert_inert(part, "mail")
    assert "某某镇人民政府\\x1b[31m" in msg["Subject"]
    assert "<U+202E>" in msg.get_body(("plain",)).get_content()
    listing = run_cli("notices", *db)
    _assert_inert(listing.stdout, "notices")
