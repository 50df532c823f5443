"""Measure screening of short Chinese names (中泰化学) against a list that holds companies by their
English names, as issue 15's third private set does, on real names only.

Where the names come from: every entity of the bundled lists (``src/sourcetrace/data/
default.ftm.jsonl``: UFLPA, CBP WRO, BIS, with the Chinese names of
``sources/watchlists/uflpa_chinese_names_from_press.csv``) that the lists give both a Chinese
name and a Latin one; and the Chinese companies of CC-CEDICT (``cedict_companies``). Entities listed on several lists are one company when they share a name
(folded: case, punctuation, traditional/simplified aside). Nothing is written by hand.

How the set is made (all by rule, in this script):

* **Short form** of each Chinese name, the way a supplier writes itself on a document: the name
  simplified, parenthesised parts (a region in brackets) dropped, cut at its first legal form
  (有限公司, 股份有限公司, 公司, 厂 ... as ``names.vocabulary.LEGAL_ZH``), then region names at its
  start dropped, repeatedly (新疆, 和田, 昌吉 ...: Chinese place names of ``places.tsv``, built
  from GB/T 2260 and the Xinjiang gazetteer), unless fewer than two characters would be left.
  新疆中泰化学股份有限公司 -> 中泰化学; 合盛硅业(鄯善)有限公司 -> 合盛硅业. Each distinct short form
  of a company is one query.
* **Listed and unlisted halves**: a SHA-256 of the company's key (its sorted folded names) puts
  each company in the list or out of it. The list holds the listed half by their Latin names only
  (the English and pinyin names; never a Chinese one), beside every other entity of the bundled
  lists (companies the lists give no Chinese name: a realistic list to be alerted by mistake on)
  and the restricted-party snapshot's organisations (a snapshot record naming a company of the
  set in the same words, punctuation aside, is left out: an unlisted company is not on the list
  under another spelling).
* **Tune and held-out parts**: another bit of the same hash. Change the matcher looking at
  ``tune`` only; ``held-out`` is reported, not looked at.

Figures, at the default thresholds (match 0.88, review 0.70):

* recall on the listed half: the query's company among the hits decided ``match`` (and, second
  figure, ``match`` or ``review``);
* alert rate on the unlisted half: a query with any hit decided ``match`` (and ``match`` or
  ``review``); a hit on a listed company related to it (a parent listed on its own) counts too.
* probe: CC-CEDICT's companies of any country that no list here names, all unlisted (the
  alert rate on a larger unlisted set; a hit may still be the same company under another name:
  read them with ``--show``);
* probe, wider: CC-CEDICT's proper nouns in characters whose glosses name a bank, airline,
  insurer, brand, chain, steel or telecom company ... (``cedict_trade_names``: 中国银行 Bank of
  China, 宝钢 Baosteel, 国美 GOME; some brands of goods and a few organisations the filter
  lets through), less those of the set and of the first probe, all unlisted: the kind of
  company the private set's unlisted half holds (banks, insurers, steel, "China XX Group").
  The restricted-party snapshot was meant to give Chinese names too, but it holds none (no
  name or alias in Chinese characters);
* words (``--words``, not company names: a stress probe): CC-CEDICT's two-character words at
  Zipf >= 4 in wordfreq's Chinese list (光明, 长江, 道理), each alone and as "X集团", unlisted:
  how often a trade name made of an everyday word alerts on some listed company (no WRatio
  baseline: "-");
* baseline: pypinyin's reading of the short name against each listed Latin name with rapidfuzz
  WRatio (``default_process``) at 90.

Run: ``python benchmarks/matching/chinese_short.py [--show] [--words]`` (``--show`` prints
every query with its hits). Deterministic; under a minute (most of it reading the lists), two
more with ``--words``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from sourcetrace.matching import Matcher
from sourcetrace.model import Decision, EntityName, ListedEntity, NameKind
from sourcetrace.names.text import fold, has_cjk, pinyin
from sourcetrace.names.vocabulary import LEGAL_ZH, vocabulary
from sourcetrace.screening import load_lists
from sourcetrace.settings import load_settings

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from build_pairs import DEFAULT_SHARED, SNAPSHOT, read_snapshot

CEDICT = HERE.parent.parent / "sources" / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"

_PAREN = re.compile(r"\([^()]*\)")


def short_form(chinese: str) -> str:
    """The short name a company writes on documents: region prefix and legal form off (the rule
    of this module's docstring)."""
    text = _PAREN.sub("", fold(chinese)).replace(" ", "")
    for form in LEGAL_ZH:  # longest first
        idx = text.find(form)
        if idx > 0:
            text = text[:idx]
            break
    places = vocabulary().places_zh
    while True:
        for size in range(min(vocabulary().max_place_zh, len(text) - 2), 1, -1):
            if text[:size] in places:
                text = text[size:]
                break
        else:
            return text


@dataclass
class Company:
    """One company of the bundled lists with its Chinese and Latin names."""

    key: str
    entities: list[ListedEntity] = field(default_factory=list)
    zh: set[str] = field(default_factory=set)
    latin: list[EntityName] = field(default_factory=list)

    def digest(self) -> bytes:
        return hashlib.sha256(self.key.encode("utf-8")).digest()

    @property
    def listed(self) -> bool:
        return self.digest()[0] % 2 == 0

    @property
    def part(self) -> str:
        return "tune" if self.digest()[1] % 2 == 0 else "held-out"


def _words(name: str) -> str:
    """A name's folded words, punctuation aside: "Co., Ltd." and "Co., Ltd" are one name."""
    return " ".join(re.findall(r"\w+", fold(name)))


def companies(entities: list[ListedEntity]) -> tuple[list[Company], list[ListedEntity]]:
    """The bilingual companies (entities sharing a folded name are one) and the other entities."""
    parent = list(range(len(entities)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[str, int] = {}
    for i, entity in enumerate(entities):
        for name in entity.names:
            key = _words(name.value)
            if key in seen:
                parent[root(i)] = root(seen[key])
            else:
                seen[key] = i
    groups: dict[int, list[ListedEntity]] = defaultdict(list)
    for i, entity in enumerate(entities):
        groups[root(i)].append(entity)
    out: list[Company] = []
    others: list[ListedEntity] = []
    for members in groups.values():
        names = [n for e in members for n in e.names]
        zh = {fold(n.value) for n in names if has_cjk(n.value)}
        latin = [n for n in names if not has_cjk(n.value)]
        if not zh or not latin:
            others.extend(members)
            continue
        key = "|".join(sorted({fold(n.value) for n in names}))
        company = Company(key, members, zh, [])
        seen_latin: set[str] = set()
        for n in latin:
            if n.value not in seen_latin:
                seen_latin.add(n.value)
                company.latin.append(n)
        out.append(company)
    return sorted(out, key=lambda c: c.key), others


_CEDICT_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/$")
_COMPANY_WORD = re.compile(
    r"\b(?:company|corporation|Group|manufacturer|Co\.|Ltd|Limited|Inc\.?|Holdings?)\b"
)
# Chinese companies only (the product's subject), and not the ethnic groups or groups of states
# that the company words also catch.
_CHINESE = re.compile(r"\b(?:China|Chinese|PRC|Taiwan|Taiwanese|Hong Kong)\b")
_NOT_COMPANY = re.compile(r"\b(?:ethnic|Group of|State group|language|terrorist)\b", re.IGNORECASE)


def _proper_nouns() -> Iterator[tuple[str, str]]:
    """CC-CEDICT's proper-noun entries (capitalised pinyin) of two characters or more: the
    simplified form and the glosses ("/"-separated), in the dictionary's order."""
    text = gzip.decompress(CEDICT.read_bytes()).decode("utf-8")
    for line in text.splitlines():
        m = _CEDICT_LINE.match(line)
        if m and m.group(3)[:1].isupper() and len(m.group(2)) >= 2:
            yield m.group(2), m.group(4)


def cedict_companies(any_country: bool = False) -> list[Company]:
    """Chinese companies of CC-CEDICT (``sources/cedict/``, see ``sources/README.md``):
    proper-noun entries (capitalised pinyin) whose glosses say China, Chinese, PRC, Taiwan or
    Hong Kong (any country when ``any_country``), with a gloss naming a company ("Sanlu Group, Chinese state-owned
    dairy products company ..."); its English name is that gloss cut at the first comma or
    bracket, when it starts with a capital and still holds a company word or follows a gloss
    that describes a company. Entries with the same English name are one company."""
    by_name: dict[str, Company] = {}
    for simplified, glosses in _proper_nouns():
        if not has_cjk(simplified):
            continue
        if _NOT_COMPANY.search(glosses) or not (any_country or _CHINESE.search(glosses)):
            continue
        for gloss in glosses.split("/"):
            if not _COMPANY_WORD.search(gloss) or not gloss[:1].isupper():
                continue
            english = re.split(r" \(|, ", gloss)[0].strip()
            if not english or english.lower().startswith("abbr"):
                continue
            if not _COMPANY_WORD.search(english) and not re.search(
                r"company|manufacturer|corporation|group", gloss[len(english):], re.IGNORECASE
            ):
                continue
            key = "cedict|" + fold(english)
            company = by_name.setdefault(key, Company(key, [], set(), [EntityName(english)]))
            company.zh.add(fold(simplified))
            break
    return sorted(by_name.values(), key=lambda c: c.key)


# Trade organisations in a wider sense than ``_COMPANY_WORD``: banks, airlines, insurers,
# brewers, steel, telecoms, brands and chains (中国银行 Bank of China, 宝钢 Baosteel, 国美 GOME).
_TRADE_WORD = re.compile(
    r"\b(?:bank|airlines?|airways|insurance|brewery|beer|steel|telecom|mobile|petroleum|"
    r"petrochemical|pharmaceuticals?|motors?|securities|shipping|conglomerate|chain|brand|maker|"
    r"manufacturer|company|corporation|group|retailer|supermarket|co\.|ltd|limited|inc\.?|"
    r"holdings?)\b",
    re.IGNORECASE,
)
# Entries that name no trading company though a trade word is in their glosses: regulators,
# reefs, railway lines, people and events.
_NOT_TRADE = re.compile(
    r"\b(?:ethnic|Group of|State group|language|terrorist|commission|regulatory|reefs?|"
    r"islands?|mountains?|railway|incident|surname|\(name\))\b|\(\d{4}",
    re.IGNORECASE,
)


def cedict_trade_names() -> list[Company]:
    """Trade organisations of CC-CEDICT of any country, in a wider sense than
    ``cedict_companies``: proper-noun entries written in characters only, whose glosses hold a
    trade word (bank, airline, insurance, brand, steel, telecom, chain, company ...) and none of
    ``_NOT_TRADE``; the English name is the first such gloss cut at its first comma or
    bracket. Entries with the same English name are one company."""
    by_name: dict[str, Company] = {}
    for simplified, glosses in _proper_nouns():
        if not all(has_cjk(ch) for ch in simplified) or _NOT_TRADE.search(glosses):
            continue
        for gloss in glosses.split("/"):
            if not _TRADE_WORD.search(gloss) or not gloss[:1].isupper():
                continue
            english = re.split(r" \(|, ", gloss)[0].strip()
            if not english or english.lower().startswith("abbr"):
                continue
            key = "cedict|" + fold(english)
            company = by_name.setdefault(key, Company(key, [], set(), [EntityName(english)]))
            company.zh.add(fold(simplified))
            break
    return sorted(by_name.values(), key=lambda c: c.key)


WORDS_ZIPF = 4.0


def common_words() -> list[str]:
    """Two-character words of CC-CEDICT at or above :data:`WORDS_ZIPF` in wordfreq's Chinese
    list (its frequency table, read without a tokenizer): the everyday words that Chinese trade
    names are often made of (光明, 长江, 太阳). Not company names: a stress probe."""
    from wordfreq import get_frequency_dict

    freq = get_frequency_dict("zh")
    floor = 10 ** (WORDS_ZIPF - 9)
    text = gzip.decompress(CEDICT.read_bytes()).decode("utf-8")
    words = set()
    for line in text.splitlines():
        m = _CEDICT_LINE.match(line)
        word = m.group(2) if m else ""
        if len(word) == 2 and all(has_cjk(ch) for ch in word) and freq.get(word, 0.0) >= floor:
            words.add(word)
    return sorted(words)


def listed_entity(company: Company) -> ListedEntity:
    """The company as the list holds it: its first entity, Latin names only."""
    if not company.entities:  # from CC-CEDICT: a company of its English name alone
        return ListedEntity(id=company.key, schema="Company", caption=company.latin[0].value,
                            names=list(company.latin))  # fmt: skip
    first = company.entities[0]
    return ListedEntity(
        id=first.id, schema=first.schema, caption=first.caption, names=list(company.latin),
        listings=[x for e in company.entities for x in e.listings],
        countries=first.countries, topics=first.topics, dataset=first.dataset,
    )  # fmt: skip


@dataclass
class Tally:
    """Counts of one part of the set."""

    listed: int = 0
    found_match: int = 0
    found_alert: int = 0
    unlisted: int = 0
    alert_match: int = 0
    alert_any: int = 0
    base_found: int = 0
    base_alert: int = 0


def with_snapshot(
    found: list[Company], others: list[ListedEntity]
) -> tuple[list[Company], list[ListedEntity]]:
    """The restricted-party snapshot's organisations added to the list, and the companies it
    names (any name equal once folded: they are on a real list) taken out of the set; a record
    that names a company left in the set otherwise spelled is left out of the list."""
    snap, _ = read_snapshot(DEFAULT_SHARED / SNAPSHOT)
    snap_names = {fold(n) for r in snap for n in (r.name, *r.aliases)}
    found = [c for c in found if all(fold(n.value) not in snap_names for n in c.latin)]
    # A record naming a company of the set in the same words, punctuation aside ("Co., Ltd"
    # for "Co., Ltd."), is that company: left out, so an unlisted company is not on the list
    # under another spelling (and a listed one is there by the set's own entity).
    own = {_words(n.value) for c in found for n in c.latin}
    snap = [r for r in snap if all(_words(n) not in own for n in (r.name, *r.aliases))]
    return found, others + [
        ListedEntity(id=f"snapshot:{r.key}", schema="Organization", caption=r.name,
                     names=[EntityName(r.name)] + [EntityName(a, NameKind.ALIAS)
                                                   for a in r.aliases])
        for r in snap
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every query and its hits")
    parser.add_argument("--words", action="store_true",
                        help="add the stress probe of common Chinese words (not company names)")  # fmt: skip
    parser.add_argument("--no-snapshot", action="store_true",
                        help="leave the restricted-party snapshot out of the list")  # fmt: skip
    args = parser.parse_args(argv)

    bundled, _ = load_lists()
    found, others = companies(bundled)
    # CC-CEDICT's companies, less those the bundled lists hold under the same name (the list's
    # entry decides those).
    bundled_names = {fold(n.value) for e in bundled for n in e.names}
    sources = {c.key: "bundled lists" for c in found}
    for company in cedict_companies():
        if company.zh.isdisjoint(bundled_names) and fold(company.latin[0].value) not in bundled_names:
            found.append(company)
            sources[company.key] = "CC-CEDICT"
    if not args.no_snapshot:
        # The snapshot's organisations (14 US lists, thousands of Chinese companies by their
        # English names) make the list as crowded as a real one. A company the snapshot names
        # (any name equal once folded) is on a real list: it leaves the set.
        found, others = with_snapshot(found, others)
    listed = [c for c in found if c.listed]
    listing = [listed_entity(c) for c in listed] + others
    # The probe: CC-CEDICT's companies of every country (三星 Samsung, 丰田 Toyota ...) that are
    # in no list here, screened as unlisted only: Chinese names of companies a supplier file may
    # hold, to count alerts on a larger unlisted set.
    taken = {c.key for c in found} | {fold(n.value) for e in listing for n in e.names}
    probe = [c for c in cedict_companies(any_country=True)
             if c.key not in taken and fold(c.latin[0].value) not in taken]  # fmt: skip
    sources.update({c.key: "probe" for c in probe})
    # The wider probe: CC-CEDICT's banks, airlines, insurers, brands ... (中国银行, 宝钢, 国美),
    # the kind of stock-listed company the private set's unlisted half holds; those of the first
    # probe and of the set are left out.
    taken |= {c.key for c in probe}
    wide = [c for c in cedict_trade_names()
            if c.key not in taken and fold(c.latin[0].value) not in taken]  # fmt: skip
    sources.update({c.key: "probe, wider" for c in wide})
    ids = {listed_entity(c).id: c for c in listed}
    matcher = Matcher(listing, load_settings())
    choices = {i: utils.default_process(n.value) for i, e in enumerate(listing) for n in e.names
               if not has_cjk(n.value)}  # fmt: skip
    owner = {i: e.id for i, e in enumerate(listing) for _ in e.names}
    tallies: dict[str, Tally] = defaultdict(Tally)
    lines: list[str] = []
    for company in [*found, *probe, *wide]:
        in_probe = sources[company.key].startswith("probe")
        shorts = sorted({short_form(zh) for zh in company.zh})
        for short in shorts:
            hits = matcher.match(short)
            alerts = [h for h in hits if h.decision is not Decision.CLEAR]
            matches = [h for h in alerts if h.decision is Decision.MATCH]
            py = pinyin(short)
            best = process.extractOne(utils.default_process(py), choices, scorer=fuzz.WRatio,
                                      score_cutoff=90)  # fmt: skip
            base_id = owner[best[2]] if best else None
            source = sources[company.key]
            parts = (source,) if in_probe else (company.part, source, "all")
            for part in parts:
                t = tallies[part]
                if company.listed and not in_probe:
                    t.listed += 1
                    t.found_match += any(ids.get(h.entity.id) is company for h in matches)
                    t.found_alert += any(ids.get(h.entity.id) is company for h in alerts)
                    t.base_found += base_id is not None and ids.get(base_id) is company
                else:
                    t.unlisted += 1
                    t.alert_match += bool(matches)
                    t.alert_any += bool(alerts)
                    t.base_alert += base_id is not None
            status = "listed" if company.listed and not in_probe else "unlisted"
            part_name = sources[company.key].replace(", ", "-") if in_probe else company.part
            lines.append(f"{part_name:8} {status:8} {short} ({py}) <- {company.latin[0].value}")
            for h in alerts or hits[:1]:
                lines.append(f"    {h.decision.value:6} {h.score:.2f} {h.matched_name}: "
                             + "; ".join(h.reasons))  # fmt: skip
    if args.words:
        # Everyday two-character words alone and as "X Group" (X集团), screened as unlisted:
        # how often a trade name made of a common word alerts on some listed company.
        for word in common_words():
            for query in (word, word + "集团"):
                hits = matcher.match(query)
                alerts = [h for h in hits if h.decision is not Decision.CLEAR]
                t = tallies["words"]
                t.unlisted += 1
                t.alert_match += any(h.decision is Decision.MATCH for h in alerts)
                t.alert_any += bool(alerts)
                for h in alerts[:1]:
                    lines.append(f"words    unlisted {query} -> {h.decision.value} "
                                 f"{h.matched_name}: " + "; ".join(h.reasons))  # fmt: skip
    if args.show:
        print("\n".join(lines))
    print(f"companies with a Chinese and a Latin name: {len(found)} ({len(listed)} listed); "
          f"list: {len(listing)} entities")  # fmt: skip
    print("| part | listed queries | recall (match) | recall (match or review) | unlisted queries"
          " | alerted (match) | alerted (match or review) | WRatio@90 recall | WRatio@90 alerted |")
    print("|---|---|---|---|---|---|---|---|---|")
    parts = ["tune", "held-out", "bundled lists", "CC-CEDICT", "all", "probe", "probe, wider"]
    for part in parts + (["words"] if args.words else []):
        t = tallies[part]
        print(f"| {part} | {t.listed} | {_rate(t.found_match, t.listed)} | "
              f"{_rate(t.found_alert, t.listed)} | {t.unlisted} | {_rate(t.alert_match, t.unlisted)}"
              f" | {_rate(t.alert_any, t.unlisted)} | {_rate(t.base_found, t.listed)} | "
              f"{'-' if part == 'words' else _rate(t.base_alert, t.unlisted)} |")  # fmt: skip
    return 0


def _rate(k: int, n: int) -> str:
    return f"{k}/{n} ({k / n:.3f})" if n else "0/0"





if __name__ == "__main__":
    sys.exit(main())
