"""Build labelled name pairs from external lists, for training, tuning and honest measurement.

Every name in ``data/pairs.csv`` is read from a file this project did not write (no name is made
up or transformed into a new spelling):

* positives: the other names that official lists give one entity (aliases, former names, weak
  aliases, Chinese names from the press with their sources) paired with its listed name;
* the nomenklatura name bench (OpenSanctions), with its own labels;
* negatives: two different listed entities whose names share a word (``hard_negative_*``: a trade
  word, a region, an industry word or only a legal form), and unrelated ones (``easy_negative``).

Entities are grouped so that names of one real entity never straddle two splits: records from all
sources whose names fold to the same string (case, punctuation and legal form aside) are one group,
and the two names of a bench pair are put in one group. ``split`` is train/valid/test (60/20/20) by
a SHA-256 of the group key. A negative joins two groups; it is kept only when both groups fall in
the same split, so that no name of a test entity is ever seen in training.

Persons: the product screens organisations. Entries of the restricted-party snapshot carry no
schema, so only entries that read as organisations are used (on an organisation-only list, or a
name with a legal form or organisation word, and not in the ``SURNAME, Given`` form of OFAC's
individuals); FtM ``Person`` entities are skipped. The only persons are the bench's own ``Person``
pairs (kind ``bench_person``), public figures' names as that benchmark publishes them.

Run: ``python benchmarks/matching/build_pairs.py [--shared DIR] [--out FILE]``. Output is
deterministic (sorted, hash-based choices only).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rigour.names import extract_org_types, remove_org_types

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
# The external sources, copied into the repository with their origins (sources/README.md).
DEFAULT_SHARED = REPO / "sources"
DEFAULT_OUT = HERE / "data" / "pairs.csv"
BUNDLED = REPO / "src" / "sourcetrace" / "data" / "default.ftm.jsonl"
PLACES = REPO / "src" / "sourcetrace" / "data" / "places.tsv"
GLOSSARY = REPO / "src" / "sourcetrace" / "data" / "glossary.tsv"
SNAPSHOT = "watchlists/restricted_party_lists_snapshot_2026-07-16.json"
PRESS = "watchlists/uflpa_chinese_names_from_press.csv"
UFLPA = "watchlists/uflpa_entity_list_2026-08-10.csv"
WRO = "watchlists/cbp_wro_findings_2026-06-23.csv"
BIS = "watchlists/bis_entity_list_xinjiang_subset_2026-07-27.csv"
BENCH = "bench/nomenklatura_name_bench_cases.csv"
YENTE = "fixtures/yente_fixture_zala.ftm.jsonl"
COLUMNS = ("query", "candidate", "label", "kind", "group", "split", "source")

# Lists of the snapshot that hold organisations only (the others mix in individuals and vessels).
ORG_LISTS = frozenset({"1260h", "1286", "cmic", "uflpa", "wro", "fcc", "889", "5949"})
# Words that make a name an organisation's when rigour finds no legal form in it.
ORG_WORDS = frozenset(
    "company companies corporation corp group bank institute institution university academy "
    "college school bureau department ministry committee commission council agency office "
    "administration authority center centre factory plant works industries industry industrial "
    "trading trade enterprise enterprises association foundation organization organisation "
    "laboratory laboratories research shipping airlines airline logistics technology technologies "
    "tech electronics energy holding holdings partners partnership fund party front army brigade "
    "corps regiment battalion prison penitentiary farm farms station hospital services service "
    "development import export international petroleum oil gas mining chemical chemicals "
    "pharmaceutical systems engineering manufacturing exchange investment investments".split()
)
# OFAC writes individuals "SURNAME, Given Names"; organisations almost never have that shape.
PERSON_COMMA = re.compile(r"^[^,()]+, ([^,()]+)$")
# What may follow the comma of an organisation's name in OFAC's style ("NEOBIT, OOO").
COMMA_LEGAL = frozenset(
    "inc ltd llc co corp ooo ao oao pao zao jsc cjsc sa gmbh tov ag kg bv nv as ab oy plc pte "
    "srl spa doo lp llp sas sl".split()
)
STOPWORDS = frozenset(
    "and of the for in on at de la le du des del y e et und der a an to by with".split()
)
SPLITS = (("train", 60), ("valid", 80), ("test", 100))
HARD_KINDS = ("trade_word", "region", "industry", "legal_form")
HARD_POOL = 40  # candidates looked at per shared word, in hash order


def fold(text: str) -> str:
    """Compare form of a name: NFKC, casefold, punctuation to spaces, single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(ch if ch.isalnum() else " " for ch in text)
    return " ".join(text.split())


