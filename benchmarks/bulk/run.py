"""Bulk screening benchmark: bills of lading at trade-data scale against 20,000+ listed entities.

    python benchmarks/bulk/run.py                  # 1,000,000 rows, ~100,000 distinct names
    python benchmarks/bulk/run.py --rows 10000000  # linear growth check
    python benchmarks/bulk/run.py --skip-baseline  # sourcetrace and the I/O floor only

One run prints, from the same machine and moment:
- sourcetrace's local engine: wall time, rows per second, peak memory (this process and its
  workers), recall of the planted listed names;
- the I/O floor: reading the input and writing an output of the same size with polars, no matching;
- the simple alternative a user would script: rapidfuzz ``process.cdist`` with ``fuzz.ratio`` and a
  ``score_cutoff`` over the distinct names and every list name and alias (``workers=-1``), its
  wall time and recall.

The list is the bundled watchlists plus the names and aliases of the US restricted-party snapshot in
``data/`` (see ``data/README.md``). The shipment file is generated deterministically: synthetic
company names (pinyin syllables, a Chinese city, industry words, a legal form; none equal to a
listed trade name) plus planted listed names and their variants as bills of lading write them
(upper case, address on the line, cut at 35 characters, a typo, the Chinese name), drawn with a
Zipf-like skew so that 1,000,000 rows hold about 100,000 distinct names.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

import numpy as np
import orjson
import polars as pl

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
SNAPSHOT = HERE / "data" / "restricted_party_lists_snapshot_2026-07-16.json"

SYLLABLES = (
    "an bao bei bin cai chang chen cheng chuan da dong fa fang fei feng fu gang gao guang gui hai "
    "han hang hao he heng hong hu hua huan hui jia jian jiang jie jin jing jun kai kang ke kun lan "
    "lang le li lian liang lin ling long lu ma mao mei meng min ming mu nan ning pei peng ping qi "
    "qian qiang qing quan rong rui run sen shan shang sheng shi shun si song tai tang tian ting tong "
    "wan wei wen xiang xiao xin xing xu ya yang yao ye yi yin ying yong you yu yuan yue yun ze zhan "
    "zhen zheng zhi zhong zhou zhu"
).split()
INDUSTRY = (
    "Textile|Garment|Trading|Import and Export|Electronics|Knitting|Apparel|Industrial|Technology|"
    "Logistics|Shoes|Plastic Products|Machinery|Home Textiles|Printing and Dyeing|Food"
).split("|")
FORMS = ["Co., Ltd.", "CO LTD", "Co Ltd", "Company Limited", "Limited", "Corp."]
CITIES = (
    "Ningbo Shaoxing Hangzhou Suzhou Wuxi Qingdao Xiamen Guangzhou Shenzhen Dongguan Foshan Jinjiang "
    "Shantou Yiwu Nantong Changzhou Jinan Tianjin Dalian Fuzhou Wenzhou Taizhou Jiaxing Huzhou"
).split()
PORTS = ["CNNGB", "CNSHA", "CNYTN", "CNTAO", "CNXMN", "VNHPH", "BDCGP", "KHPNH", "HKHKG"]
HS = ["520512", "520942", "610910", "620342", "600622", "854143", "760110", "390410", "200290"]


def load_list(work: Path) -> tuple[Path, list[tuple[str, list[str]]]]:
    """Bundled lists plus the snapshot as one FtM file; returns it and (id, names) per entity."""
    from sourcetrace.lists import default_list_path

    path = work / "list.ftm.jsonl"
    entities: list[tuple[str, list[str]]] = []
    lines = default_list_path().read_bytes().splitlines(keepends=True)
    for line in lines:
        data = orjson.loads(line)
        if data["schema"] != "Sanction":
            props = data["properties"]
            names = props.get("name", []) + props.get("alias", []) + props.get("previousName", [])
            entities.append((data["id"], names))
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    with path.open("wb") as fh:
        fh.writelines(lines)
        for i, entry in enumerate(snapshot["entries"]):
            eid = f"rpl-{i}"
            props = {"name": [entry["n"]], "alias": entry.get("a", []), "topics": ["sanction"]}
            fh.write(orjson.dumps({"id": eid, "schema": "LegalEntity", "properties": props,
                                   "datasets": [f"us_{entry['l']}"]}) + b"\n")
            entities.append((eid, [entry["n"], *entry.get("a", [])]))
    return path, entities


def planted_variants(rng: np.random.Generator, entities: list[tuple[str, list[str]]], n: int) -> list[tuple[str, str]]:
    """(query, expected entity id): listed names as bills of lading write them."""
    bundled = [e for e in entities if not e[0].startswith("rpl-")]
    snapshot = [e for e in entities if e[0].startswith("rpl-")]
    out: list[tuple[str, str]] = []
    for i in range(n):
        pool = bundled if i % 3 else snapshot
        eid, names = pool[int(rng.integers(len(pool)))]
        name = names[int(rng.integers(len(names)))]
        kind = i % 5
        if kind == 0:
            q = name
        elif kind == 1:
            q = "".join(c for c in name.upper() if c.isalnum() or c == " ")
        elif kind == 2:
            q = f"{name.upper()} NO {int(rng.integers(1, 300))} {CITIES[i % len(CITIES)].upper()} RD"
        elif kind == 3:
            q = name.upper()[:35]
        else:
            words = name.split()
            j = max(range(len(words)), key=lambda k: len(words[k]))
            w = words[j]
            if len(w) > 5:
                p = int(rng.integers(1, len(w) - 2))
                words[j] = w[:p] + w[p + 1] + w[p] + w[p + 2 :]
            q = " ".join(words)
        out.append((q, eid))
    return out


def clean_names(rng: np.random.Generator, n: int, listed_tokens: set[str]) -> list[str]:
    names: dict[str, None] = {}
    while len(names) < n:
        trade = "".join(SYLLABLES[int(i)] for i in rng.integers(len(SYLLABLES), size=2))
        if trade in listed_tokens:
            continue
        city = CITIES[int(rng.integers(len(CITIES)))]
        industry = INDUSTRY[int(rng.integers(len(INDUSTRY)))]
        form = FORMS[int(rng.integers(len(FORMS)))]
        name = f"{city} {trade.capitalize()} {industry} {form}"
        if rng.random() < 0.5:
            name = name.upper()
        names[name] = None
    return list(names)


def generate(rows: int, distinct: int, planted: int, entities: list[tuple[str, list[str]]], path: Path) -> dict[str, str]:
    """Write the shipment file; returns planted query -> expected entity id."""
    rng = np.random.default_rng(20261127)
    listed_tokens = {
        "".join(ch for ch in w.lower() if ch.isalnum())
        for _, names in entities for n in names for w in n.split()
    }
    plants = dict(planted_variants(rng, entities, planted))
    names = clean_names(rng, distinct - len(plants), listed_tokens) + list(plants)
    order = rng.permutation(len(names))
    names = [names[i] for i in order]
    # Zipf-like popularity, every name used at least once.
    weights = 1.0 / np.arange(1, len(names) + 1) ** 0.6
    weights /= weights.sum()
    picks = rng.choice(len(names), size=rows - len(names), p=weights)
    index = np.concatenate([np.arange(len(names)), picks])
    rng.shuffle(index)
    shipper = pl.Series("shipper", names).gather(pl.Series(index))
    consignee_idx = rng.choice(len(names), size=rows, p=weights)
    frame = pl.DataFrame({
        "shipper": shipper,
        "consignee": pl.Series(names).gather(pl.Series(consignee_idx)),
        "hs_code": pl.Series(HS).gather(pl.Series(rng.integers(len(HS), size=rows))),
        "goods_description": "COTTON YARN / KNITTED GARMENTS",
        "origin_port": pl.Series(PORTS).gather(pl.Series(rng.integers(len(PORTS), size=rows))),
    })
    frame.write_csv(path)
    return plants


def peak_memory_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def cpu_seconds() -> float:
    """CPU time of this process and its ended children (the engine's workers), user + system:
    on a shared machine it moves less with the load than the wall time."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def io_floor(path: Path, out: Path) -> float:
    start = time.perf_counter()
    frame = pl.read_csv(path, infer_schema_length=0)
    result = frame.select(
        pl.int_range(1, frame.height + 1).alias("row"), pl.col("shipper").alias("name"),
        pl.lit("clear").alias("decision"), pl.lit(0.0).alias("score"),
        *(pl.lit("").alias(c) for c in ("entity_id", "entity_name", "matched_name", "lists", "reasons", "signals")),
    )
    result.write_csv(out)
    return time.perf_counter() - start


def rapidfuzz_baseline(path: Path, entities: list[tuple[str, list[str]]], plants: dict[str, str], cutoff: int) -> tuple[float, float]:
    """The script a user would write: cdist of distinct names x all list names, best per row."""
    from rapidfuzz import fuzz, process

    start = time.perf_counter()
    names = pl.read_csv(path, columns=["shipper"]).get_column("shipper").unique().to_list()
    choices: list[str] = []
    owner: list[str] = []
    for eid, entity_names in entities:
        for n in entity_names:
            choices.append(n)
            owner.append(eid)
    found: dict[str, str] = {}
    block = 2000
    for i in range(0, len(names), block):
        queries = names[i : i + block]
        scores = process.cdist(queries, choices, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.uint8, workers=-1)
        best = scores.argmax(axis=1)
        for q, j, row in zip(queries, best, scores, strict=True):
            if row[j] >= cutoff:
                found[q] = owner[j]
    wall = time.perf_counter() - start
    return wall, recall(found, plants, entities)


def same_entity_names(entities: list[tuple[str, list[str]]]) -> dict[str, set[str]]:
    """Entity id -> every id whose names overlap it (an organisation on several lists)."""
    by_name: dict[str, set[str]] = {}
    for eid, names in entities:
        for n in names:
            by_name.setdefault(n.casefold(), set()).add(eid)
    out: dict[str, set[str]] = {}
    for eid, names in entities:
        out[eid] = set().union(*(by_name[n.casefold()] for n in names))
    return out


_EQUIV: dict[str, set[str]] = {}


def recall(found: dict[str, str], plants: dict[str, str], entities: list[tuple[str, list[str]]]) -> float:
    if not _EQUIV:
        _EQUIV.update(same_entity_names(entities))
    hits = sum(1 for q, eid in plants.items() if found.get(q) in _EQUIV.get(eid, {eid}))
    return hits / len(plants)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--distinct", type=int, default=0, help="default: rows / 10, at most 100,000")
    parser.add_argument("--planted", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--cutoff", type=int, default=90, help="rapidfuzz score_cutoff")
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    distinct = args.distinct or min(100_000, args.rows // 10)

    from sourcetrace.screening import screen_file
    from sourcetrace.settings import load_settings

    OUT.mkdir(exist_ok=True)
    list_path, entities = load_list(OUT)
    data = OUT / f"bol_{args.rows}.csv"
    plants_file = OUT / f"bol_{args.rows}.planted.json"
    if not data.exists() or not plants_file.exists():
        t = time.perf_counter()
        plants = generate(args.rows, distinct, args.planted, entities, data)
        plants_file.write_text(json.dumps(plants, ensure_ascii=False))
        print(f"generated {data.name} in {time.perf_counter() - t:.1f} s")
    plants = json.loads(plants_file.read_text(encoding="utf-8"))

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"input: {args.rows:,} rows, {distinct:,} distinct shipper names, {len(plants):,} planted")
    print(f"list: {len(entities):,} entities, {sum(len(n) for _, n in entities):,} names and aliases")

    settings = load_settings(data_dir=OUT / "cache")
    # Warm the index cache once, as a second run on the same lists would find it.
    t = time.perf_counter()
    from sourcetrace.matching.matcher import Matcher
    from sourcetrace.screening import lists_fingerprint, load_lists

    ents, used = load_lists([list_path], default_lists=False)
    Matcher.cached(ents, settings, lists_fingerprint(used))
    print(f"index build (once per list version, cached): {time.perf_counter() - t:.2f} s")
    del ents

    out = OUT / "screened.parquet"
    cpu_start = cpu_seconds()
    start = time.perf_counter()
    summary = screen_file(
        data, out, name_column="shipper", lists=[list_path], default_lists=False,
        store_lists=False, settings=settings, workers=args.workers,
    ).summary
    wall = time.perf_counter() - start
    cpu = cpu_seconds() - cpu_start  # the workers have ended: their time is in the children's
    peak = peak_memory_mb()  # before this script reads the output back for the recall
    hits = (
        pl.scan_parquet(out)
        .filter(pl.col("decision") != "clear")
        .select("name", "entity_id")
        .unique("name")
        .collect()
    )
    found = dict(hits.iter_rows())
    ours = recall(found, plants, entities)
    print(
        f"sourcetrace local engine: {wall:.2f} s wall, {cpu:.2f} s CPU (this process and its "
        f"workers), {summary.rows / wall:,.0f} rows/s, "
        f"peak memory {peak:,.0f} MB, {summary.distinct_names:,} distinct names matched, "
        f"planted recall {ours:.3f} (match or review, right entity)"
    )
    # The floor runs after the engine: it holds the whole file in memory, which would otherwise
    # show as the engine's peak.
    floor = io_floor(data, OUT / "floor.csv")
    print(f"I/O floor (polars read + write, no matching): {floor:.2f} s")
    print(f"ratio to I/O floor: {wall / floor:.1f}x")
    if not args.skip_baseline:
        base_wall, base_recall = rapidfuzz_baseline(data, entities, plants, args.cutoff)
        print(
            f"rapidfuzz cdist fuzz.ratio cutoff {args.cutoff}: {base_wall:.2f} s wall, "
            f"planted recall {base_recall:.3f}"
        )
        print(f"sourcetrace speed-up over rapidfuzz: {base_wall / wall:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
