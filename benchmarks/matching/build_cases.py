"""Build the labelled list-screening cases (data/cases.csv) from the repository's own list data.

Positives are the names of the bundled watchlist entities, rewritten the way supplier lists and
bills of lading write them (upper case, other legal form, address on the same line, C/O and TEL
parts, cut at 35 characters, one typo in the trade name, words swapped, pinyin spaced, Chinese
script, full pinyin of a Chinese alias, aliases and former names). Negatives are recombinations
of the listed names' region, industry and trade words into other companies, plus real company
names that are on no list.

Inputs (all in the repository): ``src/sourcetrace/data/default.ftm.jsonl`` (the bundled FtM list),
``sources/watchlists/*.csv`` and ``sources/domain/`` (the §6 glossary of ``domain-facts.md`` and
``xinjiang-places.csv``), plus the copied nomenklatura bench file in ``data/``. Nothing here imports
``sourcetrace``: the cases must not depend on the matcher they measure.

Output is deterministic: every random choice uses a ``random.Random`` seeded from a fixed seed and
the entity id, and rows are written in a fixed order.

Run: ``.venv/bin/python benchmarks/matching/build_cases.py``
"""

from __future__ import annotations

import csv
import json
import random
import re
import unicodedata
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import opencc
from pypinyin import Style, lazy_pinyin

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DATA = HERE / "data"
LIST_FILE = ROOT / "src" / "sourcetrace" / "data" / "default.ftm.jsonl"
WATCHLISTS = ROOT / "sources" / "watchlists"
DOMAIN_FACTS = ROOT / "sources" / "domain" / "domain-facts.md"
PLACES_CSV = ROOT / "sources" / "domain" / "xinjiang-places.csv"
NK_BENCH = DATA / "nomenklatura_name_bench_cases.csv"
OUT = DATA / "cases.csv"
SEED = 20261127

NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

