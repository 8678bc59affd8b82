"""The life of a tracked finding across runs, as one pure function.

    (none) --seen--> new --seen--> open --not seen by a run that looked--> resolved
                                    ^                                         |
                                    +------------- reopened <----seen---------+
    any status --ignored by a person--> ignored (stays ignored when seen again; a person
    un-ignores it, no run does)

``seen``: the finding was reported again. ``gone``: a complete run looked where the finding
was (its page or link was read, its column could be judged) and did not report it. A run
that could not look says nothing, so there is no event for it. Both the audit history and
the availability probes move rows with this one function.
"""

from __future__ import annotations

from typing import Literal

Status = Literal["new", "open", "resolved", "reopened", "ignored"]
Event = Literal["seen", "gone", "ignored"]

ACTIVE_STATUSES: tuple[str, ...] = ("new", "open", "reopened")
TRACKED_STATUSES: tuple[str, ...] = ("new", "open", "resolved", "reopened", "ignored")


def next_status(current: str | None, event: Event) -> str | None:
    """The status after ``event``; ``None`` means the finding is not tracked (and stays so)."""
    if event == "ignored":
        return "ignored"
    if current is None:
        return "new" if event == "seen" else None
    if current == "ignored":
        return "ignored"
    if event == "seen":
        return "reopened" if current == "resolved" else "open"
    # gone
    return "resolved" if current in ACTIVE_STATUSES else current
