"""No full ID, card or mobile number anywhere: a local portal publishes a relief list with them,
and the audit JSON, the text summary, the findings list, the notice and every row of every
table of the SQLite file are searched for the full numbers (the masked forms must be there).

The portal (served on 127.0.0.1) puts the numbers everywhere a crawler keeps text: the page
title, a meta description, a list item's title, a broken link's text, a table, and the
sentence of a misspelling (content_error evidence)."""

from __future__ import annotations

import json
import sqlite3

from conftest import FAST, Response, run_cli

_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(body17: str) -> str:
    return body17 + "10X98765432"[sum(int(d) * w for d, w in zip(body17, _W)) % 11]


def card(prefix: str) -> str:
    from portalwatch.crawler.extract.personal import luhn_ok

    body = (prefix + "3141592653589793")[:18]
    return next(body + d for d in "0123456789" if luhn_ok(body + d))


IDS = [id_number("41010119900101123"), id_number("41010219851231004"), id_number("35010219770709556")]
MOBILES = ["13812345678", "13987654321", "15011112222"]
CARDS = [card("6222021"), card("6217001"), card("6228481")]
SECRETS = IDS + MOBILES + CARDS


def page(title: str, body: str, meta: str = "") -> Response:
    nav = ('<div class="nav"><ul><li><a href="/">网站首页</a></li><li><a href="/tzgg/">通知公告</a></li>'
           '<li><a href="/gzdt/">工作动态</a></li></ul></div>')
    return Response(f"<html><head><title>{title}</title><meta name='SiteName' content='隐私镇人民政府'>{meta}</head>"
                    f"<body>{nav}<div class='main'>{body}</div><div class='footer'>主办单位：隐私镇人民政府 "
                    f"联系电话：0371-63912345</div></body></html>")


def portal() -> dict[str, Response]:
    rows = "".join(f"<tr><td>{n + 1}</td><td>{name}</td><td>{IDS[n]}</td><td>{MOBILES[n]}</td><td>{CARDS[n]}</td>"
                   f"<td>600</td></tr>" for n, name in enumerate(["张三", "李四", "王五"]))
    table = ("<table><tr><th>序号</th><th>姓名</th><th>身份证号码</th><th>联系电话</th><th>银行卡号</th>"
             f"<th>金额（元）</th></tr>{rows}</table>")
    return {
        "/": page("隐私镇人民政府", '<ul class="list"><li><a href="/tzgg/1.html">临时救助对象公示</a>'
                                "<span>2026-11-18</span></li><li><a href='/gzdt/1.html'>隐私镇召开学习会</a>"
                                "<span>2026-11-17</span></li></ul>"),
        "/tzgg/": page("通知公告_隐私镇人民政府",
                       '<ul class="list">'
                       f'<li><a href="/tzgg/1.html">临时救助对象公示</a><span>2026-11-18</span></li>'
                       f'<li><a href="/tzgg/2.html">关于张三（{MOBILES[0]}）申请救助的公示</a><span>2026-11-16</span></li>'
                       "</ul>", "<meta name='ColumnName' content='通知公告'>"),
        "/tzgg/1.html": page(f"临时救助对象公示 {IDS[0]}",
                             f"<h1>临时救助对象公示</h1><p>发布时间：2026-11-18</p>{table}"
                             f"<p>附件：<a href='/tzgg/missing.xls'>张三 {IDS[0]} {MOBILES[0]} 材料</a></p>",
                             f"<meta name='Description' content='公示 {IDS[1]} {MOBILES[1]}'>"),
        "/tzgg/2.html": page("关于张三申请救助的公示", f"<p>发布时间：2026-11-16</p><p>申请人张三，身份证号码 {IDS[2]}，"
                                                 f"手机 {MOBILES[2]}，银行卡号：{CARDS[2]}。</p>"),
        "/gzdt/": page("工作动态_隐私镇人民政府", '<ul class="list"><li><a href="/gzdt/1.html">隐私镇召开学习会</a>'
                                           "<span>2026-11-17</span></li></ul>", "<meta name='ColumnName' content='工作动态'>"),
        "/gzdt/1.html": page("隐私镇召开学习会", f"<p>发布时间：2026-11-17</p><p>会议要求一如继往做好救助工作，"
                                            f"联系人李四 {MOBILES[1]}，身份证 {IDS[1]}。</p>"),
    }


