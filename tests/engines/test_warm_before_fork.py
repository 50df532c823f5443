"""The bulk engine builds the matcher's first-use tables before its workers fork
(``Matcher.warm``: the cut-line table, the Chinese reading's glossary, rigour's name tables), so
that the workers share them instead of each building its own (issue 15 item 5). Matching after
``warm`` gives what a process that never called it gives, hit for hit.

Each side runs in a fresh process: in this one, the tables are already built by other tests.
The names are real listed names of the bundled lists, written as bills of lading write them (cut
at the field width, upper case with an address, in Chinese characters).
"""

from __future__ import annotations

import json
import subprocess
import sys

from sourcetrace.model import ListedEntity

SCRIPT = """
import json, sys
from sourcetrace.lists import default_list_path, load_entities
from sourcetrace.matching import Matcher
from sourcetrace.settings import load_settings
matcher = Matcher(load_entities(default_list_path()), load_settings())
if sys.argv[1] == "warm":
    matcher.warm()
names = json.loads(sys.stdin.read())
out = [[(h.entity.id, h.matched_name, h.score, h.decision.value, h.reasons) for h in hits]
       for hits in matcher.match_many(names)]
print(json.dumps(out, ensure_ascii=False))
"""


def _names(entities: list[ListedEntity], count: int = 40) -> list[str]:
    """Listed names as documents write them: the first 35 characters of the caption (a cut
    line, read through the cut-line table), upper case with an address, and the Chinese names."""
    latin = [e.caption for e in entities if e.caption.isascii() and len(e.caption) > 36]
    chinese = [
        n.value
        for e in entities
        for n in e.names
        if any("\u4e00" <= c <= "\u9fff" for c in n.value)
    ]
    step_l = max(1, len(latin) // count)
    step_z = max(1, len(chinese) // count)
    out = [n[:35] for n in latin[::step_l][:count]]
    out += [f"{n.upper()} NO 8 RENMIN RD URUMQI" for n in latin[::step_l][:count]]
    return out + chinese[::step_z][:count]


def _match(names: list[str], mode: str) -> list[object]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode], input=json.dumps(names),
        capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_warm_matcher_matches_as_a_cold_one(bundled_entities: list[ListedEntity]) -> None:
    names = _names(bundled_entities)
    assert len(names) >= 60
    cold, warm = _match(names, "cold"), _match(names, "warm")
    assert warm == cold
    # The names reach the tables warm() builds: cut lines raised to a hit, Chinese names read.
    assert sum(1 for hits in cold[: len(names) // 3] if hits) >= 10
    assert any(hits for hits in cold[-10:])