# Generic vocabulary, used only to tell a trade name (字号) from region, industry and legal words
# when building variants and negatives. General company-name words, no facts about any party.
LEGAL_WORDS = frozenset(
    [
        "co",
        "company",
        "companies",
        "ltd",
        "limited",
        "corp",
        "corporation",
        "inc",
        "incorporated",
        "llc",
        "plc",
        "jsc",
        "pvt",
        "youxian",
        "gongsi",
        "gufen",
        "zeren",
    ]
)
BUSINESS_WORDS = frozenset(
    [
        "and",
        "of",
        "the",
        "group",
        "holding",
        "holdings",
        "industry",
        "industries",
        "industrial",
        "enterprise",
        "enterprises",
        "trading",
        "trade",
        "business",
        "commerce",
        "commercial",
        "import",
        "export",
        "international",
        "development",
        "investment",
        "technology",
        "technologies",
        "tech",
        "science",
        "information",
        "digital",
        "products",
        "product",
        "manufacturing",
        "factory",
        "plant",
        "works",
        "mill",
        "new",
        "energy",
        "power",
        "electric",
        "electronic",
        "electronics",
        "material",
        "materials",
        "resources",
        "mining",
        "mine",
        "metals",
        "metal",
        "nonferrous",
        "steel",
        "iron",
        "aluminum",
        "aluminium",
        "foil",
        "battery",
        "copper",
        "zinc",
        "magnesium",
        "titanium",
        "carbon",
        "silicon",
        "solar",
        "cotton",
        "linen",
        "wool",
        "yarn",
        "fiber",
        "fibre",
        "textile",
        "textiles",
        "spinning",
        "color",
        "colour",
        "dyed",
        "melange",
        "garment",
        "garments",
        "apparel",
        "clothing",
        "fashion",
        "accessories",
        "hair",
        "food",
        "foods",
        "agricultural",
        "agriculture",
        "organic",
        "sugar",
        "canned",
        "health",
        "biotech",
        "biotechnology",
        "bio",
        "biological",
        "pharmaceutical",
        "medicine",
        "medical",
        "herbal",
        "chemical",
        "chemicals",
        "logistics",
        "supply",
        "chain",
        "warehousing",
        "storage",
        "park",
        "machinery",
        "equipment",
        "auto",
        "parts",
        "shoes",
        "shoe",
        "footwear",
        "service",
        "services",
        "engineering",
        "construction",
        "communications",
        "communication",
        "management",
        "economic",
        "station",
        "reserve",
        "library",
        "branch",
        "public",
        "security",
        "bureau",
        "prefecture",
        "municipality",
        "municipal",
        "county",
        "autonomous",
        "district",
        "region",
        "city",
        "province",
        "corps",
        "production",
        "division",
        "shares",
        "semiconductor",
        "microelectronics",
        "printing",
        "potash",
        "lithium",
        "gold",
        "smelting",
        "fruits",
        "vegetable",
        "coal",
        "electricity",
        "cereals",
        "oils",
        "additive",
        "ingredients",
        "nutraceutical",
        "bioscience",
        "optoelectronic",
        "automation",
        "real",
        "estate",
        "green",
        "cooperation",
        "shares",
    ]
)
# Provinces and cities that begin listed names outside Xinjiang (Xinjiang places come from
# sources/domain/xinjiang-places.csv).
CHINA_PLACES = frozenset(
    [
        "china",
        "chinese",
        "anhui",
        "beijing",
        "chongqing",
        "fujian",
        "gansu",
        "guangdong",
        "guangxi",
        "guizhou",
        "hainan",
        "hebei",
        "heilongjiang",
        "henan",
        "hubei",
        "hunan",
        "jiangsu",
        "jiangxi",
        "jilin",
        "liaoning",
        "inner",
        "mongolia",
        "ningxia",
        "qinghai",
        "shaanxi",
        "shandong",
        "shanghai",
        "shanxi",
        "sichuan",
        "szechuan",
        "tianjin",
        "tibet",
        "xizang",
        "yunnan",
        "zhejiang",
        "baoding",
        "hefei",
        "nanjing",
        "dongguan",
        "zhuhai",
        "zhengzhou",
        "changzhou",
        "shenzhen",
        "guangzhou",
        "hangzhou",
        "ningbo",
        "xiamen",
        "qingdao",
        "jinan",
        "wuxi",
        "dalian",
        "baotou",
        "baoji",
        "baiyin",
        "binzhou",
        "hengshui",
        "heze",
        "jiangyin",
        "jining",
        "junan",
        "lanxi",
        "linxi",
        "nanyang",
        "ninghai",
        "rizhao",
        "taiyuan",
        "zhangzhou",
        "changsha",
        "mianyang",
        "tangshan",
        "huizhou",
        "xuzhou",
        "shenyang",
        "nantong",
        "donghai",
        "chaohu",
        "nanling",
        "huangmei",
        "xiaochi",
        "wuyuan",
        "nangong",
        "xinye",
        "lop",
    ]
)
# Industries no listed entity is in, for "listed trade name + unrelated industry" negatives.
UNRELATED_EN = (
    "Securities",
    "Bank",
    "Insurance",
    "Real Estate Development",
    "Hotel",
    "Property Management",
    "Travel Agency",
    "Catering Management",
    "Education Consulting",
    "Advertising",
    "Law Firm",
    "Film and Television Media",
    "Kindergarten Management",
    "Dental Clinic",
)
UNRELATED_ZH = ("证券", "银行", "保险", "房地产开发", "酒店管理", "物业管理", "旅行社", "餐饮管理")
GENERIC_EN = (
    "Trading",
    "Import & Export",
    "International Trade",
    "Development",
    "Investment",
    "Commerce and Trade",
    "Supply Chain Management",
    "Industrial Development",
    "Logistics",
    "Holdings Group",
    "Economic and Trade",
    "Technology Development",
)
GENERIC_ZH = ("商贸", "进出口", "国际贸易", "投资", "发展", "供应链管理", "物流", "实业")
LEGAL_FORMS = ("Co., Ltd.", "Company Limited", "Co Ltd", "Youxian Gongsi", "Co., Limited", "Ltd.")
LEGAL_ZH = ("股份有限公司", "有限责任公司", "有限公司", "集团有限公司", "公司", "集团")
ADDRESSES = (
    "NO 88 BEIJING RD URUMQI XINJIANG",
    "NO. 12 RENMIN ROAD KASHGAR XINJIANG CHINA",
    "ROOM 1203 BLDG 5 NO 66 ZHONGSHAN RD SHANGHAI 200001 CHINA",
    "NO 3 INDUSTRIAL PARK AKSU XINJIANG 843000",
    "ADD: 18 JIEFANG NORTH RD, URUMQI, CHINA",
    "NO 1 YOUHAO ROAD SHIHEZI XINJIANG",
    "BLDG 2 NO 9 HUANGHE RD HEFEI ANHUI",
    "NO 256 JIANGNAN AVENUE NINGBO ZHEJIANG",
    "FLOOR 6 NO 100 TIANSHAN ROAD KORLA",
    "NO 7 XINHUA STREET HOTAN XINJIANG 848000",
)
CARE_OF = (
    "C/O KUEHNE + NAGEL LTD",
    "C/O DHL GLOBAL FORWARDING (CHINA) CO LTD",
    "C/O SINOTRANS LTD URUMQI BRANCH",
    "C/O COSCO SHIPPING LOGISTICS CO LTD",
    "C/O EXPEDITORS INTERNATIONAL",
    "C/O SCHENKER CHINA LTD",
)
# Real companies on none of the bundled lists (general knowledge); Chinese ones share regions
# (Zhuhai, Hefei, Nanjing, Shandong ...) or industry words with listed entities.
CLEAN_REAL = (
    "Gree Electric Appliances, Inc. of Zhuhai",
    "Haier Smart Home Co., Ltd.",
    "Lenovo Group Limited",
    "Midea Group Co., Ltd.",
    "BYD Company Limited",
    "Xiaomi Corporation",
    "Tsingtao Brewery Company Limited",
    "China Merchants Bank Co., Ltd.",
    "Ping An Insurance (Group) Company of China, Ltd.",
    "Li Ning Company Limited",
    "Shenzhou International Group Holdings Limited",
    "Wanhua Chemical Group Co., Ltd.",
    "Sinopec Shanghai Petrochemical Company Limited",
    "Anhui Conch Cement Company Limited",
    "Jiangsu Hengrui Pharmaceuticals Co., Ltd.",
    "Shandong Hi-Speed Group Co., Ltd.",
    "Nanjing Iron & Steel Co., Ltd.",
    "Hefei Department Store Group Co., Ltd.",
    "Zhejiang Geely Holding Group Co., Ltd.",
    "Yunnan Baiyao Group Co., Ltd.",
    "Kweichow Moutai Co., Ltd.",
    "SF Express Co., Ltd.",
    "Bosideng International Holdings Ltd.",
    "Hennes & Mauritz AB",
    "Inditex S.A.",
    "Fast Retailing Co., Ltd.",
    "Unilever PLC",
    "Nestle S.A.",
    "A.P. Moller - Maersk A/S",
    "Siemens Healthineers AG",
    "Levi Strauss & Co.",
    "Patagonia, Inc.",
    "Ikea of Sweden AB",
    "Marks and Spencer Group plc",
    "Target Corporation",
    "Costco Wholesale Corporation",
    "Bosch Rexroth AG",
    "Toray Industries, Inc.",
    "Vietnam National Textile and Garment Group",
    "Arvind Limited",
)

