"""Which list snapshots are older than ``stale_list_days``, from their version labels."""

from __future__ import annotations

from datetime import date

from sourcetrace.lists.bundled import bundled_lists
from sourcetrace.lists.freshness import snapshot_date, stale_lists, warning_line
from sourcetrace.screening import ListUsed


def test_snapshot_date_reads_bundled_and_store_labels() -> None:
    assert snapshot_date("2026-08-10") == date(2026, 8, 10)  # a bundled snapshot
    assert snapshot_date("v3 2026-12-01") == date(2026, 12, 1)  # a store version
    assert snapshot_date("a1b2c3d4e5f6") is None  # an extra --list file, by its hash
    assert snapshot_date("2026-02-30") is None


def test_stale_past_the_limit_only() -> None:
    used = [
        ListUsed("uflpa", "2026-08-10", "(bundled)", "sha256:x", 187),
        ListUsed("us_trade_csl", "v2 2026-12-01", "store:x", "sha256:y", 9000),
        ListUsed("extra", "a1b2c3d4e5f6", "extra.ftm.jsonl", "sha256:z", 3),
    ]
    today = date(2026, 12, 6)
    assert stale_lists(used, 118, today) == []  # 118 days old is not older than 118
    stale = stale_lists(used, 117, today)
    assert [(s.name, s.age_days) for s in stale] == [("uflpa", 118)]
    assert [s.name for s in stale_lists(used, 1, today)] == ["uflpa", "us_trade_csl"]
    line = warning_line(stale, 117)
    assert "\n" not in line and "uflpa 2026-08-10 (118 days old)" in line
    assert warning_line([], 90) == ""


def test_every_bundled_snapshot_has_a_date() -> None:
    # Otherwise the bundled lists could never be flagged stale.
    for item in bundled_lists():
        assert snapshot_date(item.version) is not None, item.name
