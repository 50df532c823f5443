"""Clerk slips written into the UFLPA names of the bundled lists: which does the matcher read?

    PYTHONPATH=src python benchmarks/matching/clerk_slips.py [--seed 7] [--show SLOT]

For each UFLPA entity whose caption is in Latin letters, one word of the caption (the first
trade word, the first region word, or another word of five letters or more) is written with each
slip a clerk makes typing a bill of lading: a letter doubled or dropped, two neighbours swapped,
a letter next on the keyboard, a space inside the word, O as 0, I as 1 (positions drawn with the
seed). Dropped, swapped and keyboard slips are also written with the line cut at 35 characters
(``+cut``) and with a second slip in another word (``+2``). A spelling counts at ``match`` when
the best alert (else best hit) is that entity, so another entity listed under the same name
counts as a miss. No negatives: the look-alike and slips probes (``probe/run.py``) hold those.
The slips are generated, not copied from documents, and this set has no held-out half: it shows
where the rules are, not how they do on real manifests.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter, defaultdict

from sourcetrace.lists import default_list_path, load_entities
from sourcetrace.matching import Matcher
from sourcetrace.model import Decision
from sourcetrace.names.parse import parse_name
from sourcetrace.names.text import fold
from sourcetrace.settings import load_settings

KEYBOARD = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _neighbours(c: str) -> list[str]:
    for row in KEYBOARD:
        if c in row:
            i = row.index(c)
            return [row[k] for k in (i - 1, i + 1) if 0 <= k < len(row)]
    return []


def slips(word: str, rng: random.Random) -> dict[str, str]:
    """The word with each kind of slip (lower case, four letters or more)."""
    n = len(word)
    out: dict[str, str] = {}
    i = rng.randrange(1, n - 1)
    out["double"] = word[:i] + word[i] + word[i:]
    out["drop"] = word[:i] + word[i + 1 :]
    j = rng.randrange(1, n - 2)
    if word[j] != word[j + 1]:
        out["swap"] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    near = _neighbours(word[i])
    if near:
        out["key"] = word[:i] + rng.choice(near) + word[i + 1 :]
    if n >= 6:
        out["space"] = word[: n // 2] + " " + word[n // 2 :]
    if "o" in word:
        p = word.index("o")
        out["o0"] = word[:p] + "0" + word[p + 1 :]
    if "i" in word:
        p = word.index("i")
        out["i1"] = word[:p] + "1" + word[p + 1 :]
    return out


def spellings(caption: str, rng: random.Random) -> list[tuple[str, str, str]]:
    """(slot, kind, query) of one caption."""
    parsed = parse_name(caption)
    words = fold(caption).upper().replace(",", " ,").split()
    low = [w.lower() for w in words]
    slots: dict[str, str] = {}
    if parsed.trade:
        slots["trade"] = parsed.trade[0]
    if parsed.region_words:
        slots["region"] = parsed.region_words[0]
    other = [
        w for w in low
        if w.isalpha() and len(w) >= 5 and w not in parsed.trade and w not in parsed.region_words
    ]  # fmt: skip
    if other:
        slots["other"] = other[0]
    out = []
    for slot, word in slots.items():
        if word not in low or len(word) < 4 or not word.isalpha():
            continue
        k = low.index(word)
        for kind, slipped in slips(word, rng).items():
            line = [*words[:k], slipped.upper(), *words[k + 1 :]]
            query = " ".join(line).replace(" ,", ",")
            out.append((slot, kind, query))
            if kind not in ("drop", "key", "swap"):
                continue
            out.append((slot, f"{kind}+cut", query[:35]))
            rest = [i for i, w in enumerate(low) if i != k and len(w) >= 5 and w.isalpha()]
            if rest:
                o = rng.choice(rest)
                second = slips(low[o], rng)
                two = list(line)
                two[o] = (second.get("swap") or second["drop"]).upper()
                out.append((slot, f"{kind}+2", " ".join(two).replace(" ,", ",")))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show", default="", help="print the failures of a slot (or 'all')")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    entities = load_entities(default_list_path())
    matcher = Matcher(entities, load_settings())
    counts: defaultdict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for entity in entities:
        if not any("UFLPA" in listing.list_name.upper() for listing in entity.listings):
            continue
        if not fold(entity.caption).isascii():
            continue
        for slot, kind, query in spellings(entity.caption, rng):
            hits = matcher.match(query)
            best = next((h for h in hits if h.decision is not Decision.CLEAR), None)
            best = best or (hits[0] if hits else None)
            right = best is not None and best.entity.id == entity.id
            got = best.decision.value if right and best is not None else "miss"
            got = "miss" if got == "clear" else got
            counts[(slot, kind)][got] += 1
            if got != "match" and args.show in ("all", slot):
                said = f"{best.entity.caption} [{best.decision.value}]" if best else "(no hit)"
                print(f"  {slot:6} {kind:9} {got:6} {query} -> {said}")
    total: Counter[str] = Counter()
    print("slot   kind       match  review  miss")
    for (slot, kind), c in sorted(counts.items()):
        total.update(c)
        print(f"{slot:6} {kind:9} {c['match']:6} {c['review']:7} {c['miss']:5}")
    print(f"total            {total['match']:6} {total['review']:7} {total['miss']:5}")


if __name__ == "__main__":
    main()