_T2S = opencc.OpenCC("t2s")
_TOKEN = re.compile(r"[a-z0-9]+")
_LEGAL_TAIL = re.compile(
    r"(?:,?\s+|\s*,\s*)(?:co(?:mpany)?\.?,?\s*(?:ltd|limited)\.?|company|co\.?|limited|ltd\.?|"
    r"corporation|corp\.?|inc\.?)\s*$",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Entity:
    """One party of the bundled list, with its names by kind."""

    id: str
    schema: str
    countries: list[str]
    names: dict[str, list[str]]
    verified: dict[str, bool] = field(default_factory=dict)

    @property
    def primary(self) -> str:
        return self.names["name"][0]

    def all_names(self) -> list[str]:
        return [n for prop in NAME_PROPS for n in self.names.get(prop, [])]


@dataclass(frozen=True, slots=True)
class Case:
    """One labelled query: a name and the entity ids it refers to (none for a negative)."""

    query: str
    expected: tuple[str, ...]
    kind: str
    source: str


# --------------------------------------------------------------------------------------- loading


def norm_name(name: str) -> str:
    """The name key two lists share: case, punctuation and a trailing legal form aside."""
    text = unicodedata.normalize("NFKC", name).casefold().strip()
    for _ in range(2):
        text = _LEGAL_TAIL.sub("", text)
    return "".join(c for c in text if c.isalnum())


def load_list(path: Path = LIST_FILE) -> list[Entity]:
    """The parties (not the Sanction records) of an FtM JSON-lines file, in file order."""
    entities: list[Entity] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        data = json.loads(line)
        if data["schema"] == "Sanction":
            continue
        props = data.get("properties", {})
        names = {p: [v.strip() for v in props.get(p, []) if v.strip()] for p in NAME_PROPS}
        if not names["name"]:
            continue
        sources = data.get("name_sources") or {}
        verified = {k: bool(v.get("verified", True)) for k, v in sources.items()}
        entities.append(
            Entity(data["id"], data["schema"], list(props.get("country", [])), names, verified)
        )
    return entities


def clusters_by_name(entities: list[Entity]) -> list[list[Entity]]:
    """Entities listed on several lists under the same normalised primary name, grouped."""
    groups: dict[str, list[Entity]] = {}
    for entity in entities:
        groups.setdefault(norm_name(entity.primary), []).append(entity)
    return list(groups.values())


def xinjiang_places() -> tuple[set[str], list[str]]:
    """Latin place words (lower case) and Chinese short place names from xinjiang-places.csv."""
    latin: set[str] = set()
    chinese: list[str] = []
    with PLACES_CSV.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for alt in [row["pinyin"], *row["alt_names"].split(";")]:
                for token in _TOKEN.findall(fold_latin(alt)):
                    if token not in {"shi", "xian", "qu", "diqu", "zizhiqu", "zizhizhou"}:
                        latin.add(token)
            zh = row["name_zh"]
            short = re.sub(r"(维吾尔自治区|自治州|地区|市|县|区)$", "", zh)
            for name in (zh, short):
                if len(name) >= 2 and name not in chinese:
                    chinese.append(name)
    return latin, chinese


@dataclass(frozen=True, slots=True)
class GlossaryRow:
    zh: tuple[str, ...]
    english: tuple[str, ...]
    section: str


def glossary() -> list[GlossaryRow]:
    """The §6 glossary table of domain-facts.md, row by row, with its section heading."""
    text = DOMAIN_FACTS.read_text(encoding="utf-8")
    start = text.index("**Glossary.**")
    end = text.index("## 7.", start)
    rows: list[GlossaryRow] = []
    section = ""
    for line in text[start:end].splitlines():
        if not line.startswith("|") or line.startswith("|---") or "Chinese | pinyin" in line:
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0].startswith("**"):
            section = cells[0].strip("*")
            continue
        zh = tuple(z.strip() for z in re.split(r"[/()]", cells[0]) if CJK.search(z))
        english_cell = re.sub(r"\([^)]*\)|†|UNVERIFIED.*", "", cells[2])
        english = tuple(e.strip(' ."') for e in re.split(r"[;/]", english_cell) if e.strip(' ."'))
        rows.append(GlossaryRow(zh, english, section))
    return rows