def tokens(text: str) -> list[str]:
    """Folded words of a name (Han characters stay together as one run)."""
    return [t for t in fold(text).split() if t not in STOPWORDS]


def script_of(text: str) -> str:
    """The non-Latin script a name is written in, or ``latin``."""
    if any("\u30a0" <= ch <= "\u30ff" or "\u3040" <= ch <= "\u309f" for ch in text):
        return "kana"  # Japanese names mix kana and Han characters
    for ch in text:
        if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf":
            return "han"
        if "\u30a0" <= ch <= "\u30ff" or "\u3040" <= ch <= "\u309f":
            return "kana"
        if "\u0400" <= ch <= "\u04ff":
            return "cyrillic"
        if "\u0600" <= ch <= "\u06ff":
            return "arabic"
    return "latin"


def stable_hash(text: str) -> int:
    """A hash that does not change between runs or machines."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def split_of(group: str) -> str:
    """train/valid/test (60/20/20) from the group key alone."""
    bucket = stable_hash("split:" + group) % 100
    return next(name for name, upper in SPLITS if bucket < upper)


@dataclass(slots=True)
class Record:
    """One listed entity as one source gives it."""

    key: str  # source-local id, for messages and stable ordering
    source: str
    name: str
    aliases: list[str] = field(default_factory=list)
    former: list[str] = field(default_factory=list)
    weak: list[str] = field(default_factory=list)
    chinese: list[tuple[str, str, str]] = field(default_factory=list)  # (name, kind, origin)


class Groups:
    """Union-find over folded names: one group per real entity, as far as the names tell."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller key wins so that the root (hence the group id) is order independent.
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo


def core_key(name: str) -> str:
    """Folded name without its legal form: two records with the same core are one group."""
    folded = fold(name)
    stripped = folded
    for span, _ in extract_org_types(folded):
        stripped = stripped.replace(span.casefold(), " ")
    core = " ".join(stripped.split())
    return core or folded


# ---------------------------------------------------------------------------------------- sources


def read_bundled(path: Path) -> Iterator[Record]:
    """The bundled default list (UFLPA, CBP WRO, BIS Xinjiang subset) as FtM entities."""
    return read_organisations(path, lambda ent: "bundled:" + "+".join(ent.get("datasets", [])))


def read_ftm_fixture(path: Path, label: str) -> Iterator[Record]:
    """Organisations of an FtM file (the yente fixture); persons are left out."""
    return read_organisations(path, lambda _ent: label)


def read_organisations(path: Path, source: Callable[[dict[str, Any]], str]) -> Iterator[Record]:
    """The organisations of an FtM JSON-lines file, each with the source ``source`` names for it;
    persons and entities without a name are left out."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            ent = json.loads(line)
            if ent["schema"] not in ("Company", "Organization", "PublicBody", "LegalEntity"):
                continue
            props = ent["properties"]
            names = props.get("name", [])
            if not names:
                continue
            yield Record(
                key=ent["id"],
                source=source(ent),
                name=names[0],
                aliases=names[1:] + props.get("alias", []) + props.get("abbreviation", []),
                former=props.get("previousName", []),
                weak=props.get("weakAlias", []),
            )


def has_legal_form(name: str) -> bool:
    """Whether rigour finds a legal form in the name that is not also a given name or a suffix.

    rigour knows two-letter forms ("YU", "II", "EP") that are also Chinese and Korean given
    names or a generation suffix ("KIM SONG II"): two-letter forms count only when they are
    common company suffixes.
    """
    for span, _ in extract_org_types(name):
        compact = fold(span).replace(" ", "")
        if len(compact) >= 3 or compact in COMMA_LEGAL or compact == "pt":
            return True
    return False


def is_org_entry(entry: dict[str, object]) -> bool:
    """Whether a schema-less snapshot entry names an organisation (see the module docstring)."""
    name = str(entry["n"])
    if entry["l"] in ORG_LISTS:
        return True
    person = PERSON_COMMA.match(name)
    tail = fold(person.group(1)) if person else ""
    # rigour reads some given names as legal forms ("Yu", "Na"): short tails must be known ones.
    if person and (tokens(remove_org_types(person.group(1)))
                   or (len(tail) <= 3 and tail not in COMMA_LEGAL)):
        # "SURNAME, Given"; "KAVE, S.A" or "NEOBIT, OOO" is only a legal form after the comma.
        return False
    for candidate in [name, *[str(a) for a in entry.get("a", [])]]:  # type: ignore[union-attr]
        if has_legal_form(candidate):
            return True
        if ORG_WORDS.intersection(fold(candidate).split()):
            return True
    return False


def read_snapshot(path: Path) -> tuple[list[Record], int]:
    """Organisation entries of the restricted-party snapshot; also the number left out."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out: list[Record] = []
    skipped = 0
    for i, entry in enumerate(data["entries"]):
        if not is_org_entry(entry):
            skipped += 1
            continue
        out.append(
            Record(
                key=f"{entry['l']}:{i}",
                source=f"snapshot:{entry['l']}",
                name=entry["n"],
                aliases=list(entry.get("a", [])),
            )
        )
    return out, skipped


