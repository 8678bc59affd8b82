"""content_error: page text contains a wrong form from the lexicon (严重表述错误 / 错别字)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

from portalwatch.checks.base import Check, Context, Finding
from portalwatch.crawler.snapshot import Snapshot, TextHit

NO_CORRECTION = "删除或改正"

# Unambiguous misspellings of official terms: no correct Chinese text contains the wrong form
# as a substring (each is tested against the real pages and the demo portal: zero hits).
BUILTIN: dict[str, str] = {
    "中华人民共合国": "中华人民共和国",
    "中华人名共和国": "中华人民共和国",
    "中国特色社会主意": "中国特色社会主义",
    "不忘出心": "不忘初心",
    "牢记史命": "牢记使命",
    "两学一作": "两学一做",
    "马克斯列宁主义": "马克思列宁主义",
    "毛泽东思相": "毛泽东思想",
    "习近平总书纪": "习近平总书记",
    "全面从严冶党": "全面从严治党",
    "党风廉正建设": "党风廉政建设",
    "全国人大长委会": "全国人大常委会",
    "国务院办工厅": "国务院办公厅",
    "粤港奥大湾区": "粤港澳大湾区",
    "粤港澳大弯区": "粤港澳大湾区",
    "京津翼": "京津冀",
    "脱贫攻艰": "脱贫攻坚",
    "贯沏落实": "贯彻落实",
    "安排布署": "安排部署",
    "全心全义为人民服务": "全心全意为人民服务",
    "一如继往": "一如既往",
    "再接再励": "再接再厉",
    "按步就班": "按部就班",
    "迫不急待": "迫不及待",
    "相辅相承": "相辅相成",
    "鞠躬尽悴": "鞠躬尽瘁",
    "淋漓尽至": "淋漓尽致",
    "默守成规": "墨守成规",
}
MIN_TERM = 2  # a one-character term would match everywhere


class LexiconError(ValueError):
    """The office's lexicon cannot be read: one Chinese line naming the file or entry."""


@dataclass(frozen=True)
class Lexicon:
    corrections: Mapping[str, str]  # wrong form -> correct form ("" when it must only go)

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(self.corrections)


def _config_file(ctx: Context) -> tuple[dict[str, Any], Path | None]:
    path = ctx.settings.get("PORTALWATCH_CONFIG") or os.environ.get("PORTALWATCH_CONFIG")
    if not path or not Path(path).is_file():
        return {}, None
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise LexiconError(f"无法读取配置文件 {path}：{exc}") from None
    return (data if isinstance(data, dict) else {}), Path(path).parent


def parse_lexicon_line(line: str) -> tuple[str, str] | None:
    """``错误形式=正确形式`` (or ``→``, ``->``, a tab); a line with only a word: no correction;
    blank lines and ``#`` comments: None."""
    line = line.strip()
    if not line or line.startswith("#"):
        return None
    for sep in ("=", "→", "->", "\t"):
        if sep in line:
            wrong, right = line.split(sep, 1)
            return wrong.strip(), right.strip()
    return line, ""


def _add(out: dict[str, str], wrong: Any, right: Any, where: str) -> None:
    wrong = str(wrong or "").strip()
    right = "" if right is None else str(right).strip()
    if len(wrong) < MIN_TERM:
        raise LexiconError(f"{where}：词条“{wrong}”太短（至少 {MIN_TERM} 个字）")
    if right and wrong in right:
        raise LexiconError(f"{where}：词条“{wrong}”是其正确形式“{right}”的一部分，正确的文字也会被报告")
    out[wrong] = right


def load_lexicon(ctx: Context) -> Lexicon:
    """Built-in entries, then the config file's ``content_error`` key, then the audit setting
    ``PORTALWATCH_CONTENT_ERROR`` (same shape: ``{builtin: true, terms: {错: 对}, files: [词表.txt]}``)."""
    out: dict[str, str] = {}
    config, base = _config_file(ctx)
    sections = [(config.get("content_error"), base, "配置文件 content_error"),
                (ctx.settings.get("PORTALWATCH_CONTENT_ERROR"), Path.cwd(), "PORTALWATCH_CONTENT_ERROR")]
    builtin = True
    for section, _, _ in sections:
        if isinstance(section, dict) and section.get("builtin") is False:
            builtin = False
    if builtin:
        out.update(BUILTIN)
    for section, root, where in sections:
        if section is None:
            continue
        if not isinstance(section, dict):
            raise LexiconError(f"{where} 应为对象（terms、files、builtin）")
        terms = section.get("terms") or {}
        if isinstance(terms, list):  # a plain list of words to delete or correct
            terms = {t: None for t in terms}
        if not isinstance(terms, dict):
            raise LexiconError(f"{where}.terms 应为“错误形式: 正确形式”的对象")
        for wrong, right in terms.items():
            _add(out, wrong, right, f"{where}.terms")
        files = section.get("files") or []
        for name in [files] if isinstance(files, str) else files:
            path = Path(str(name))
            if not path.is_absolute() and root is not None:
                path = root / path
            try:
                lines = path.read_text(encoding="utf-8-sig").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                raise LexiconError(f"无法读取词表文件 {path}：{exc}") from None
            for n, line in enumerate(lines, 1):
                entry = parse_lexicon_line(line)
                if entry is not None:
                    _add(out, entry[0], entry[1], f"词表文件 {path} 第 {n} 行")
    return Lexicon(out)