def industry_terms() -> tuple[list[str], list[str]]:
    """English and Chinese industry words of the §6 glossary (its business/industry part)."""
    english: list[str] = []
    chinese: list[str] = []
    for row in glossary():
        if not row.section.startswith("Business type"):
            continue
        for word in row.english[:1]:
            if len(word) <= 40 and "slang" not in word and word not in english:
                english.append(word)
        for zh in row.zh[:1]:
            if zh not in chinese:
                chinese.append(zh)
    return english, chinese


# ----------------------------------------------------------------------------------- text tools


def fold_latin(text: str) -> str:
    """Lower case without accents or apostrophes."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace("'", "").replace("’", "")


def split_legal(name: str) -> tuple[str, str]:
    """A Latin name's body and its trailing legal form ("" when none)."""
    m = _LEGAL_TAIL.search(name)
    if not m:
        return name.strip(), ""
    return name[: m.start()].strip().rstrip(","), m.group(0).strip(" ,")


def upper_no_punct(name: str) -> str:
    """Upper case with punctuation stripped, as many bills of lading print names."""
    text = re.sub(r"[^\w\s&]", " ", name.upper())
    return " ".join(text.split())


@lru_cache(maxsize=1)
def generic_words() -> frozenset[str]:
    """Words that are never a trade name: legal, business, industry and place words."""
    latin_places, _ = xinjiang_places()
    words = set(LEGAL_WORDS | BUSINESS_WORDS | CHINA_PLACES) | latin_places
    for row in glossary():
        for english in row.english:
            words.update(_TOKEN.findall(fold_latin(english)))
    return frozenset(words)


@lru_cache(maxsize=1)
def place_words() -> frozenset[str]:
    latin_places, _ = xinjiang_places()
    return frozenset(latin_places | CHINA_PLACES)


