"""The finding lifecycle, one pure function: every transition a user sees in the history."""

import pytest

from portalwatch.reports.lifecycle import next_status


@pytest.mark.parametrize("current,event,expected", [
    (None, "seen", "new"),          # first sighting
    (None, "gone", None),           # never seen, nothing to resolve
    ("new", "seen", "open"),        # still there the next night
    ("open", "seen", "open"),
    ("new", "gone", "resolved"),    # fixed
    ("open", "gone", "resolved"),
    ("reopened", "gone", "resolved"),
    ("resolved", "seen", "reopened"),  # back again
    ("resolved", "gone", "resolved"),
    ("reopened", "seen", "open"),
    ("open", "ignored", "ignored"),  # a person's decision
    ("ignored", "seen", "ignored"),  # stays ignored while it persists
    ("ignored", "gone", "ignored"),  # and is not counted as fixed by a run
])
def test_transitions(current, event, expected):
    assert next_status(current, event) == expected
