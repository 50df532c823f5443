"""The gate before a query's initials (Matcher._initials_may_meet) lets through every name whose
initials are a listed short name: it only spares the names that cannot meet one the cost of
building their initials, and the matches found are the same with it and without it."""

from __future__ import annotations

import json
from pathlib import Path

from sourcetrace.matching import Matcher, features
from sourcetrace.names.parse import parse_name

ROOT = Path(__file__).resolve().parents[2]
# Real listed names (the US restricted-party snapshot the bulk benchmark screens against).
SNAPSHOT = ROOT / "benchmarks" / "bulk" / "data" / "restricted_party_lists_snapshot_2026-07-16.json"


def _queries(matcher: Matcher) -> list[str]:
    listed = [n.value for n in matcher.index.names]
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))["entries"]
    others = [e["n"] for e in snapshot] + [a for e in snapshot for a in e.get("a", [])]
    # As bills of lading and supplier lists write them: upper case, the address on the line,
    # words spelled out that the lists abbreviate.
    out = listed + others
    out += [f"{v.upper()} NO 16 JIEFANG RD KASHGAR 844000 CN" for v in listed]
    out += ["Xinjiang Production and Construction Corps", "XINJIANG PROD & CONSTR CORPS",
            "The Xinjiang Production and Construction Corps Group", "Te Bian Electric Apparatus",
            "Beijing Net Posa Technologies", "Gan Su Wei Ekang Tong Co"]  # fmt: skip
    return out


def test_gate_passes_every_name_whose_initials_meet_a_listed_short_name(matcher: Matcher) -> None:
    by_short = matcher._acronym_tables()[1]
    met = passed = 0
    for name in _queries(matcher):
        parsed = parse_name(name)
        if len(parsed.plain.split()) < 3:
            continue
        meets = any(k in by_short for k in features.initials(parsed.raw, parsed.plain))
        gate = matcher._initials_may_meet(parsed)
        assert gate or not meets, name
        met += meets
        passed += gate
    assert met >= 3  # the names spelled out above meet XPCC, TBEA ...
    assert passed < 0.5 * len(_queries(matcher))  # and most names are spared the work


class _Ungated(Matcher):
    """The matcher with the gate open: every query's initials are built and looked up."""

    def _initials_may_meet(self, parsed: object) -> bool:
        return True


def test_same_hits_with_and_without_the_gate(matcher: Matcher) -> None:
    ungated = _Ungated(matcher.entities, matcher.settings, matcher.index)
    names = _queries(matcher)[::25] + _queries(matcher)[-6:]
    got = matcher.match_many(names)
    want = ungated.match_many(names)
    assert [[(h.entity.id, h.decision, h.score, h.reasons) for h in hits] for hits in got] == [
        [(h.entity.id, h.decision, h.score, h.reasons) for h in hits] for hits in want
    ]
    assert any(any("initials" in r for h in hits for r in h.reasons) for hits in got)