def trade_word(name: str) -> str | None:
    """The first distinctive word of a Latin name (its likely trade name), if any."""
    body, _ = split_legal(name)
    words: list[str] = re.findall(r"[A-Za-z][A-Za-z\-’']+", body)
    for word in words:
        if len(word) >= 4 and fold_latin(word).replace("-", "") not in generic_words():
            return word
    return None


@lru_cache(maxsize=1)
def pinyin_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable (from pypinyin's reading of the CJK block)."""
    chars = "".join(chr(c) for c in range(0x4E00, 0x9FA6))
    return frozenset(s for s in lazy_pinyin(chars, style=Style.NORMAL) if s.isalpha())


def split_pinyin(word: str) -> list[str] | None:
    """A word split into pinyin syllables (fewest syllables), or None when it is not pinyin."""
    w = word.lower()
    syl = pinyin_syllables()
    best: list[list[str] | None] = [None] * (len(w) + 1)
    best[0] = []
    for end in range(1, len(w) + 1):
        for start in range(max(0, end - 6), end):
            prev = best[start]
            piece = w[start:end]
            if prev is not None and piece in syl and len(piece) >= 2:
                cand = [*prev, piece]
                if best[end] is None or len(cand) < len(best[end] or []):
                    best[end] = cand
    result: list[str] | None = best[len(w)]
    return result if result and 2 <= len(result) <= 3 else None


PLACE_TYPE_WORDS = frozenset(
    ["county", "city", "district", "prefecture", "province", "municipality", "autonomous", "region"]
)


def leading_region(body: str) -> tuple[str, str]:
    """A name body's leading place ("Lop County", "Inner Mongolia", "Xinjiang") and the rest."""
    words = body.split()
    if not words or fold_latin(words[0]) not in place_words():
        return "", body
    size = 1
    if fold_latin(words[0]) == "inner" and len(words) > 1:
        size = 2
    while size < len(words) and fold_latin(words[size]) in PLACE_TYPE_WORDS:
        size += 1
    return " ".join(words[:size]), " ".join(words[size:])


def recase(piece: str, like: str) -> str:
    return piece.upper() if like.isupper() else piece.capitalize()


@lru_cache(maxsize=1)
def zh_words() -> tuple[str, ...]:
    """Chinese words to segment a name on, longest first: places, glossary and legal words."""
    _, places = xinjiang_places()
    words = set(places) | {"股份", "有限", "责任", "公司", "集团", "合肥", "南京", "郑州", "信息"}
    for row in glossary():
        if not row.section.startswith("Organisational"):
            words.update(row.zh)
    words = {w for w in words if 2 <= len(w) <= 3}
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


def full_pinyin(chinese: str) -> str:
    """A Chinese name written in full pinyin, one word per segment: 新疆中泰 -> Xinjiang Zhongtai."""
    parts: list[str] = []
    for run in re.split(r"([\u3400-\u9fff]+)", _T2S.convert(chinese)):
        if not run:
            continue
        if not CJK.search(run):
            parts.append(run.strip())
            continue
        words: list[str] = []
        i, pending = 0, ""
        while i < len(run):
            hit = next((w for w in zh_words() if run.startswith(w, i)), None)
            if hit is None:
                pending += run[i]
                i += 1
                continue
            words.extend(pending[j : j + 2] for j in range(0, len(pending), 2))
            pending = ""
            words.append(hit)
            i += len(hit)
        words.extend(pending[j : j + 2] for j in range(0, len(pending), 2))
        parts.extend("".join(lazy_pinyin(w, style=Style.NORMAL)).capitalize() for w in words)
    text = " ".join(p for p in parts if p)
    text = re.sub(r"\(\s*", "(", re.sub(r"\s*\)", ")", text)).replace(")", ") ")
    return " ".join(text.split())


def typo(word: str, rng: random.Random) -> str:
    """The word with one interior letter dropped or two neighbouring letters swapped."""
    for _ in range(10):
        i = rng.randrange(1, len(word) - 2)
        if rng.random() < 0.5:
            out = word[:i] + word[i + 1 :]
        else:
            out = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if out != word:
            return out
    return word[:-1]


def tel(rng: random.Random) -> str:
    area = rng.choice(("991", "998", "903", "21", "551", "25", "756"))
    return f"TEL +86 {area} {rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)}"


# ----------------------------------------------------------------------------------- positives


def entity_rng(entity_id: str, salt: str = "") -> random.Random:
    return random.Random(SEED ^ zlib.crc32((entity_id + salt).encode()))


def is_chinese_company(entity: Entity) -> bool:
    return entity.schema == "Company" and (not entity.countries or "cn" in entity.countries)


def latin_variants(name: str, entity: Entity, rng: random.Random) -> Iterator[tuple[str, str]]:
    """(query, kind) variants of one Latin name, as supplier lists and bills of lading write it."""
    body, legal = split_legal(name)
    company = is_chinese_company(entity)
    upper = upper_no_punct(name)
    yield upper, "upper_nopunct"
    if company:
        forms = [
            f for f in LEGAL_FORMS if f.lower().replace(".", "") != legal.lower().replace(".", "")
        ]
        yield f"{body} {rng.choice(forms)}".replace(" Co.,", " Co.,"), "legal_form"
        yield f"{upper_no_punct(body)} CO LTD {rng.choice(ADDRESSES)}", "address_appended"
    else:
        yield f"{upper} {rng.choice(ADDRESSES)}", "address_appended"
    yield f"{upper} {rng.choice(CARE_OF)}", "care_of"
    yield f"{name} {tel(rng)}", "tel_appended"
    if len(upper) > 35:
        yield upper[:35], "truncated35"
    trade = trade_word(name)
    if trade is None:
        words = [w for w in re.findall(r"[A-Za-z]{5,}", body)]
        trade = max(words, key=len) if words else None
    if trade and len(trade) >= 5:
        yield name.replace(trade, typo(trade, rng), 1), "typo"
    region, rest = leading_region(body)
    if company and region and len(rest.split()) >= 2:
        # The region moved behind the trade name and industry (字号+行业+(行政区划)+组织形式).
        if rng.random() < 0.6:
            yield f"{rest} ({region}) {legal or 'Co., Ltd.'}", "word_order"
        else:
            yield upper_no_punct(f"{rest} {region} {legal or 'Co Ltd'}"), "word_order"
    if company:
        trade_py = trade_word(name)
        syllables = split_pinyin(trade_py) if trade_py else None
        if trade_py and syllables:
            spaced = " ".join(recase(s, trade_py) for s in syllables)
            yield name.replace(trade_py, spaced, 1), "pinyin_spaced"
        # Stacked noise, as on a real bill of lading line.
        stacked = upper_no_punct(f"{body} {rng.choice(LEGAL_FORMS)}")
        if trade_py and syllables and rng.random() < 0.5:
            stacked = stacked.replace(trade_py.upper(), " ".join(syllables).upper(), 1)
        yield f"{stacked} {rng.choice(ADDRESSES)} {tel(rng)}", "combined"


def chinese_variants(name: str) -> Iterator[tuple[str, str]]:
    """Variants of one Chinese alias: the alias, it without legal form, and its full pinyin."""
    yield name, "zh_script"
    short = name
    for form in LEGAL_ZH:
        if short.endswith(form) and len(short) - len(form) >= 4:
            short = short[: -len(form)]
            break
    if short != name:
        yield short, "zh_short"
    yield full_pinyin(name), "full_pinyin"


def positives(entities: list[Entity]) -> Iterator[Case]:
    """Every positive case of every cluster of equivalent entities, in list order."""
    for cluster in clusters_by_name(entities):
        lead = cluster[0]
        ids = tuple(e.id for e in cluster)
        rng = entity_rng(lead.id)
        seen: set[str] = set()
        primary_src = f"list:{lead.id}:name"
        yield Case(lead.primary, ids, "exact", primary_src)
        seen.add(lead.primary)
        for query, kind in latin_variants(lead.primary, lead, rng):
            yield Case(query, ids, kind, primary_src)
        for entity in cluster:
            for prop in NAME_PROPS:
                for name in entity.names.get(prop, []):
                    if name in seen:
                        continue
                    seen.add(name)
                    src = f"list:{entity.id}:{prop}"
                    if CJK.search(name):
                        weak = prop == "weakAlias" or not entity.verified.get(name, True)
                        for query, kind in chinese_variants(name):
                            yield Case(query, ids, kind + ("_weak" if weak else ""), src)
                        continue
                    if norm_name(name) == norm_name(lead.primary):
                        continue
                    kind = {
                        "name": "other_list_name",
                        "alias": "alias",
                        "previousName": "former_name",
                        "weakAlias": "weak_alias",
                    }[prop]
                    yield Case(name, ids, kind, src)
                    if prop in ("alias", "previousName") and len(name) > 12:
                        yield Case(upper_no_punct(name), ids, kind + "_upper", src)


def csv_positives(entities: list[Entity]) -> Iterator[Case]:
    """Names as the source CSVs write them, where they differ from the bundled list's strings."""
    by_norm: dict[str, list[str]] = {}
    for entity in entities:
        for name in entity.all_names():
            by_norm.setdefault(norm_name(name), [])
            if entity.id not in by_norm[norm_name(name)]:
                by_norm[norm_name(name)].append(entity.id)
    known = {n for e in entities for n in e.all_names()}
    files = {
        "uflpa_entity_list_2026-08-10.csv": ("name", "aliases", "former_names", "chinese_name"),
        "cbp_wro_findings_2026-06-23.csv": ("entity", "aliases"),
        "bis_entity_list_xinjiang_subset_2026-07-27.csv": ("entity",),
        "uflpa_chinese_names_from_press.csv": ("chinese_name",),
    }
    for filename, columns in files.items():
        with (WATCHLISTS / filename).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                for column in columns:
                    for name in (row.get(column) or "").split(";"):
                        name = name.strip()
                        ids = by_norm.get(norm_name(name)) if name else None
                        if not ids or name in known:
                            continue
                        kind = "zh_script" if CJK.search(name) else "csv_name"
                        yield Case(name, tuple(ids), kind, f"csv:{filename}:{column}")


# ----------------------------------------------------------------------------------- negatives


def negative_noise(name: str, rng: random.Random) -> str:
    """Negatives get the same bill-of-lading formatting as positives, so format is no tell."""
    roll = rng.random()
    if roll < 0.25:
        return upper_no_punct(name)
    if roll < 0.35:
        return f"{upper_no_punct(name)} {rng.choice(ADDRESSES)}"
    if roll < 0.45:
        return f"{name} {tel(rng)}"
    return name


def listed_regions(entities: list[Entity]) -> list[str]:
    """Place words that begin listed Chinese names (Xinjiang, Aksu, Hefei ...), in list order."""
    regions: list[str] = []
    # A word that is itself a listed name ("XPCC") is an organisation, not a region.
    listed = {norm_name(n) for e in entities for n in e.all_names()}
    for entity in entities:
        if not is_chinese_company(entity):
            continue
        for name in entity.all_names():
            words = re.findall(r"[A-Za-z]+", name)
            first = fold_latin(words[0]) if words else ""
            not_place = BUSINESS_WORDS | LEGAL_WORDS | listed | {"china", "inner", "the"}
            if first in place_words() and first not in not_place and words[0] not in regions:
                regions.append(words[0])
    return regions


def negatives(entities: list[Entity]) -> Iterator[Case]:
    """Hard negatives by recombination, plus clean real company names."""
    rng = random.Random(SEED)
    industries_en, industries_zh = industry_terms()
    regions = listed_regions(entities)
    companies = [e for e in entities if is_chinese_company(e)]

    # Listed region + an industry the listed entities of that region are not in.
    for region in regions:
        used = " ".join(
            n.lower() for e in companies for n in e.all_names() if n.startswith(region + " ")
        )
        choices = [i for i in industries_en if i.lower().split()[0] not in used]
        for industry in rng.sample(choices, k=min(2, len(choices))):
            name = f"{region} {industry} {rng.choice(LEGAL_FORMS)}"
            yield Case(negative_noise(name, rng), (), "neg_region_industry", "recombined")

    # Listed trade name + an unrelated industry ("Zhongtai Securities Co., Ltd.").
    trades: list[str] = []
    for entity in companies:
        trade = trade_word(entity.primary)
        if trade and trade not in trades:
            trades.append(trade)
    for trade in trades:
        name = f"{trade} {rng.choice(UNRELATED_EN)} {rng.choice(LEGAL_FORMS)}"
        yield Case(negative_noise(name, rng), (), "neg_trade_other_industry", "recombined")

    # Region + generic business words only.
    for region in regions:
        for generic in rng.sample(GENERIC_EN, k=2):
            name = f"{region} {generic} {rng.choice(LEGAL_FORMS)}"
            yield Case(negative_noise(name, rng), (), "neg_region_generic", "recombined")

    # The same in Chinese script: listed Chinese regions and trade names, glossary industries.
    _, places_zh = xinjiang_places()
    zh_regions = [p for p in places_zh if len(p) <= 4][:40]
    for region in zh_regions:
        industry = rng.choice(industries_zh)
        form = rng.choice(("有限公司", "有限责任公司", "股份有限公司"))
        yield Case(f"{region}{industry}{form}", (), "neg_zh_region_industry", "recombined")
        generic = rng.choice(GENERIC_ZH)
        yield Case(f"{region}{generic}有限公司", (), "neg_zh_region_generic", "recombined")
    for trade in zh_trades(entities):
        for unrelated in rng.sample(UNRELATED_ZH, k=2):
            yield Case(
                f"{trade}{unrelated}有限公司", (), "neg_zh_trade_other_industry", "recombined"
            )

    # Real companies on no list.
    for name in CLEAN_REAL:
        yield Case(negative_noise(name, rng), (), "neg_clean_real", "general knowledge")
    for name in nomenklatura_non_matches():
        yield Case(name, (), "neg_clean_real_nk", "nomenklatura name_bench (is_match=false)")


def zh_trades(entities: list[Entity]) -> list[str]:
    """Trade names (字号) of the listed Chinese aliases: region, industry and legal form cut off."""
    _, places = xinjiang_places()
    places = sorted({*places, "合肥", "南京", "郑州", "昌吉"}, key=len, reverse=True)
    _, industries = industry_terms()
    cuts = sorted(
        {
            *industries,
            *LEGAL_ZH,
            "硅业",
            "服饰",
            "发饰",
            "信息技术",
            "纺织",
            "新能源",
            "材料",
            "科技",
            "食品",
            "棉",
            "有色金属",
            "生产建设兵团",
            "矽业",
        },
        key=len,
        reverse=True,
    )
    trades: list[str] = []
    for entity in entities:
        for name in entity.all_names():
            if not CJK.search(name):
                continue
            text = re.sub(r"[(（][^)）]*[)）]", "", _T2S.convert(name))
            for place in places:
                if text.startswith(place):
                    text = text[len(place) :]
                    break
            changed = True
            while changed:
                changed = False
                for cut in cuts:
                    if text.endswith(cut) and len(text) > len(cut) + 1:
                        text, changed = text[: -len(cut)], True
                        break
            if 2 <= len(text) <= 4 and text not in trades:
                trades.append(text)
    return trades


def nomenklatura_non_matches() -> list[str]:
    """Company and organisation names from the nomenklatura bench's non-matching pairs."""
    names: list[str] = []
    with NK_BENCH.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["schema"] in ("Company", "Organization") and row["is_match"] == "false":
                for name in (row["name1"], row["name2"]):
                    if name not in names:
                        names.append(name)
    return names


# --------------------------------------------------------------------------------------- output


def dedupe(cases: Iterable[Case], entities: list[Entity]) -> list[Case]:
    """One case per query text: a query naming several clusters expects any of them; a
    negative equal to a listed name (case and punctuation aside) is dropped."""
    listed = {norm_name(n) for e in entities for n in e.all_names()}
    merged: dict[str, Case] = {}
    for case in cases:
        key = case.query.strip()
        if not key:
            continue
        if not case.expected and norm_name(key) in listed:
            continue
        prev = merged.get(key)
        if prev is None:
            merged[key] = Case(key, case.expected, case.kind, case.source)
        elif case.expected and prev.expected and set(case.expected) - set(prev.expected):
            ids = tuple(dict.fromkeys([*prev.expected, *case.expected]))
            merged[key] = Case(key, ids, prev.kind, prev.source)
        elif case.expected and not prev.expected:
            merged[key] = Case(key, case.expected, case.kind, case.source)
    return list(merged.values())


def build() -> list[Case]:
    entities = load_list()
    cases = [*positives(entities), *csv_positives(entities), *negatives(entities)]
    return dedupe(cases, entities)


def write(cases: list[Case], path: Path = OUT) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["query", "expected_entity_id", "kind", "source"])
        for case in cases:
            writer.writerow([case.query, ";".join(case.expected), case.kind, case.source])


def main() -> None:
    cases = build()
    write(cases)
    pos = sum(1 for c in cases if c.expected)
    print(f"wrote {len(cases)} cases ({pos} positive, {len(cases) - pos} negative) to {OUT}")


if __name__ == "__main__":
    main()