def database_text(path) -> str:
    """Every row of every table, as text."""
    out = []
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("select name from sqlite_master where type = 'table'")]
        assert {"audit_runs", "pages", "page_links", "run_findings"} <= set(tables)
        for table in tables:
            for row in db.execute(f'select * from "{table}"'):
                out.append(" ".join("" if v is None else v.decode("latin-1") if isinstance(v, bytes) else str(v)
                                    for v in row))
    return "\n".join(out)


def test_no_full_number_anywhere_in_outputs_or_database(serve, db_path, tmp_path):
    site = serve(routes=portal())
    db = ["--db", str(db_path)]
    env = {"PORTALWATCH_AUDIT_ARGS": " ".join(FAST)}
    assert run_cli("sites", "add", "隐私镇", site.url, "--unit", "隐私镇人民政府", *db).code == 0
    ran = run_cli("run", "--site", "隐私镇", "--as-of", "2026-11-20", *db, env=env)
    assert ran.code == 0, ran.stderr
    audit_json = run_cli("audit", site.url, "--format", "json", "--as-of", "2026-11-20", *db, *FAST)
    assert audit_json.code == 0, audit_json.stderr
    summary = run_cli("audit", site.url, "--as-of", "2026-11-20", *db, *FAST)
    assert summary.code == 0, summary.stderr
    findings = run_cli("findings", "隐私镇", "--format", "json", *db)
    status = run_cli("status", "--format", "json", *db)
    out = tmp_path / "notice.html"
    notice = run_cli("notice", "隐私镇", "--out", str(out), "--date", "2026-11-23", *db)
    assert notice.code == 0, notice.stderr

    doc = audit_json.doc
    privacy = {f["url"].rsplit("/", 2)[-2] + "/" + f["url"].rsplit("/", 1)[-1]: f
               for f in doc["findings"] if f["check"] == "privacy_exposure"}
    assert set(privacy) == {"tzgg/1.html", "tzgg/2.html", "gzdt/1.html"}, json.dumps(doc["findings"],
                                                                                      ensure_ascii=False)
    # the table's three rows and the attachment's link text
    assert privacy["tzgg/1.html"]["evidence"]["counts"] == {"身份证号码": 4, "手机号码": 4, "银行卡号": 3}
    assert privacy["tzgg/2.html"]["evidence"]["counts"] == {"身份证号码": 1, "银行卡号": 1}  # a lone mobile is no list
    assert privacy["gzdt/1.html"]["evidence"]["counts"] == {"身份证号码": 1}  # 联系人: a contact, not a list
    (error,) = [f for f in doc["findings"] if f["check"] == "content_error"]
    assert error["evidence"]["wrong"] == "一如继往" and "138" not in error["evidence"]["sentence"]
    assert "139****4321" in error["evidence"]["sentence"]  # the sentence keeps its numbers masked
    # the sentence is cut inside an ID number: what remains of it is masked whole, not its visible half
    assert error["evidence"]["sentence"].endswith("身份证 41*********…")
    dead = [f for f in doc["findings"] if f["check"] == "dead_link"]
    assert dead and all("missing.xls" in f["target"] for f in dead)

    texts = {"audit JSON": audit_json.stdout, "summary": summary.stdout + summary.stderr,
             "run": ran.stdout + ran.stderr, "findings": findings.stdout, "status": status.stdout,
             "notice": out.read_text(encoding="utf-8") + notice.stdout, "database": database_text(db_path)}
    for where, text in texts.items():
        for secret in SECRETS:
            assert secret not in text, f"{secret} in {where}"
    masked = ["41*************" + IDS[0][-3:], "138****5678", CARDS[0][:4] + "*" * 11 + CARDS[0][-4:]]
    for where in ("audit JSON", "database"):
        for form in masked:
            assert form in texts[where], f"{form} not in {where}"
    assert privacy["tzgg/1.html"]["message"] in texts["notice"]