def read_csv_list(path: Path, label: str) -> Iterator[Record]:
    """UFLPA, CBP WRO and BIS files as published in the shared data folder."""
    with path.open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=2):
            name = (row.get("name") or row.get("entity") or "").strip()
            if not name:
                continue
            aliases = [a.strip() for a in (row.get("aliases") or "").split(";") if a.strip()]
            former = [a.strip() for a in (row.get("former_names") or "").split(";") if a.strip()]
            rec = Record(key=f"{label}:{i}", source=label, name=name, aliases=aliases, former=former)
            chinese = (row.get("chinese_name") or "").strip()
            if chinese:
                rec.chinese.append((chinese, "chinese_script", label))
            yield rec


PAREN_NOTE = re.compile(r"\s*\((?:listed|parent)[^)]*\)\s*$")


def read_press(path: Path) -> Iterator[Record]:
    """Chinese names of UFLPA entities from press articles, each against its English name."""
    with path.open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=2):
            english = PAREN_NOTE.sub("", row["uflpa_name"]).strip()
            name_type = row["name_type"]
            note = row.get("note", "")
            if "UNVERIFIED" in name_type or "UNVERIFIED" in note:
                kind = "chinese_script_unverified"
            elif "short" in name_type or "brand" in name_type:
                kind = "chinese_short"
            elif row["script"].startswith("zh-Hant"):
                kind = "chinese_script_hant"
            else:
                kind = "chinese_script"
            if "former" in name_type:
                # The listed entity was renamed: its Chinese name is for the listed alias.
                alias = re.search(r"listed (?:alias|former name): ([^)]*)\)", row["uflpa_name"])
                if alias:
                    english = alias.group(1).strip()
            rec = Record(key=f"press:{i}", source="press:" + row["source_url"], name=english)
            rec.chinese.append((row["chinese_name"], kind, row["source_url"]))
            yield rec


@dataclass(frozen=True, slots=True)
class BenchPair:
    name1: str
    name2: str
    label: int
    schema: str
    row: int


def read_bench(path: Path) -> list[BenchPair]:
    """The nomenklatura name bench, with its own labels."""
    out: list[BenchPair] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=2):
            label = row["is_match"].strip().lower()
            if label not in ("true", "false"):
                raise SystemExit(f"{path}: row {i}: is_match is {row['is_match']!r}")
            out.append(BenchPair(row["name1"], row["name2"], int(label == "true"),
                                 row["schema"], i))
    return out


# ---------------------------------------------------------------------------------- vocabularies


def region_words() -> frozenset[str]:
    """Latin words of Chinese place names (bundled places table) and of country names."""
    from rigour.territories import get_territories

    generic = {"shi", "qu", "xian", "city", "county", "district", "prefecture", "province",
               "region", "autonomous", "new", "area", "zone", "division", "no"}
    words: set[str] = set()
    with PLACES.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if script_of(row["name"]) == "latin":
                words.update(tokens(row["name"]))
    for terr in get_territories():
        if len(tokens(terr.name)) == 1:  # "Hong Kong", "Indian Ocean" would tag "hong", "ocean"
            words.update(tokens(terr.name))
    return frozenset(w for w in words - generic - STOPWORDS if len(w) > 2 and not w.isdigit())


