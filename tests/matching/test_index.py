"""The name index: which listed names a query meets, and in which order."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from sourcetrace.matching import Matcher
from sourcetrace.matching.index import NameIndex, blocking_keys, query_keys
from sourcetrace.model import EntityName, ListedEntity
from sourcetrace.names.parse import ParsedName, parse_name
from sourcetrace.settings import load_settings

QUERY = "QWRTZPSDFGHJKL CO LTD"  # a 14-letter trade name, no place or industry word in it
KEY = "qwrtzpsdfghjkl"


def one_typo_names() -> list[ListedEntity]:
    """Fourteen entities, each named with one letter of the query's trade name missing (so each
    meets the query through a different key), listed in reverse."""
    cut = [KEY[:i] + KEY[i + 1 :] for i in reversed(range(len(KEY)))]
    return [
        ListedEntity(id=f"e{i}", schema="Company", caption=n.upper(), names=[EntityName(n.upper())])
        for i, n in enumerate(cut)
    ]


def test_candidates_most_keys_shared_first_then_in_index_order() -> None:
    index = NameIndex(one_typo_names())
    found = index.candidates(parse_name(QUERY), 12)
    # Names that keep the query's first six letters share its prefix key too (two keys);
    # the others share one deletion key. Ties keep the index order.
    two = [n for n in range(len(index)) if index.names[n].parsed.trade_key[:6] == KEY[:6]]
    one = [n for n in range(len(index)) if n not in two]
    assert found == (two + one)[:12]


_SCRIPT = """
import json
from tests.matching.test_index import one_typo_names, QUERY
from sourcetrace.matching.index import NameIndex
from sourcetrace.names.parse import parse_name
print(json.dumps(NameIndex(one_typo_names()).candidates(parse_name(QUERY), 12)))
"""


def test_candidates_do_not_depend_on_the_process_string_hashing() -> None:
    """Keys are kept in a set, whose order changes with PYTHONHASHSEED: ties must not follow it."""
    seen = []
    for seed in ("1", "2", "3"):
        done = subprocess.run(
            [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )  # fmt: skip
        seen.append(json.loads(done.stdout))
    assert seen[0] == seen[1] == seen[2]
    assert len(seen[0]) == 12


def test_remembered_trade_names_give_what_a_fresh_matcher_gives(
    bundled_entities: list[ListedEntity],
) -> None:
    """Spellings sharing a trade name reuse its candidates; a name that may be cut at 35
    characters does not share them with the same name uncut."""
    queries = [
        "HUAFU FASHION CO LTD",
        "Huafu Fashion Co., Ltd.",
        "HUAFU COLOR SPINNING CO LTD",
        "Huafu Textile Co Ltd, No 5 Road Aksu",
        "ZHEJIANG HUAFU TRADING COMPANY LIM",  # 35 characters: may be cut
        "ZHEJIANG HUAFU TRADING COMPANY",
        "XINJIANG ZHONGTAI CHEMICAL CO LTD",
        "Zhongtai Chemical Xinjiang",
    ]
    warm = Matcher(bundled_entities, load_settings())
    for q in queries:
        warm.match(q)
    assert warm._near_cache  # the trade names were remembered
    for q in queries:
        fresh = Matcher(bundled_entities, load_settings(), warm.index)
        expected = [(h.entity.id, h.matched_name, h.score, h.decision, h.reasons)
                    for h in fresh.match(q)]  # fmt: skip
        got = [(h.entity.id, h.matched_name, h.score, h.decision, h.reasons) for h in warm.match(q)]
        assert got == expected, q


def test_gc_paused_leaves_what_it_built_in_the_oldest_generation() -> None:
    import gc

    from sourcetrace.matching.index import gc_paused

    with gc_paused():
        assert not gc.isenabled()
        built = [[i] for i in range(100_000)]
    assert gc.isenabled()
    assert gc.get_count()[0] < 1_000  # not left for the young collections to walk
    assert gc.is_tracked(built[0])
    gc.freeze()  # as a caller does before forking workers
    try:
        assert gc.get_freeze_count() > len(built)
        with gc_paused():
            more = [[i] for i in range(1_000)]
        # The caller's freeze is kept (unfreeze would empty it). Not an exact count: a frozen
        # object that dies meanwhile (anything else the process freed) leaves the count.
        assert gc.get_freeze_count() > len(built)
        assert more
    finally:
        gc.unfreeze()


@given(st.lists(st.text(alphabet="qwrtzpsdfghjkl", min_size=1, max_size=8), min_size=1, max_size=3))
def test_blocking_keys(words: list[str]) -> None:
    parsed = parse_name(" ".join(words) + " Co Ltd")
    key = parsed.trade_key
    expected = {"k:" + key, "p:" + key[:6], "d:" + key}
    expected |= {"t:" + t for t in parsed.trade if len(t) >= 3}
    if len(key) >= 4:
        expected |= {"d:" + key[:i] + key[i + 1 :] for i in range(len(key))}
    keys = blocking_keys(parsed)
    # A Latin name of five letters or more is also filed under its folded spelling (one key),
    # which only queries in another script look up.
    spelling = {k for k in keys if k.startswith("y:")}
    assert len(spelling) == (1 if len(key) >= 5 else 0)
    assert keys - spelling == (expected if key else set())


def test_candidates_count_every_key_filed(matcher: Matcher) -> None:
    """candidates looks up only the keys the index files: the same counts as looking up each."""
    index = matcher.index

    def every_key(parsed: ParsedName, limit: int) -> list[int]:
        counts: dict[int, int] = {}
        for key in query_keys(parsed):
            hits = index.postings.get(key, [])
            for n in [hits] if isinstance(hits, int) else hits:
                counts[n] = counts.get(n, 0) + (2 if key[0] == "k" else 1)
        return sorted(counts, key=lambda n: (-counts[n], n))[:limit]

    queries = [n.parsed for n in index.names]
    queries += [parse_name(n.value[:-2]) for n in index.names]  # cut, and with a typo
    queries += [parse_name(n.value[1:]) for n in index.names]
    assert any(index.candidates(q, 12) for q in queries)
    for q in queries:
        assert index.candidates(q, 12) == every_key(q, 12)
