"""Which checks run: one dict of dotted paths, built-ins listed exactly like user checks.

A user's config (``PORTALWATCH_CHECKS`` in a settings mapping, or the ``checks:`` key of
the config file) is merged over ``BUILTIN_CHECKS``: a new id adds a check, a dotted path
replaces one, ``None`` switches one off.
"""

from __future__ import annotations

import importlib
import logging
import traceback
from dataclasses import dataclass, field
from typing import Mapping

from portalwatch.checks.base import Check, Context, Finding, Note, Undecided
from portalwatch.crawler.snapshot import Snapshot

log = logging.getLogger(__name__)

BUILTIN_CHECKS: dict[str, str | None] = {
    "site_unreachable": "portalwatch.checks.site_unreachable.SiteUnreachable",
    "dead_link": "portalwatch.checks.dead_link.DeadLink",
    "missing_column": "portalwatch.checks.missing_column.MissingColumn",
    "empty_column": "portalwatch.checks.empty_column.EmptyColumn",
    "stale_column": "portalwatch.checks.stale_column.StaleColumn",
    "stale_homepage": "portalwatch.checks.stale_homepage.StaleHomepage",
    "missing_interpretation": "portalwatch.checks.missing_interpretation.MissingInterpretation",
    "service_guide_incomplete": "portalwatch.checks.service_guide_incomplete.ServiceGuideIncomplete",
    "site_identity": "portalwatch.checks.site_identity.SiteIdentity",
    "missing_annual_report": "portalwatch.checks.missing_annual_report.MissingAnnualReport",
}


def load_object(path: str) -> type:
    module_name, _, attr = path.rpartition(".")
    module = importlib.import_module(module_name)
    return getattr(module, attr)


def enabled_checks(overrides: Mapping[str, str | None] | None = None) -> dict[str, type[Check]]:
    """Resolve the registry (built-ins merged with ``overrides``) into check classes.

    A built-in whose module does not exist yet is skipped quietly; a user path that
    cannot be imported raises, because a misspelt config line must not pass silently.
    """
    merged: dict[str, str | None] = dict(BUILTIN_CHECKS)
    merged.update(overrides or {})
    classes: dict[str, type[Check]] = {}
    for check_id, path in merged.items():
        if not path:
            continue
        try:
            cls = load_object(path)
        except ModuleNotFoundError:
            if check_id in BUILTIN_CHECKS and BUILTIN_CHECKS[check_id] == path:
                continue
            raise
        classes[check_id] = cls
    return classes


@dataclass
class CheckResults:
    findings: list[Finding] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    undecided: list[Undecided] = field(default_factory=list)  # what could not be looked at
    errors: dict[str, str] = field(default_factory=dict)  # check id -> traceback


def run_checks(site: Snapshot, ctx: Context,
               overrides: Mapping[str, str | None] | None = None) -> CheckResults:
    """Run every enabled check; a crashing check is reported and the others still run."""
    results = CheckResults()
    for check_id, cls in enabled_checks(overrides).items():
        check = cls()
        try:
            found = list(check.run(site, ctx))
        except Exception:  # a user's check must not take the audit down
            log.exception("check %s crashed", check_id)
            results.errors[check_id] = traceback.format_exc(limit=5)
            continue
        results.findings.extend(found)
        results.notes.extend(check.notes)
        results.undecided.extend(getattr(check, "undecided", []))
    return results