def industry_words() -> frozenset[str]:
    """English industry words of the bundled glossary of Chinese company names."""
    words: set[str] = set()
    with GLOSSARY.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["category"] == "industry":
                for variant in row["english"].split("|"):
                    words.update(tokens(variant))
    return frozenset(w for w in words if len(w) > 2)


def is_legal_word(word: str, cache: dict[str, bool]) -> bool:
    """Whether one word is (part of) a legal form or organisation type, per rigour."""
    if word not in cache:
        cache[word] = bool(extract_org_types(word, generic=True)) or word in {
            "co", "ltd", "limited", "company", "corp", "corporation", "inc", "llc", "group",
            "jsc", "ojsc", "pjsc", "cjsc", "ooo", "oao", "zao", "ao", "pao", "plc", "gmbh",
            "liability", "joint", "stock", "public", "private", "pvt", "sa", "llp", "fze", "fzc",
        }
    return cache[word]


# ---------------------------------------------------------------------------------------- pairs


@dataclass(slots=True)
class Pair:
    query: str
    candidate: str
    label: int
    kind: str
    group: str
    source: str


def pinyin_syllables() -> frozenset[str]:
    """Toneless pinyin syllables, from pypinyin's character table."""
    from pypinyin.pinyin_dict import pinyin_dict

    out: set[str] = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            plain = "".join(c for c in unicodedata.normalize("NFD", reading)
                            if not unicodedata.combining(c))
            out.add(plain.replace("ü", "v"))
    return frozenset(s for s in out if s.isascii() and s.isalpha())


SYLLABLES = pinyin_syllables()


def is_pinyin_word(word: str) -> bool:
    """Whether a folded word is a run of pinyin syllables (``shangtang``, ``xinyi``)."""
    if not word.isascii() or not word.isalpha():
        return False
    ok = [True] + [False] * len(word)
    for end in range(1, len(word) + 1):
        ok[end] = any(ok[start] and word[start:end] in SYLLABLES
                      for start in range(max(0, end - 6), end))
    return ok[len(word)]


def is_pinyin_variant(name: str, alias: str) -> bool:
    """Whether the alias spells in pinyin what the name translates (or the other way round).

    Only for names of Chinese entities (a Chinese place word in the name), since many short
    Latin words of other languages also read as pinyin.
    """
    tn, ta = set(tokens(name)), set(tokens(alias))
    if not (tn & CHINESE_PLACES or ta & CHINESE_PLACES):
        return False
    only_a, only_n = ta - tn, tn - ta
    # The rest of the name agrees (a word in common) and only the trade words differ.
    if not (ta & tn - CHINESE_PLACES) or not 0 < len(only_a) <= 3 or not 0 < len(only_n) <= 3:
        return False

    def pin(words: set[str]) -> set[str]:
        return {w for w in words - CHINESE_PLACES if len(w) >= 4 and is_pinyin_word(w)}

    other_a = {w for w in only_a if not is_pinyin_word(w)}
    other_n = {w for w in only_n if not is_pinyin_word(w)}
    return bool((pin(only_a) and other_n and not other_a)
                or (pin(only_n) and other_a and not other_n))


def chinese_places() -> frozenset[str]:
    """Latin words of the Chinese place names in the bundled places table."""
    words: set[str] = set()
    with PLACES.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if script_of(row["name"]) == "latin":
                words.update(t for t in tokens(row["name"]) if len(t) > 3)
    # Chinese place names are pinyin; this keeps English words of the table out ("east").
    words = {w for w in words if is_pinyin_word(w)}
    return frozenset(words - {"city", "county", "district", "prefecture", "province", "region",
                              "autonomous", "division", "agricultural"})


CHINESE_PLACES = chinese_places()


def alias_kind(name: str, alias: str, base: str) -> str:
    """What an (alias, listed name) pair tests: script crossing, an acronym, or ``base``."""
    s_alias, s_name = script_of(alias), script_of(name)
    if s_alias != s_name:
        return "chinese_script" if "han" in (s_alias, s_name) else "cross_script"
    if s_alias == "han":
        return "chinese_script"
    compact = re.sub(r"[\s.&-]", "", alias)
    if len(compact) <= 6 and compact.isupper() and len(alias.split()) <= 2:
        return base + "_acronym" if base != "alias" else "acronym"
    if is_pinyin_variant(name, alias):
        return base + "_pinyin" if base != "alias" else "pinyin"
    # Another name altogether (a translation, an old name): no string measure can find it, so
    # it is told apart from the spelling variants a matcher is expected to catch.
    words_a = {t for t in tokens(alias) if not is_legal_word(t, _ALIAS_LEGAL)}
    words_n = {t for t in tokens(name) if not is_legal_word(t, _ALIAS_LEGAL)}
    if words_a and words_n and not words_a & words_n:
        return base + "_no_shared_word"
    return base