def test_the_traps_raise_nothing_on_a_local_portal(serve, audit):
    """Credit codes, order numbers, office lines, masked lists, a cadre directory, statistics,
    an official's work contact and correctly written official terms: no privacy or wording finding."""
    traps = (
        f"<p>统一社会信用代码：{id_number('12010119900101123')}；纳税人识别号 91410100MA44ABCD1X</p>"
        f"<p>订单号：{id_number('41010119900101123')}，交易流水号 2026112012345678901</p>"
        "<p>咨询电话：0371-63912345，服务热线 400-123-4567，值班手机 13812345678</p>"
        "<table><tr><th>姓名</th><th>身份证号码</th><th>手机号码</th></tr>"
        "<tr><td>张三</td><td>410101********1234</td><td>138****5678</td></tr>"
        "<tr><td>李四</td><td>4101**********5678</td><td>139****4321</td></tr></table>"
        "<table><tr><th>姓名</th><th>职务</th><th>联系电话</th></tr><tr><td>王五</td><td>镇长</td><td>13712345678</td></tr>"
        "<tr><td>赵六</td><td>副镇长</td><td>13612345678</td></tr></table>"
        "<table><tr><th>指标</th><th>数值</th></tr><tr><td>地区生产总值（元）</td><td>6222021234567890128</td></tr></table>"
        "<p>省民政厅 社会救助处 孙七 0371-65912345、15012345678；省财政厅 社保处 周八 15112345678</p>"
        "<p>中华人民共和国成立以来，坚持不忘初心、牢记使命，深入学习贯彻习近平新时代中国特色社会主义思想，"
        "扎实开展两学一做学习教育，一如既往推进粤港澳大湾区和京津冀协同发展。</p>"
    )
    routes = {
        "/": page("陷阱镇人民政府", "<ul class='list'><li><a href='/tzgg/1.html'>关于公布有关信息的公告</a>"
                               "<span>2026-11-18</span></li></ul>"),
        "/tzgg/": page("通知公告", "<ul class='list'><li><a href='/tzgg/1.html'>关于公布有关信息的公告</a>"
                               "<span>2026-11-18</span></li></ul>", "<meta name='ColumnName' content='通知公告'>"),
        "/gzdt/": page("工作动态", "<ul class='list'><li><a href='/tzgg/1.html'>关于公布有关信息的公告</a>"
                               "<span>2026-11-18</span></li></ul>", "<meta name='ColumnName' content='工作动态'>"),
        "/tzgg/1.html": page("关于公布有关信息的公告", f"<p>发布时间：2026-11-18</p>{traps}"),
    }
    site = serve(routes=routes)
    result = audit(site.url)
    assert result.code == 0, result.stderr
    fired = [f for f in result.doc["findings"] if f["check"] in ("privacy_exposure", "content_error")]
    assert fired == [], json.dumps(fired, ensure_ascii=False)
    assert result.doc["pages"] >= 4


def test_the_office_lexicon_from_the_config_file_reaches_the_crawl(serve, tmp_path):
    (tmp_path / "词表.txt").write_text("示范乡人民政府=示范镇人民政府\n某不当用语\n", encoding="utf-8")
    config = tmp_path / "portalwatch.yaml"
    config.write_text("content_error:\n  files: [词表.txt]\n", encoding="utf-8")
    routes = {"/": page("示范镇人民政府", "<p>示范乡人民政府召开会议，会上出现某不当用语。</p>"
                                   "<ul class='list'><li><a href='/gzdt/'>工作动态</a><span>2026-11-18</span></li></ul>")}
    site = serve(routes=routes)
    env = {"PORTALWATCH_CONFIG": str(config)}
    result = run_cli("audit", site.url, "--format", "json", "--db", str(tmp_path / "a.db"), "--as-of", "2026-11-20",
                     *FAST, env=env)
    assert result.code == 0, result.stderr
    found = {f["evidence"]["wrong"]: f for f in result.doc["findings"] if f["check"] == "content_error"}
    assert set(found) == {"示范乡人民政府", "某不当用语"}
    assert found["示范乡人民政府"]["evidence"]["correction"] == "示范镇人民政府"
    assert found["某不当用语"]["evidence"]["correction"] == "删除或改正"
    assert found["某不当用语"]["evidence"]["sentence"] == "示范乡人民政府召开会议，会上出现某不当用语。"

    config.write_text("content_error:\n  files: [没有这个词表.txt]\n", encoding="utf-8")
    broken = run_cli("audit", site.url, "--db", str(tmp_path / "b.db"), *FAST, env=env)
    assert broken.code == 2 and "content_error" in broken.stderr and "没有这个词表.txt" in broken.stderr
    assert not (tmp_path / "b.db").exists()
