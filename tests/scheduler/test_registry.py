"""The site registry: add/list/remove, and importing a 500-row registry with bad rows."""

from __future__ import annotations

import csv
import json

import yaml

from monitor_helpers import pw, query

BAD = {  # line number in the CSV file -> (row, a word of the expected reason)
    17: (["", "http://a17.gov.cn/", "township", "", ""], "名称"),
    58: (["坏网址58", "ftp://x.gov.cn/", "township", "", ""], "http"),
    101: (["坏配置101", "http://b101.gov.cn/", "no-such-profile", "", ""], "配置"),
    250: (["坏邮箱250", "http://c250.gov.cn/", "county", "", "not-an-email"], "邮箱"),
    333: (["邮箱过多333", "http://d333.gov.cn/", "department", "", "a@x.cn;b@x.cn;c@x.cn;d@x.cn"], "最多"),
    420: (["重复的镇", "http://dup.gov.cn/", "township", "", ""], "重复"),
    499: (["空主机499", "http://", "township", "", ""], "主机"),
}


def write_registry(path, rows: int = 500) -> int:
    """A CSV registry of ``rows`` data rows; returns how many are good."""
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:  # Excel's UTF-8 with BOM
        writer = csv.writer(fh)
        writer.writerow(["name", "url", "profile", "unit", "emails"])
        for line in range(2, rows + 2):
            if line in BAD:
                writer.writerow(BAD[line][0])
            elif line == 300:
                writer.writerow(["重复的镇", "http://dup.gov.cn/", "township", "某县", ""])
            else:
                profile = ("township", "department", "county")[line % 3]
                writer.writerow([f"第{line}号网站", f"www.site{line}.gov.cn", profile, f"单位{line}",
                                 f"ban{line}@site.gov.cn; zhang{line}@site.gov.cn"])
    return rows - sum(1 for line in BAD if line < rows + 2)


def test_import_500_rows_reports_bad_lines_and_reimport_updates(tmp_path, db_path):
    path = tmp_path / "sites.csv"
    good = write_registry(path)
    result = pw(db_path, "sites", "import", str(path))
    assert result.code == 1  # some rows were rejected; the good ones are in
    assert f"新增 {good} 个" in result.stdout and f"出错 {len(BAD)} 行" in result.stdout
    reported = {int(line.split()[1]): line for line in result.stderr.splitlines() if line.startswith("第 ")}
    assert set(reported) == set(BAD)
    for line, (_, word) in BAD.items():
        assert word in reported[line], reported[line]
    assert query(db_path, "select count(*) from sites") == [(good,)]
    site = json.loads(pw(db_path, "sites", "list", "--format", "json").stdout)
    by_name = {s["name"]: s for s in site}
    assert by_name["第2号网站"]["url"] == "http://www.site2.gov.cn/"
    assert by_name["第2号网站"]["emails"] == ["ban2@site.gov.cn", "zhang2@site.gov.cn"]
    assert by_name["重复的镇"]["unit"] == "某县"  # line 300 comes first; line 420 is the duplicate


def test_reimport_updates_never_duplicates(tmp_path, db_path):
    path = tmp_path / "sites.csv"
    good = write_registry(path, rows=60)
    assert pw(db_path, "sites", "import", str(path)).code == 1
    again = pw(db_path, "sites", "import", str(path))
    assert f"新增 0 个，更新 0 个，未变化 {good} 个" in again.stdout
    text = path.read_text(encoding="utf-8-sig").replace("单位10,", "新单位10,")
    path.write_text(text, encoding="utf-8")
    third = pw(db_path, "sites", "import", str(path))
    assert "新增 0 个，更新 1 个" in third.stdout
    assert query(db_path, "select count(*) from sites") == [(good,)]
    assert query(db_path, "select unit from sites where name = '第10号网站'") == [("新单位10",)]