_ALIAS_LEGAL: dict[str, bool] = {}


def record_pairs(rec: Record) -> Iterator[tuple[str, str, str]]:
    """(query, candidate, kind) for one record: each other name against the listed name."""
    for alias in rec.aliases:
        yield alias, rec.name, alias_kind(rec.name, alias, "alias")
    for former in rec.former:
        yield former, rec.name, alias_kind(rec.name, former, "former_name")
    for weak in rec.weak:
        yield weak, rec.name, alias_kind(rec.name, weak, "weak_alias")
    for chinese, kind, _ in rec.chinese:
        yield chinese, rec.name, kind


def build(shared: Path) -> tuple[list[Pair], dict[str, int]]:
    """All pairs, sorted, and a few counts for the report."""
    stats: dict[str, int] = {}
    records: list[Record] = []
    # The press file first: its finer kinds (short name, traditional script, unverified) win
    # when the bundled list repeats the same Chinese name.
    records.extend(read_press(shared / PRESS))
    records.extend(read_bundled(BUNDLED))
    records.extend(read_csv_list(shared / UFLPA, "uflpa_csv"))
    records.extend(read_csv_list(shared / WRO, "cbp_wro_csv"))
    records.extend(read_csv_list(shared / BIS, "bis_csv"))
    records.extend(read_ftm_fixture(shared / YENTE, "yente_fixture"))
    snap, skipped = read_snapshot(shared / SNAPSHOT)
    records.extend(snap)
    stats["snapshot_entries_used"] = len(snap)
    stats["snapshot_entries_skipped_not_org"] = skipped
    bench = read_bench(shared / BENCH)

    groups = Groups()
    for rec in records:
        keys = [core_key(n) for n in [rec.name, *rec.aliases, *rec.former, *rec.weak]]
        keys += [core_key(c[0]) for c in rec.chinese]
        for k in keys[1:]:
            groups.union(keys[0], k)
    for bp in bench:
        groups.union(core_key(bp.name1), core_key(bp.name2))

    def gid(name: str) -> str:
        return "g" + hashlib.sha256(groups.find(core_key(name)).encode()).hexdigest()[:12]

    pairs: list[Pair] = []
    seen: set[tuple[str, str]] = set()

    def add(query: str, candidate: str, label: int, kind: str, group: str, source: str) -> None:
        query, candidate = " ".join(query.split()), " ".join(candidate.split())
        fq, fc = fold(query), fold(candidate)
        if not fq or not fc or fq == fc:
            return  # the same name but for case and punctuation tests nothing
        key = (min(fq, fc), max(fq, fc))
        if key in seen:
            return
        seen.add(key)
        pairs.append(Pair(query, candidate, label, kind, group, source))

    for rec in records:
        for query, candidate, kind in record_pairs(rec):
            add(query, candidate, 1, kind, gid(rec.name), rec.source)
    for bp in bench:
        kind = "bench_person" if bp.schema == "Person" else f"bench_{bp.schema.lower()}"
        if bp.schema in ("Company", "Organization", "LegalEntity"):
            kind = "bench_company"
        add(bp.name1, bp.name2, bp.label, kind, gid(bp.name1), f"nomenklatura_bench:{bp.row}")

    pairs.extend(negatives(records, gid, seen, stats))
    pairs.sort(key=lambda p: (split_of(p.group), p.group, p.kind, p.query, p.candidate))
    return pairs, stats


