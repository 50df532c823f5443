"""Build the data the package ships, from the copies in ``sources/``.

    python scripts/build_data.py          # writes src/sourcetrace/data/*
    python scripts/build_data.py --check  # fails if the committed files differ from a fresh build

Outputs (all deterministic: same sources, same bytes):
- ``default.ftm.jsonl``: the bundled watchlists as FollowTheMoney entities (one organisation entity
  per listed party and list, one ``Sanction`` entity per listing, carrying list, section, date and
  source);
- ``manifest.json``: each bundled list with its version, source, counts, content hash and the
  source rows that were not turned into entities, with the reason;
- ``places.tsv``: the gazetteer the name parser uses (Xinjiang in full, China's provinces and
  prefecture-level divisions);
- ``glossary.tsv``: industry and organisation words (Chinese, pinyin, English) from domain-facts §6;
- ``counties.tsv``: China's current county-level divisions outside Xinjiang (counties, county-level
  cities, districts, banners) from python-stdnum's GB/T 2260 codes, keyed by the toneless pinyin
  of the short name: read only in an address tail (after the legal form), never as a region.

Never invent a list entry: every entity comes from a source row; rows that cannot be read as a
party are reported in the manifest, not guessed. A Chinese-name row that names no listed entity
stops the build (exit 2, one line naming the file and row): its name is never attached by guess.
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
from dataclasses import dataclass, field
from pathlib import Path

from followthemoney import model
from gb2260 import PLACEHOLDERS, read_divisions
from pypinyin import lazy_pinyin

from sourcetrace.errors import ListError

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
OUT = ROOT / "src" / "sourcetrace" / "data"

UFLPA_URL = "https://www.dhs.gov/uflpa-entity-list"
CBP_URL = "https://www.cbp.gov/trade/forced-labor/withhold-release-orders-and-findings"
BIS_URL = "https://www.trade.gov/consolidated-screening-list"

# Legal-form words dropped from the key used to recognise the same organisation across rows and
# files (e.g. "Xinjiang Daqo New Energy, Co. Ltd" and "Xinjiang Daqo New Energy Co., Ltd.").
_KEY_DROP = {"co", "ltd", "limited", "company", "inc", "corp", "corporation", "the"}
_ACRONYM = re.compile(r"\s*\(([A-Z][A-Z0-9]{1,9})\)\s*$")


def merge_key(name: str) -> str:
    """Key under which rows naming the same organisation are merged."""
    text = _ACRONYM.sub(" ", name)
    text = unicodedata.normalize("NFKC", text).casefold().replace("’", "'")
    tokens = [t for t in re.split(r"[^\w]+", text) if t and t not in _KEY_DROP]
    return " ".join(tokens)


def split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def entity_id(prefix: str, key: str) -> str:
    return f"{prefix}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:12]}"


def schema_for(name: str) -> str:
    """Company when the name carries a company legal form, else Organization."""
    words = set(re.split(r"[^\w]+", name.casefold()))
    if words & {"co", "ltd", "limited", "company", "inc", "corp", "corporation", "group"}:
        return "Company"
    if "公司" in name:
        return "Company"
    if "public security" in name.casefold() or "police" in name.casefold():
        return "PublicBody"
    return "Organization"


@dataclass
class Party:
    """An organisation as collected from one list, before it becomes FtM entities."""

    id: str
    dataset: str
    name: str
    aliases: list[str] = field(default_factory=list)
    previous: list[str] = field(default_factory=list)
    weak: list[str] = field(default_factory=list)
    country: str = ""
    notes: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    source_urls: list[str] = field(default_factory=list)
    sanctions: list[dict[str, list[str]]] = field(default_factory=list)
    name_sources: dict[str, dict[str, object]] = field(default_factory=dict)

    def keys(self) -> set[str]:
        return {merge_key(n) for n in [self.name, *self.aliases, *self.previous]}

    def add_alias(self, value: str) -> None:
        if value and value != self.name and value not in self.aliases:
            self.aliases.append(value)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@dataclass(frozen=True)
class Watchlist:
    """What every party of one bundled list carries: its id prefix, dataset, topic and source."""

    prefix: str
    dataset: str
    topic: str
    url: str


UFLPA = Watchlist("uflpa", "uflpa", "forced.labor", UFLPA_URL)
CBP = Watchlist("cbp-wro", "cbp_wro", "forced.labor", CBP_URL)
BIS = Watchlist("bis-el", "bis_entity_list_xinjiang", "export.control", BIS_URL)


def collect(parties: dict[str, Party], name: str, source: Watchlist, country: str = "") -> Party:
    """The party of ``parties`` that ``name`` names (merged by ``merge_key``), made on its first
    row; a trailing "(ACRONYM)" of the name becomes an alias."""
    key = merge_key(name)
    party = parties.get(key)
    if party is None:
        party = Party(
            id=entity_id(source.prefix, key),
            dataset=source.dataset,
            name=_ACRONYM.sub("", name).strip(),
            country=country,
            topics=[source.topic],
            source_urls=[source.url],
        )
        parties[key] = party
    for acronym in _ACRONYM.findall(name):
        party.add_alias(acronym)
    return party


def build_uflpa(skipped: list[dict[str, str]]) -> list[Party]:
    path = SOURCES / "watchlists" / "uflpa_entity_list_2026-08-10.csv"
    parties: dict[str, Party] = {}
    for row in read_csv(path):
        name = row["name"].strip()
        if not name:
            skipped.append({"file": path.name, "row": row["row"], "reason": "no entity name"})
            continue
        party = collect(parties, name, UFLPA, row["country"].lower())
        for alias in split_list(row["aliases"]):
            party.add_alias(alias)
        for former in split_list(row["former_names"]):
            if former not in party.previous:
                party.previous.append(former)
        if row["chinese_name"].strip():
            party.add_alias(row["chinese_name"].strip())
        scope = row["scope_note"].strip()
        if scope and scope not in party.notes:
            party.notes.append(scope)
        party.sanctions.append(
            {
                "authority": ["U.S. Department of Homeland Security"],
                "program": ["UFLPA Entity List"],
                "provisions": [row["section"]],
                "reason": [row["section_description"]],
                "listingDate": [row["date_added"]],
                "startDate": [row["date_added"]],
                "sourceUrl": [UFLPA_URL],
                "summary": [scope] if scope else [],
            }
        )
    return list(parties.values())


_TWO_PARTIES = re.compile(r"^(.+?\b(?:Ltd|Limited|Co)\.?)\s+and\s+(.+)$", re.IGNORECASE)
_SCOPE = re.compile(
    r"\s+(and\s+(?:its\s+)?(?:subordinates?|subsidiaries|subordinate and affiliated entities))\s*$",
    re.IGNORECASE,
)
_REGION_WIDE = {"xinjiang uyghur autonomous region"}


def build_cbp(skipped: list[dict[str, str]]) -> tuple[list[Party], list[dict[str, str]]]:
    path = SOURCES / "watchlists" / "cbp_wro_findings_2026-06-23.csv"
    parties: dict[str, Party] = {}
    region_rules: list[dict[str, str]] = []
    for number, row in enumerate(read_csv(path), start=1):
        raw = row["entity"].strip()
        if not raw:
            skipped.append(
                {"file": path.name, "row": str(number), "reason": row["entity_name_source"]}
            )
            continue
        inferred = row["entity_name_source"].upper().startswith("INFERRED")
        scope = ""
        m = _SCOPE.search(raw)
        if m:
            scope = m.group(1)
            raw = raw[: m.start()].strip()
        if merge_key(raw) in _REGION_WIDE:
            # A region-wide order is not a party: it is applied as the Xinjiang location signal.
            region_rules.append(
                {
                    "name": raw,
                    "date": row["effective_date"],
                    "merchandise": row["merchandise"],
                    "status": row["status"],
                }
            )
            continue
        m2 = _TWO_PARTIES.match(raw)
        names = [m2.group(1), m2.group(2)] if m2 else [raw]
        kind = row["wro_or_finding"] or "WRO or Finding"
        for name in names:
            party = collect(parties, name, CBP, row["country_code"].lower())
            for alias in split_list(row["aliases"]):
                party.add_alias(alias)
            if scope and scope not in party.notes:
                party.notes.append(scope)
            if inferred:
                party.name_sources[party.name] = {
                    "source": row["entity_name_source"],
                    "verified": False,
                }
            summary = f"Merchandise: {row['merchandise']}; status: {row['status']}"
            if scope:
                summary += f"; {scope}"
            party.sanctions.append(
                {
                    "authority": ["U.S. Customs and Border Protection"],
                    "program": [f"CBP {kind}"],
                    "reason": [f"Merchandise: {row['merchandise']}"],
                    "listingDate": [row["effective_date"]],
                    "startDate": [row["effective_date"]],
                    "status": [row["status"]],
                    "sourceUrl": [CBP_URL],
                    "summary": [summary],
                }
            )
    return list(parties.values()), region_rules


def build_bis() -> list[Party]:
    path = SOURCES / "watchlists" / "bis_entity_list_xinjiang_subset_2026-07-27.csv"
    parties: dict[str, Party] = {}
    for row in read_csv(path):
        name = row["entity"].strip()
        party = collect(parties, name, BIS)
        party.sanctions.append(
            {
                "authority": ["U.S. Department of Commerce, Bureau of Industry and Security"],
                "program": ["BIS Entity List"],
                "provisions": [row["fr_citation"]],
                "reason": [row["license_requirement"]],
                "listingDate": [row["effective_date"]],
                "startDate": [row["effective_date"]],
                "sourceUrl": [BIS_URL],
                "summary": [f"Selected as Xinjiang-related: {row['selection_reason']}"],
            }
        )
    return list(parties.values())


_PAREN_NOTE = re.compile(
    r"\s*\((?:listed alias|listed former name|parent)[^)]*\)\s*$", re.IGNORECASE
)
_LISTED_ALIAS = re.compile(r"\((?:listed alias|listed former name):\s*([^)]+)\)", re.IGNORECASE)


# The Chinese names of listed entities, each row with the public page it comes from: the press
# articles first, then the names sourced from filings and exchange pages (sources/README.md).
CHINESE_NAMES = (
    SOURCES / "watchlists" / "uflpa_chinese_names_from_press.csv",
    SOURCES / "watchlists" / "uflpa_chinese_names_sourced.csv",
)


def attach_chinese_names(parties: list[Party], paths: tuple[Path, ...] = CHINESE_NAMES) -> None:
    """Add each sourced Chinese name to every party its row names, with the row's source.

    A row joins the party whose name, alias or former name equals its ``uflpa_name`` (compared by
    ``merge_key``, after a trailing "(parent ...)" or "(listed alias: X)" note, whose X is tried
    too). A row marked UNVERIFIED in ``name_type`` becomes a weak alias (kept out of matching), a
    former name a previous name, any other an alias. A row that names no party, or lacks its
    Chinese name or source, stops the build with an error naming the file and row: a name must
    never be attached to a guessed entity, nor shipped without its origin.
    """
    by_key: dict[str, list[Party]] = defaultdict(list)
    for party in parties:
        for key in party.keys():  # noqa: SIM118 (Party.keys is a method of its own, not a dict's)
            by_key[key].append(party)
    for path in paths:
        # Row numbers as a spreadsheet shows them: the header is row 1.
        for number, row in enumerate(read_csv(path), start=2):
            label = row.get("uflpa_name") or ""
            name = (row.get("chinese_name") or "").strip()
            source = (row.get("source_url") or "").strip()
            if not name or not source:
                missing = "chinese_name" if not name else "source_url"
                raise ListError(f"no {missing} given", path=path, row=number, column=missing)
            keys = {merge_key(_PAREN_NOTE.sub("", label))}
            keys.update(merge_key(alias) for alias in _LISTED_ALIAS.findall(label))
            targets = {id(p): p for key in keys for p in by_key.get(key, [])}
            if not targets:
                raise ListError(
                    f"uflpa_name {label!r} names no entity of the bundled lists",
                    path=path,
                    row=number,
                    column="uflpa_name",
                )
            name_type = row["name_type"].lower()
            verified = "unverified" not in name_type
            for party in targets.values():
                if not verified:
                    party.weak.append(name)
                elif "former" in name_type:
                    if name not in party.previous:
                        party.previous.append(name)
                else:
                    party.add_alias(name)
                party.name_sources[name] = {
                    "source": source,
                    "script": row["script"],
                    "name_type": row["name_type"],
                    "note": row["note"],
                    "verified": verified,
                }
                if source not in party.source_urls:
                    party.source_urls.append(source)


def to_ftm(party: Party) -> list[dict[str, object]]:
    """The party as FtM entities: the organisation, then one Sanction per listing."""
    entity = model.make_entity(schema_for(party.name))
    entity.id = party.id
    entity.add("name", party.name)
    entity.add("alias", party.aliases)
    entity.add("previousName", party.previous)
    entity.add("weakAlias", party.weak)
    if party.country:
        entity.add("country", party.country)
    entity.add("topics", party.topics)
    entity.add("notes", party.notes)
    entity.add("sourceUrl", party.source_urls)
    data = entity.to_dict()
    data["datasets"] = [party.dataset]
    if party.name_sources:
        # Per-name provenance (which press article gave a Chinese name, which names are
        # unverified). FtM readers ignore unknown top-level keys; sourcetrace reads it.
        data["name_sources"] = party.name_sources
    out: list[dict[str, object]] = [data]
    for sanction_props in party.sanctions:
        sanction = model.make_entity("Sanction")
        digest = json.dumps(sanction_props, sort_keys=True, ensure_ascii=False)
        sanction.id = entity_id(party.id + "-sanction", digest)
        sanction.add("entity", party.id)
        for prop, values in sanction_props.items():
            sanction.add(prop, [v for v in values if v])
        sdata = sanction.to_dict()
        sdata["datasets"] = [party.dataset]
        out.append(sdata)
    return out


def build_places() -> list[tuple[str, str, str, str, str]]:
    """Gazetteer rows: (name as written, admin code, Chinese name, level, in_xinjiang)."""
    rows: dict[tuple[str, str], tuple[str, str, str, str, str]] = {}

    def add(name: str, code: str, zh: str, level: str) -> None:
        name = name.strip()
        if not name:
            return
        xj = "1" if code.startswith(("65", "66")) else "0"
        rows.setdefault((name.casefold(), code), (name, code, zh, level, xj))

    with (SOURCES / "domain" / "xinjiang-places.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code, zh, level = row["admin_code"], row["name_zh"], row["level"]
            add(zh, code, zh, level)
            for short in chinese_short_forms(zh):
                add(short, code, zh, level)
            add(row["pinyin"].replace("'", ""), code, zh, level)
            for short in latin_short_forms(row["pinyin"].replace("'", "")):
                add(short, code, zh, level)
            for alt in row["alt_names"].split(";"):
                add(alt, code, zh, level)
                for short in latin_short_forms(alt):
                    add(short, code, zh, level)

    # China's provinces and prefecture-level divisions, current names only.
    for division in read_divisions():
        zh = division.current
        if zh is None or division.in_xinjiang:
            continue
        if division.is_province:
            _add_china(add, division.code, zh, "province")
        elif division.code.endswith("00") and not division.code.endswith("0000"):
            if zh in ("市辖区", "县"):
                continue
            _add_china(add, division.code, zh, "prefecture")
    return sorted(rows.values(), key=lambda r: (r[1], r[0]))


def build_counties() -> list[tuple[str, str, str]]:
    """County-level rows (pinyin key, code, Chinese name) from ``sources/stdnum/loc.dat``.

    Current names only (an entry marked ``[-1996]`` has ended), outside Xinjiang (its gazetteer
    has them) and not the ``市辖区`` / ``县`` placeholders; one row per key, the lowest code (the
    same pinyin is several counties: any of them makes a word a place in an address tail).
    """
    rows: dict[str, tuple[str, str, str]] = {}
    for division in read_divisions():
        zh = division.current
        if division.is_province or division.in_xinjiang or division.code.endswith("00"):
            continue
        if zh is None or zh in PLACEHOLDERS:
            continue
        code = division.code
        for short in chinese_short_forms(zh):
            key = "".join(lazy_pinyin(short))
            if key.isascii() and len(key) >= 4 and (key not in rows or code < rows[key][1]):
                rows[key] = (key, code, zh)
    return sorted(rows.values())


def _add_china(add: object, code: str, zh: str, level: str) -> None:
    assert callable(add)
    add(zh, code, zh, level)
    for short in chinese_short_forms(zh):
        add(short, code, zh, level)
        add(" ".join(lazy_pinyin(short)).replace(" ", ""), code, zh, level)


_ETHNIC = r"(?:维吾尔|哈萨克|柯尔克孜|蒙古|回族|锡伯|塔吉克|壮族|藏族|苗族|彝族|土家族|侗族|布依族|瑶族|白族|哈尼族|傣族|黎族|傈僳族|羌族|朝鲜族|满族|畲族|仡佬族|水族|纳西族|仫佬族|毛南族|京族|土族|撒拉族|东乡族|保安族|裕固族|达斡尔族|鄂温克族|鄂伦春族|景颇族|拉祜族|佤族|布朗族|德昂族|怒族|独龙族|普米族|阿昌族|基诺族)*"
_ZH_SUFFIX = re.compile(
    r"(?:" + _ETHNIC + r"(?:自治区|自治州|自治县|自治旗)|特别行政区|地区|省|市|县|区|盟|旗)$"
)


def chinese_short_forms(zh: str) -> list[str]:
    short = _ZH_SUFFIX.sub("", zh)
    return [short] if short != zh and len(short) >= 2 else []


_LATIN_SUFFIX = re.compile(
    r"\s+(?:shi|xian|qu|diqu|sheng|meng|zizhizhou|zizhixian|zizhiqu|county|city|district|"
    r"prefecture|autonomous prefecture|autonomous county|municipality)$",
    re.IGNORECASE,
)


def latin_short_forms(name: str) -> list[str]:
    short = _LATIN_SUFFIX.sub("", name.strip())
    return [short] if short != name.strip() and len(short) >= 3 else []


def build_glossary() -> list[tuple[str, str, str, str]]:
    """Glossary rows: (category, Chinese, pinyin, English variants joined by '|')."""
    text = (SOURCES / "domain" / "domain-facts.md").read_text(encoding="utf-8")
    start = text.index("**Organisational forms**")
    end = text.index("Example decomposition", start)
    category = "org"
    out: list[tuple[str, str, str, str]] = []
    for line in text[start:end].splitlines():
        if "**Business type" in line:
            category = "industry"
            continue
        if "**Location" in line:
            category = "location"
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0] or cells[0].startswith("**"):
            continue
        zh_cell, pinyin_cell, english_cell = cells
        english = re.sub(r"†.*$", "", english_cell)  # the source note after the dagger
        english = re.sub(r"\([^)]*\)", "", english)  # parenthetical remarks
        if '"' in english or "UNVERIFIED" in english:
            continue  # a note, not a rendering
        variants = [
            v.strip(" .").lower()
            for v in re.split(r"[;/]", english)
            if v.strip(" .") and "xpcc" not in v.lower() and "usual" not in v.lower()
        ]
        if "xpcc" in english_cell.lower() or not variants:
            continue  # XPCC unit words name the XPCC itself; the list covers it as an alias
        for zh in re.split(r"\s*/\s*", zh_cell):
            zh = zh.strip("() （）")
            if re.fullmatch(r"[\u4e00-\u9fff]+", zh or ""):
                out.append((category, zh, pinyin_cell, "|".join(variants)))
    return out


def content_hash(lines: list[str]) -> str:
    return "sha256:" + hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def build(chinese_names: tuple[Path, ...] = CHINESE_NAMES) -> dict[str, bytes]:
    skipped: list[dict[str, str]] = []
    uflpa = build_uflpa(skipped)
    cbp, region_rules = build_cbp(skipped)
    bis = build_bis()
    parties = uflpa + cbp + bis
    attach_chinese_names(parties, chinese_names)

    lines: list[str] = []
    per_list: dict[str, list[str]] = defaultdict(list)
    for party in parties:
        for data in to_ftm(party):
            line = json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n"
            lines.append(line)
            per_list[party.dataset].append(line)

    lists_meta = {
        "uflpa": {
            "title": "UFLPA Entity List",
            "publisher": "U.S. Department of Homeland Security",
            "version": "2026-08-10",
            "source": "sources/watchlists/uflpa_entity_list_2026-08-10.csv",
            "url": UFLPA_URL,
        },
        "cbp_wro": {
            "title": "CBP Withhold Release Orders and Findings",
            "publisher": "U.S. Customs and Border Protection",
            "version": "2026-06-23",
            "source": "sources/watchlists/cbp_wro_findings_2026-06-23.csv",
            "url": CBP_URL,
        },
        "bis_entity_list_xinjiang": {
            "title": "BIS Entity List (Xinjiang subset)",
            "publisher": "U.S. Department of Commerce, Bureau of Industry and Security",
            "version": "2026-07-27",
            "source": "sources/watchlists/bis_entity_list_xinjiang_subset_2026-07-27.csv",
            "url": BIS_URL,
        },
    }
    counts = defaultdict(int)
    for party in parties:
        counts[party.dataset] += 1
    for name, meta in lists_meta.items():
        meta["entities"] = counts[name]
        meta["content_hash"] = content_hash(per_list[name])
    manifest = {
        "file": "default.ftm.jsonl",
        "content_hash": content_hash(lines),
        "lists": lists_meta,
        "chinese_names": {
            "sources": [
                path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
                for path in chinese_names
            ],
        },
        "region_rules": region_rules,
        "skipped_rows": skipped,
    }
    places = build_places()
    glossary = build_glossary()
    return {
        "default.ftm.jsonl": "".join(lines).encode("utf-8"),
        "manifest.json": (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode(),
        "places.tsv": tsv(["name", "code", "name_zh", "level", "xinjiang"], places),
        "glossary.tsv": tsv(["category", "zh", "pinyin", "english"], glossary),
        "counties.tsv": tsv(["name", "code", "name_zh"], build_counties()),
    }


def tsv(header: list[str], rows: list[tuple[str, ...]]) -> bytes:
    body = ["\t".join(header)] + ["\t".join(row) for row in rows]
    return ("\n".join(body) + "\n").encode("utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    parser.add_argument(
        "--chinese-names",
        action="append",
        type=Path,
        metavar="CSV",
        help="read these Chinese-name files instead of the two in sources/watchlists (repeatable; "
        "with --check, a way to try a new file before adding it)",
    )
    args = parser.parse_args()
    try:
        files = build(tuple(args.chinese_names) if args.chinese_names else CHINESE_NAMES)
    except ListError as exc:
        # One line naming the file and row, exit 2, nothing written (as the CLI does).
        print(exc.line(), file=sys.stderr)
        return exc.exit_code
    stale = [n for n, b in files.items() if not (OUT / n).exists() or (OUT / n).read_bytes() != b]
    if args.check:
        if stale:
            print(f"stale built files (run scripts/build_data.py): {', '.join(stale)}")
            return 1
        print("built data is up to date")
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (OUT / name).write_bytes(content)
    print(f"wrote {', '.join(files)} to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
