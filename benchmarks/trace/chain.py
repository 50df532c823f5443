"""A generated textile supply chain, as the files ``sourcetrace trace`` reads.

    .venv/bin/python benchmarks/trace/chain.py [--links 1000000] [--nodes 200000] [--out DIR]

Deterministic (seeded). Six tiers: gins -> spinners -> knitters and weavers -> dyers -> garment
makers -> brands, plus caustic-soda plants selling to dyers. Every party is invented except the
planted names of listed organisations (taken from the bundled lists), which stand for suppliers
that match a list; nothing here says anything about any real company's trade.

What makes it look like the files analysts get:
- Chinese parties are named *city + trade name + industry + Co., Ltd.*, and some rows spell them
  in Chinese characters (宁波恒丰纺织有限公司): resolution must join the two spellings;
- addresses (20 % of gins in Xinjiang), unified social credit codes for some Chinese suppliers,
  a few with a Xinjiang registration (region 65);
- HS codes matching the products (5 % of rows give only the product name, 1 % an unrelated part),
  so the product rule has work to do; 2 % of links go back a tier (returns), so there are cycles;
- dates: each tier trades about 45 days after the one above it, over a 9-month spread, so many
  upstream links are dated after the downstream link they would feed; 5 % undated, 2 % month only;
- basis 15 % inferred, 45 % declared, 40 % observed; holdings between random parties.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from sourcetrace.lists import default_list_path, load_entities
from sourcetrace.names.identifiers import ALPHABET

TIER_SHARE = (0.30, 0.20, 0.20, 0.15, 0.125, 0.025)
TIER_PRODUCTS: tuple[tuple[tuple[str, str], ...], ...] = (
    (("cotton lint", "5201.00"), ("combed cotton", "5203.00"), ("cotton linters", "1404.20")),
    (("cotton yarn", "5205.12"), ("melange yarn", "5206.22"), ("polyester yarn", "5402.47"),
     ("blended yarn", "5206.42")),
    (("knitted fabric", "6006.22"), ("woven fabric", "5208.32"), ("denim", "5209.42")),
    (("dyed fabric", "5208.39"), ("printed fabric", "5208.52")),
    (("t-shirts", "6109.10"), ("sweaters", "6110.20"), ("trousers", "6203.42"),
     ("shirts", "6205.20"), ("jackets", "6201.40"), ("socks", "6115.95")),
    (("garments", "6109.10"),),  # brands only buy; a return goes back as garments
)  # fmt: skip
CAUSTIC = ("caustic soda", "2815.12")
OTHER = ("machine parts", "8448.59")

# Hanzi with one common reading, so the English spelling is their pinyin.
HANZI = [
    "华hua",
    "泰tai",
    "恒heng",
    "丰feng",
    "瑞rui",
    "金jin",
    "鸿hong",
    "鑫xin",
    "天tian",
    "益yi",
    "永yong",
    "盛sheng",
    "和he",
    "兴xing",
    "宏hong",
    "达da",
    "昌chang",
    "隆long",
    "源yuan",
    "凯kai",
    "富fu",
    "安an",
    "康kang",
    "明ming",
    "新xin",
    "阳yang",
    "荣rong",
    "佳jia",
    "汇hui",
    "润run",
    "祥xiang",
    "嘉jia",
    "豪hao",
    "晨chen",
    "星xing",
    "海hai",
    "博bo",
    "宇yu",
    "锦jin",
    "辉hui",
]
CN_CITIES = (
    ("Ningbo", "宁波", "Zhejiang"), ("Shaoxing", "绍兴", "Zhejiang"), ("Nantong", "南通", "Jiangsu"),
    ("Suzhou", "苏州", "Jiangsu"), ("Wuxi", "无锡", "Jiangsu"), ("Changzhou", "常州", "Jiangsu"),
    ("Hangzhou", "杭州", "Zhejiang"), ("Jiaxing", "嘉兴", "Zhejiang"), ("Huzhou", "湖州", "Zhejiang"),
    ("Qingdao", "青岛", "Shandong"), ("Weifang", "潍坊", "Shandong"), ("Foshan", "佛山", "Guangdong"),
    ("Dongguan", "东莞", "Guangdong"), ("Guangzhou", "广州", "Guangdong"),
    ("Xiamen", "厦门", "Fujian"), ("Quanzhou", "泉州", "Fujian"), ("Zhengzhou", "郑州", "Henan"),
)  # fmt: skip
XJ_CITIES = (
    ("Aksu", "阿克苏", "Xinjiang"), ("Shihezi", "石河子", "Xinjiang"), ("Kashgar", "喀什", "Xinjiang"),
    ("Changji", "昌吉", "Xinjiang"), ("Hotan", "和田", "Xinjiang"), ("Urumqi", "乌鲁木齐", "Xinjiang"),
)  # fmt: skip
INDUSTRY = (  # per tier: English, Chinese
    (("Cotton", "棉业"),),
    (("Spinning", "纺纱"), ("Textile", "纺织")),
    (("Knitting", "针织"), ("Textile", "纺织")),
    (("Printing & Dyeing", "印染"),),
    (("Garment", "服装"),),
)
WORDS = [
    "Harbour",
    "Northwind",
    "Eastbay",
    "Lakeside",
    "Meridian",
    "Coastline",
    "Summit",
    "Riverbend",
    "Goldfield",
    "Silverline",
    "Oakridge",
    "Maple",
    "Cedar",
    "Bluewater",
    "Redstone",
    "Greenway",
    "Sunrise",
    "Horizon",
    "Pacific",
    "Atlantic",
    "Granite",
    "Willow",
    "Falcon",
    "Crescent",
    "Beacon",
    "Heritage",
    "Pioneer",
    "Liberty",
    "Sterling",
    "Evergreen",
    "Highland",
    "Prairie",
    "Aurora",
    "Cobalt",
    "Orchard",
    "Juniper",
    "Marigold",
    "Saffron",
    "Indigo",
    "Amber",
    "Coral",
    "Ivory",
    "Onyx",
    "Topaz",
    "Garnet",
    "Aspen",
    "Birch",
    "Hawthorn",
    "Linden",
    "Magnolia",
    "Rowan",
    "Sequoia",
    "Sycamore",
    "Alder",
    "Laurel",
    "Thistle",
    "Heather",
]
ABROAD = {  # tier -> (industry word, city, country)
    0: (("Cotton Gin LLC", "Lubbock, Texas", "US"), ("Ginning Pvt Ltd", "Rajkot, Gujarat", "IN")),
    4: (("Garments Ltd", "Chittagong", "BD"), ("Apparel Co", "Ho Chi Minh City", "VN")),
    5: (("Outfitters Ltd", "London", "GB"), ("Apparel Inc", "New York, NY", "US"),
        ("Mode GmbH", "Hamburg", "DE")),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Party:
    name: str
    zh: str  # the Chinese spelling, or ""
    address: str
    country: str
    uscc: str


def uscc(region: str, serial: int) -> str:
    """A valid unified social credit code (GB 32100-2015 check character) for a region code."""
    body = "91" + region + "MA" + "".join(ALPHABET[(serial // 31**i) % 31] for i in range(7))
    body = body[:17]
    total = sum(ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(body))
    return body + ALPHABET[(31 - total % 31) % 31]


def _region(city: str) -> str:
    codes = {"Aksu": "652900", "Shihezi": "659001", "Kashgar": "653100", "Changji": "652300",
             "Hotan": "653200", "Urumqi": "650100"}  # fmt: skip
    return codes.get(city, "330200")


def make_parties(tiers: np.ndarray, rng: np.random.Generator) -> list[Party]:
    """One invented party per node, unique by (trade name, industry, city)."""
    hanzi = [(h[0], h[1:]) for h in HANZI]
    seen: set[tuple[str, str, str]] = set()
    out: list[Party] = []
    n_words = len(WORDS)
    for i, tier in enumerate(tiers.tolist()):
        abroad = tier in ABROAD and (tier == 5 or rng.random() < 0.25)
        if abroad:
            while True:
                a, b, c = rng.integers(0, n_words, size=3).tolist()
                ind, city, country = ABROAD[tier][int(rng.integers(0, len(ABROAD[tier])))]
                words = (WORDS[a], WORDS[b]) if c % 3 else (WORDS[a], WORDS[c], WORDS[b])
                key = ("".join(words), ind, city)
                if key not in seen and len(set(words)) == len(words):
                    break
            seen.add(key)
            out.append(Party(f"{' '.join(words)} {ind}", "", f"{100 + i % 800} Main Street, {city}",
                             country, ""))  # fmt: skip
            continue
        xinjiang = (tier == 0 and rng.random() < 0.20) or (tier in (1, 2) and rng.random() < 0.03)
        cities = XJ_CITIES if xinjiang else CN_CITIES
        industries = INDUSTRY[min(tier, 4)]
        while True:
            city, city_zh, province = cities[int(rng.integers(0, len(cities)))]
            size = 2 if rng.random() < 0.6 else 3
            picks = [hanzi[int(j)] for j in rng.integers(0, len(hanzi), size=size)]
            ind, ind_zh = industries[int(rng.integers(0, len(industries)))]
            trade = "".join(p for _, p in picks)
            key = (trade, ind, city)
            if key not in seen and len({p for _, p in picks}) == size:
                break
        seen.add(key)
        trade_zh = "".join(h for h, _ in picks)
        name = f"{city} {trade.capitalize()} {ind} Co., Ltd."
        zh = f"{city_zh}{trade_zh}{ind_zh}有限公司"
        road = WORDS[i % n_words]
        address = f"{1 + i % 300} {road} Road, {city}, {province}"
        code = uscc(_region(city), i) if rng.random() < 0.3 else ""
        out.append(Party(name, zh, address, "CN", code))
    return out


def plant_listed(parties: list[Party], tiers: np.ndarray, rng: np.random.Generator) -> int:
    """Name some gins, spinners and knitters after listed organisations; returns how many."""
    entities = [e for e in load_entities(default_list_path()) if e.schema != "Person"]
    upstream = np.flatnonzero(tiers <= 2)
    chosen = rng.choice(upstream, size=min(len(entities), 200), replace=False)
    for entity, node in zip(entities, chosen.tolist(), strict=False):
        p = parties[node]
        parties[node] = Party(entity.caption, "", p.address, p.country, "")
    return min(len(entities), len(chosen))


def make_links(n_links: int, n_nodes: int, seed: int) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Link arrays (start = supplier, end = buyer, product index, ...) and each node's tier."""
    rng = np.random.default_rng(seed)
    sizes = np.floor(np.array(TIER_SHARE) * n_nodes).astype(np.int64)
    sizes[-1] = n_nodes - sizes[:-1].sum()
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    tier = np.repeat(np.arange(len(sizes)), sizes)
    chemical = np.zeros(n_nodes, dtype=bool)
    chemical[offsets[0] : offsets[0] + sizes[0] // 200] = True  # 0.5 % of tier 0 make caustic soda

    def pick(t: np.ndarray) -> np.ndarray:
        return offsets[t] + (rng.random(len(t)) * sizes[t]).astype(np.int64)

    forward = int(n_links * 0.98)
    t = rng.integers(0, len(sizes) - 1, size=forward)
    start = pick(t)
    t_end = np.where(chemical[start], 3, t + 1)
    end = pick(t_end)
    back = n_links - forward
    tb = rng.integers(1, len(sizes), size=back)
    start = np.concatenate([start, pick(tb)])
    end = np.concatenate([end, pick(tb - 1)])
    seller = tier[start]
    choice = rng.integers(0, 12, size=n_links)
    counts = np.array([len(p) for p in TIER_PRODUCTS])
    base = np.concatenate([[0], np.cumsum(counts)])
    product = base[seller] + choice % counts[seller]
    product = np.where(chemical[start], base[-1], product)  # caustic soda
    odd = rng.random(n_links) < 0.01
    product = np.where(odd, base[-1] + 1, product)  # machine parts
    days = seller * 45 + rng.integers(0, 270, size=n_links)
    return {
        "start": start,
        "end": end,
        "product": product,
        "days": days,
        "undated": rng.random(n_links) < 0.05,
        "month_only": rng.random(n_links) < 0.02,
        "no_hs": rng.random(n_links) < 0.05,
        "basis": rng.choice(np.array([0, 1, 2]), size=n_links, p=[0.15, 0.45, 0.40]),
        "quantity": rng.integers(100, 20_000, size=n_links),
        "zh": rng.random(n_links) < 0.5,
        "evidence": rng.integers(1_000_000, 9_999_999, size=n_links),
    }, tier


def write_chain(n_links: int, n_nodes: int, out: Path, seed: int = 20260101) -> dict[str, object]:
    """Write links.csv and ownership.csv into ``out``; returns a few facts about the chain."""
    rng = np.random.default_rng(seed + 1)
    arrays, tier = make_links(n_links, n_nodes, seed)
    parties = make_parties(tier, rng)
    listed = plant_listed(parties, tier, rng)
    # 8 % of Chinese parties also appear under their Chinese spelling (in half of their rows).
    bilingual = np.array([bool(p.zh) for p in parties]) & (rng.random(len(parties)) < 0.08)
    english = np.array([p.name for p in parties], dtype=object)
    chinese = np.array([p.zh or p.name for p in parties], dtype=object)

    def spell(nodes: np.ndarray, flip: np.ndarray) -> np.ndarray:
        return np.where(bilingual[nodes] & flip, chinese[nodes], english[nodes])

    products = [p for tier_products in TIER_PRODUCTS for p in tier_products] + [CAUSTIC, OTHER]
    names = np.array([p[0] for p in products], dtype=object)
    codes = np.array([p[1] for p in products], dtype=object)
    epoch = np.datetime64("2025-01-01")
    dates = (epoch + arrays["days"].astype("timedelta64[D]")).astype(str).astype(object)
    months = np.array([d[:7] for d in dates.tolist()], dtype=object)
    dates = np.where(arrays["month_only"], months, dates)
    dates = np.where(arrays["undated"], "", dates)
    basis = np.array(["inferred", "declared", "observed"], dtype=object)[arrays["basis"]]
    evidence_kind = np.array(["trade data match TD-", "supplier declaration SD-",
                              "bill of lading COSU"], dtype=object)[arrays["basis"]]  # fmt: skip
    start, end = arrays["start"], arrays["end"]
    address = np.array([p.address for p in parties], dtype=object)
    country = np.array([p.country for p in parties], dtype=object)
    ident = np.array([p.uscc for p in parties], dtype=object)
    links = pl.DataFrame(
        {
            "buyer": spell(end, ~arrays["zh"]),
            "supplier": spell(start, arrays["zh"]),
            "product": names[arrays["product"]],
            "hs_code": np.where(arrays["no_hs"], "", codes[arrays["product"]]),
            "quantity": arrays["quantity"].astype(str),
            "unit": np.where(tier[start] >= 4, "pcs", "kg"),
            "date": dates,
            "evidence": evidence_kind + arrays["evidence"].astype(str),
            "basis": basis,
            "supplier_address": address[start],
            "supplier_country": country[start],
            "supplier_id": ident[start],
        },
        schema={c: pl.String for c in ("buyer", "supplier", "product", "hs_code", "quantity", "unit",
                "date", "evidence", "basis", "supplier_address", "supplier_country", "supplier_id")},
    )  # fmt: skip
    n_owns = max(1, n_nodes // 10)
    owner = rng.integers(0, n_nodes, size=n_owns)
    owned = rng.integers(0, n_nodes, size=n_owns)
    ownership = pl.DataFrame(
        {
            "owner": english[owner],
            "owned": english[owned],
            "share": np.round(rng.uniform(10, 100, size=n_owns), 1).astype(str),
            "evidence": np.array([f"company registry extract {i}" for i in range(n_owns)]),
        },
        schema={c: pl.String for c in ("owner", "owned", "share", "evidence")},
    )
    out.mkdir(parents=True, exist_ok=True)
    links.write_csv(out / "links.csv")
    ownership.write_csv(out / "ownership.csv")
    return {"links": links.height, "nodes": n_nodes, "holdings": ownership.height,
            "listed_planted": listed, "bilingual": int(bilingual.sum())}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=1_000_000)
    parser.add_argument("--nodes", type=int, default=200_000)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    args = parser.parse_args()
    t0 = time.perf_counter()
    facts = write_chain(args.links, args.nodes, args.out)
    print(f"{facts} written to {args.out} in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