def negatives(records: list[Record], gid: object, seen: set[tuple[str, str]],
              stats: dict[str, int]) -> Iterator[Pair]:
    """Hard negatives (listed names of two entities sharing a word) and easy ones."""
    group_of = gid  # type: ignore[assignment]
    regions, industries = region_words(), industry_words()
    legal_cache: dict[str, bool] = {}
    # One entry per group: its first listed name in a stable order (Latin names only: token
    # overlap means nothing between scripts).
    by_group: dict[str, tuple[str, str]] = {}
    for rec in sorted(records, key=lambda r: (r.source, r.key)):
        if script_of(rec.name) != "latin" or len(tokens(rec.name)) < 1:
            continue
        g = group_of(rec.name)  # type: ignore[operator]
        by_group.setdefault(g, (rec.name, rec.source))
    entries = sorted(by_group.items(), key=lambda kv: stable_hash("order:" + kv[0]))
    postings: dict[str, list[str]] = defaultdict(list)
    toks: dict[str, frozenset[str]] = {}
    cores: dict[str, str] = {}
    for g, (name, _) in entries:
        ts = frozenset(tokens(name))
        toks[g] = ts
        cores[g] = core_key(name)
        for t in ts:
            postings[t].append(g)

    def word_kind(word: str) -> str:
        if is_legal_word(word, legal_cache):
            return "legal_form"
        if word in regions:
            return "region"
        if word in industries:
            return "industry"
        return "trade_word"

    def overlap_kind(a: frozenset[str], b: frozenset[str]) -> str | None:
        shared = a & b
        if not shared:
            return None
        kinds = {word_kind(w) for w in shared if not w.isdigit()}
        for kind in HARD_KINDS:
            if kind in kinds:
                return kind
        return None

    def usable(ga: str, gb: str) -> bool:
        if ga == gb or split_of(ga) != split_of(gb):
            return False
        ta, tb = toks[ga] - _legal(toks[ga]), toks[gb] - _legal(toks[gb])
        # One name's words inside the other's: a parent, a branch or the same entity listed
        # twice; the label would be a guess, so no negative is made of it.
        if cores[ga] == cores[gb] or (ta and tb and (ta <= tb or tb <= ta)):
            return False
        fa, fb = fold(by_group[ga][0]), fold(by_group[gb][0])
        return (min(fa, fb), max(fa, fb)) not in seen

    def _legal(ts: frozenset[str]) -> frozenset[str]:
        return frozenset(t for t in ts if is_legal_word(t, legal_cache))

    counts: dict[str, int] = defaultdict(int)
    for ga, (name_a, source_a) in entries:
        found: dict[str, str] = {}
        # Rare words first: a shared rare word is the hardest negative.
        for word in sorted(toks[ga], key=lambda w: (len(postings[w]), w)):
            kind = word_kind(word)
            if kind in found or word.isdigit():
                continue
            for gb in postings[word][:HARD_POOL]:
                if usable(ga, gb) and overlap_kind(toks[ga], toks[gb]) == kind:
                    found[kind] = gb
                    break
        for kind, gb in sorted(found.items()):
            name_b = by_group[gb][0]
            fa, fb = fold(name_a), fold(name_b)
            seen.add((min(fa, fb), max(fa, fb)))
            counts["hard_negative_" + kind] += 1
            yield Pair(name_a, name_b, 0, "hard_negative_" + kind, ga,
                       f"{source_a} x {by_group[gb][1]}")
        # One easy negative for every other entity: no word in common.
        if stable_hash("easy:" + ga) % 2 == 0:
            start = stable_hash("easy-pick:" + ga) % len(entries)
            for step in range(50):
                gb, (name_b, source_b) = entries[(start + step) % len(entries)]
                if not (toks[ga] & toks[gb]) and usable(ga, gb):
                    fa, fb = fold(name_a), fold(name_b)
                    seen.add((min(fa, fb), max(fa, fb)))
                    counts["easy_negative"] += 1
                    yield Pair(name_a, name_b, 0, "easy_negative", ga, f"{source_a} x {source_b}")
                    break
    stats.update(counts)


def write(pairs: Iterable[Pair], out: Path) -> int:
    """Write pairs.csv atomically (a temporary file renamed into place)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".csv.tmp")
    n = 0
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS)
        for p in pairs:
            writer.writerow((p.query, p.candidate, p.label, p.kind, p.group, split_of(p.group),
                             p.source))
            n += 1
    tmp.replace(out)
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                        help="the folder of the sources (watchlists/, bench/, fixtures/)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    pairs, stats = build(args.shared)
    n = write(pairs, args.out)
    summary: dict[tuple[str, str, int], int] = defaultdict(int)
    for p in pairs:
        summary[(split_of(p.group), p.kind, p.label)] += 1
    print(f"{n} pairs -> {args.out}", file=sys.stderr)
    for key, value in sorted(stats.items()):
        print(f"  {key}: {value}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
