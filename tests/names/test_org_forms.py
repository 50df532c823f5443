"""A legal form written before the name (names/org_forms.py ``form_first``): the order of
Russian and other names, not of a Chinese company's English name; the accentless reading's
quick test against its alignment. Names are entries of the
restricted-party snapshot (``sources/watchlists/restricted_party_lists_snapshot_2026-07-16.json``)
and of the bundled lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from anyascii import anyascii
from rigour.names import remove_org_types

from sourcetrace.names import org_forms
from sourcetrace.names.org_forms import accentless_org_types, form_first

# Real listed names (the US restricted-party snapshot the bulk benchmark screens against).
BULK_DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "bulk" / "data"
SNAPSHOT = BULK_DATA / "restricted_party_lists_snapshot_2026-07-16.json"


@pytest.mark.parametrize(
    "name",
    ["JSC Integral", "LIMITED LIABILITY COMPANY VECTOR", "JOINT STOCK COMPANY COMPEL", "AO SPARK"],
)
def test_a_form_before_the_name_is_read_as_first(name: str) -> None:
    assert form_first(name)


@pytest.mark.parametrize(
    "name",
    [
        "Camel Group Co., Ltd.",
        "APPARATUS DEVELOPMENT JOINT STOCK COMPANY",
        "Xinjiang Zhongtai Chemical Co. Ltd.",
        # No legal form at all.
        "COSMOS",
    ],
)
def test_a_form_at_the_end_or_none_is_not_first(name: str) -> None:
    assert not form_first(name)


def test_the_quick_test_of_the_accentless_reading_cuts_as_the_alignment_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The accentless reading of legal forms asks first whether its alignment can cut anything
    (``_may_cut``); on every name and alias of the restricted-party snapshot the bulk benchmark
    screens against, as written and in ASCII capitals (as bills of lading write "SOCIETE
    ANONYME"), it reads the same as the alignment alone."""
    entries = json.loads(SNAPSHOT.read_text(encoding="utf-8"))["entries"]
    lines = {e["n"] for e in entries} | {a for e in entries for a in e.get("a", [])}
    lines |= {anyascii(line).upper() for line in lines}
    inputs = []
    for line in sorted(lines):
        low = line.lower()
        inputs.append((low, remove_org_types(low, replacement=" ")))
    quick = [accentless_org_types(low, out) for low, out in inputs]
    monkeypatch.setattr(org_forms, "_may_cut", lambda words, kept: True)
    aligned = [accentless_org_types(low, out) for low, out in inputs]
    assert quick == aligned
    assert sum(x is not None for x in quick) >= 5  # the lists write forms so: a real check
