"""Helpers of the matching tests: a listed company in one line, and what the matcher answers
for a name in the shapes the tests assert on (its first hit, its alerts, the best alert).

Plain functions rather than fixtures: a test passes the matcher it means, the session's one over
the bundled lists (``tests/conftest.py``) or a small one of its own module.
"""

from __future__ import annotations

from sourcetrace.matching import Matcher
from sourcetrace.model import Decision, Hit, ListedEntity


def listed_company(ident: str, *names: str, list_name: str = "test list") -> ListedEntity:
    """A company on one list under these names (the first is its caption)."""
    return ListedEntity.company(ident, *names, list_name=list_name)


def top_hit(matcher: Matcher, name: str, identifier: str = "") -> Hit | None:
    """The matcher's first hit for a name whatever its decision (a ``clear`` one says what
    differs), None when it returns none."""
    hits = matcher.match(name, identifier)
    return hits[0] if hits else None


def alerts_for(matcher: Matcher, name: str) -> list[Hit]:
    """The hits a reviewer is shown for a name: every decision but ``clear``, best first."""
    return [h for h in matcher.match(name) if h.decision is not Decision.CLEAR]


def best_alert(matcher: Matcher, name: str) -> Hit | None:
    """The first alert for a name, None when the name raises none."""
    found = alerts_for(matcher, name)
    return found[0] if found else None


def matched(matcher: Matcher, name: str) -> Hit:
    """The best alert for a name, asserted to be a match (the test fails showing the hit)."""
    hit = best_alert(matcher, name)
    assert hit is not None and hit.decision is Decision.MATCH, hit
    return hit


def verdict(hit: Hit | None) -> tuple[str, Decision]:
    """A hit as (listed entity id, decision); no hit reads ("", clear)."""
    return (hit.entity.id, hit.decision) if hit is not None else ("", Decision.CLEAR)


def reasons_of(hit: Hit | None) -> str:
    """A hit's reasons on one line, as a reviewer reads them ("" for no hit)."""
    return "; ".join(hit.reasons) if hit is not None else ""


def best_verdict(matcher: Matcher, name: str) -> tuple[str, Decision]:
    """The best alert for a name as (listed entity id, decision); ("", clear) when none."""
    return verdict(best_alert(matcher, name))
