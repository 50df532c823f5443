"""The filters pages, reports and evidence packs print dates, counts and stored values through."""

from __future__ import annotations

from sourcetrace.web.formats import joined, number, readable, snapshot_age, web_url, when


def test_when_reads_for_people_in_utc() -> None:
    assert when("2026-12-06T23:05:12.123456Z") == "6 Dec 2026, 23:05 UTC"
    assert when("2026-12-07T00:05:12+01:00") == "6 Dec 2026, 23:05 UTC"
    assert when("2022-06-21") == "21 Jun 2022"
    assert when(None) == "" and when("") == ""
    assert when("not a date") == "not a date"


def test_number_has_thousands_separators() -> None:
    assert number(1234567) == "1,234,567"
    assert number(0) == "0"
    assert number("2500") == "2,500"
    assert number(None) == ""


def test_readable_turns_stored_details_into_text() -> None:
    details = {"counts": {"match": 2, "review": 1, "clear": 1234}}
    assert readable(details["counts"]) == "match 2, review 1, clear 1,234"
    lists = [
        {"name": "uflpa", "version": "2026-08-10"},
        {"name": "cbp_wro", "version": "2026-06-23"},
    ]
    assert readable(lists) == "uflpa 2026-08-10; cbp_wro 2026-06-23"
    assert readable(None) == "—" and readable("") == "—"
    assert readable("2026-12-06T23:05:12.123456Z") == "6 Dec 2026, 23:05 UTC"
    assert readable({"file_hash": "sha256:ab"}) == "file hash sha256:ab"


def test_joined_leaves_out_missing_parts() -> None:
    assert joined("CBP WRO", "", "listed 30 Nov 2020") == "CBP WRO, listed 30 Nov 2020"
    assert (
        joined("UFLPA Entity List", "2(d)(2)(B)(ii)", sep=" ") == "UFLPA Entity List 2(d)(2)(B)(ii)"
    )


def test_only_web_urls_become_links() -> None:
    assert (
        web_url("https://www.dhs.gov/uflpa-entity-list") == "https://www.dhs.gov/uflpa-entity-list"
    )
    assert web_url("HTTP://example.org/") == "HTTP://example.org/"
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "//evil", ""):
        assert web_url(bad) == "", bad


def test_snapshot_age_at_the_time_of_screening() -> None:
    assert snapshot_age("2026-08-10", "2026-12-06T23:05:12.123456Z") == "118 days"
    assert snapshot_age("v2 2026-12-05", "2026-12-06T00:00:00Z") == "1 day"
    assert snapshot_age("a1b2c3d4e5f6", "2026-12-06T23:05:12Z") == ""