def _shown_on_its_article(site: Snapshot, page: Any, hit: TextHit) -> bool:
    """The sentence is a list entry's title, and the article it links to was crawled and holds
    the term too: the error is reported once, on the article, not on every list showing its title."""
    core = hit.snippet.strip("…")
    entries = [i for i in (*page.list_items, *page.other_items)
               if hit.term in i.title and i.url and (i.title in core or core in i.title)]
    for item in entries:
        target = site.page_at(item.url)
        if target is None or target is page or not any(h.term == hit.term for h in target.text_hits):
            return False
    return bool(entries)


class ContentError(Check):
    """检查内容：在页面标题和正文中查找词表里的错误写法，并给出正确写法。词表由两部分组成：
    内置的少量常见错误（如“中华人民共合国”应为“中华人民共和国”、“不忘出心”应为“不忘初心”、
    “两学一作”应为“两学一做”），这些错误写法不会出现在任何正确的文字里；以及本单位在配置文件中
    维护的错误提法、敏感词表（键 content_error：terms 为“错误形式: 正确形式”，files 为词表文件，
    每行“错误形式=正确形式”，只写一个词表示应删除或改正；builtin: false 关闭内置词表）。
    每个页面的每个错误写法报告一次，证据为含错误写法的句子（截取前后部分）和正确写法。

    为什么重要：严重表述错误（如领导人姓名、重要提法写错）属于检查指标中的“严重错误”单项否决情形，
    错别字也常被通报。

    不报告的情况：只出现在网址、脚本或页面模板（页头、页脚、导航）里的文字；词表以外的写法
    （本检查不猜测错别字）。句子中的身份证号码、手机号码等一律打码。

    示例：新闻稿中写有“深入学习贯彻习近平新时代中国特色社会主意思想”，应为“社会主义”。
    """

    id = "content_error"
    severity = "major"
    title = "严重表述错误"
    guidance = "逐一改正页面中的错误表述和错别字（或删除不当用语），并对同类稿件进行排查，落实发布前的审校制度。"
    undecided_label = "页面表述是否有误"
    message = "页面“{title}”中“{wrong}”{fix}。"
    score_defaults = {"content_error": 1.0, "cap_content_error": 10.0}

    @classmethod
    def text_terms(cls, ctx: Context) -> tuple[str, ...]:
        return load_lexicon(ctx).terms

    def run(self, site: Snapshot, ctx: Context) -> Iterator[Finding]:
        lexicon = load_lexicon(ctx).corrections
        for page in site.pages.values():
            if not page.text_hits or page.soft404:
                continue
            title = page.meta.get("ArticleTitle") or page.title or page.final_url
            done: set[str] = set()
            for hit in page.text_hits:
                if hit.term not in lexicon or hit.term in done or _shown_on_its_article(site, page, hit):
                    continue
                done.add(hit.term)
                right = lexicon[hit.term]
                fix = f"应为“{right}”" if right else f"属于错误或不当表述，请{NO_CORRECTION}"
                sentences = [h.snippet for h in page.text_hits if h.term == hit.term][:3]
                yield self.finding(url=page.final_url or page.url, title=title, wrong=hit.term, fix=fix,
                                   evidence={"wrong": hit.term, "correction": right or NO_CORRECTION,
                                             "sentence": sentences[0], "sentences": sentences,
                                             "page_title": title})

    @classmethod
    def key(cls, finding: Mapping[str, Any]) -> tuple[str, ...]:
        ev = finding.get("evidence") or {}
        return (str(finding["check"]), str(finding.get("url") or ""), str(ev.get("wrong") or ""))

    @classmethod
    def evidence_lines(cls, finding: Mapping[str, Any]) -> list[tuple[str, str]]:
        ev = finding.get("evidence") or {}
        out = [("页面", str(finding.get("url") or ""))]
        if ev.get("page_title"):
            out.append(("标题", str(ev["page_title"])))
        out.append(("错误写法", str(ev.get("wrong") or "")))
        out.append(("正确写法", str(ev.get("correction") or NO_CORRECTION)))
        for sentence in ev.get("sentences") or [ev.get("sentence") or ""]:
            out.append(("原文", str(sentence)))
        return out