def test_yaml_import_with_line_numbers_and_chinese_headers(tmp_path, db_path):
    doc = {"sites": [
        {"name": "东镇", "url": "http://east.gov.cn/", "profile": "township", "unit": "东镇人民政府",
         "emails": ["a@east.gov.cn"], "region": "某县", "contact": "王明", "enabled": True},
        {"name": "西镇", "url": "not a url", "profile": "township"},
        {"name": "北局", "url": "http://north.gov.cn/", "profile": "department", "enabled": "否"},
    ]}
    path = tmp_path / "sites.yaml"
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    west = next(i for i, ln in enumerate(text.splitlines(), 1) if "西镇" in ln)
    result = pw(db_path, "sites", "import", str(path))
    assert result.code == 1 and "新增 2 个" in result.stdout
    (line,) = [ln for ln in result.stderr.splitlines() if ln.startswith("第 ")]
    assert line.startswith(f"第 {west} 行") and "空白" in line
    sites = {s["name"]: s for s in json.loads(pw(db_path, "sites", "list", "--format", "json").stdout)}
    assert sites["东镇"]["contact"] == "王明" and sites["北局"]["enabled"] is False
    chinese = tmp_path / "登记表.csv"
    chinese.write_bytes("名称,网址,栏目配置,单位,邮箱\n南镇,south.gov.cn,township,南镇人民政府,a@s.cn\n".encode("gb18030"))
    assert pw(db_path, "sites", "import", str(chinese)).code == 0
    assert query(db_path, "select unit from sites where name = '南镇'") == [("南镇人民政府",)]


def test_add_update_list_remove(db_path):
    assert pw(db_path, "sites", "add", "县政府", "http://xian.gov.cn", "--profile", "county",
              "--email", "a@xian.gov.cn", "--contact", "李华").code == 0
    again = pw(db_path, "sites", "add", "县政府", "http://xian.gov.cn/", "--unit", "某县人民政府",
               "--max-pages", "800", "--schedule", "30 2 * * *")
    assert again.code == 0 and "已更新" in again.stdout
    (site,) = json.loads(pw(db_path, "sites", "list", "--format", "json").stdout)
    assert site["profile"] == "county" and site["contact"] == "李华" and site["emails"] == ["a@xian.gov.cn"]
    assert site["unit"] == "某县人民政府" and site["settings"] == {"max_pages": 800, "schedule": "30 2 * * *"}
    assert "县政府" in pw(db_path, "sites", "list").stdout
    bad = pw(db_path, "sites", "add", "坏", "http://x.gov.cn/", "--email", "1@x.cn", "--email", "2@x.cn",
             "--email", "3@x.cn", "--email", "4@x.cn")
    assert bad.code == 2 and "最多 3 个" in bad.stderr
    assert pw(db_path, "sites", "add", "坏", "http://x.gov.cn/", "--schedule", "every night").code == 2
    assert pw(db_path, "sites", "remove", "县政府").code == 0
    assert pw(db_path, "sites", "remove", "县政府").code == 2
    assert json.loads(pw(db_path, "sites", "list", "--format", "json").stdout) == []


def test_one_site_cannot_be_registered_under_two_names(tmp_path, db_path):
    assert pw(db_path, "sites", "add", "红旗乡", "http://www.xx.gov.cn/zwgk/hqx/", "--scope", "path").code == 0
    again = pw(db_path, "sites", "add", "红旗乡政府", "xx.gov.cn/zwgk/hqx/index.html")
    assert again.code == 2 and "红旗乡" in again.stderr and "已登记" in again.stderr
    # the county portal itself and a sibling township are other sites
    assert pw(db_path, "sites", "add", "某县", "http://www.xx.gov.cn/").code == 0
    assert pw(db_path, "sites", "add", "东风镇", "http://www.xx.gov.cn/zwgk/dfz/").code == 0
    path = tmp_path / "sites.csv"
    path.write_text("name,url,scope\n新乡名,https://xx.gov.cn/zwgk/hqx,path\n西镇,http://west.gov.cn/,host\n"
                    "西镇二,http://WEST.gov.cn/index.html,\n", encoding="utf-8")
    result = pw(db_path, "sites", "import", str(path))
    assert result.code == 1 and "新增 1 个" in result.stdout
    errors = {int(ln.split()[1]): ln for ln in result.stderr.splitlines() if ln.startswith("第 ")}
    assert set(errors) == {2, 4}
    assert "红旗乡" in errors[2] and "第 3 行" in errors[4]
    sites = {s["name"]: s for s in json.loads(pw(db_path, "sites", "list", "--format", "json").stdout)}
    assert set(sites) == {"红旗乡", "某县", "东风镇", "西镇"}
    assert sites["红旗乡"]["settings"] == {"scope": "path"} and sites["西镇"]["settings"] == {"scope": "host"}
    from portalwatch.scheduler.monitor import RunConfig, audit_command

    command = audit_command(sites["西镇"], RunConfig(db=db_path))
    assert command[command.index("--scope") + 1] == "host"  # the monitor audits it with its scope
