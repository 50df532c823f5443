"""Same-output check for speed work: ``Matcher.match_many`` of the bulk benchmark's names, dumped
and compared, with the CPU time of the matching alone.

    python benchmarks/bulk/outputs.py dump before.jsonl [--names 20000] [--profile]
    python benchmarks/bulk/outputs.py compare before.jsonl after.jsonl

``dump`` reads (or writes once, as run.py does) the 200,000-row bills of lading of run.py, takes
its first ``--names`` distinct shipper names in file order, builds or reads the index cache in
``out/cache`` (not timed), then matches them in one ``match_many`` call in this process, as one
bulk worker does (its garbage collection set as a worker's), and writes one line per name: every
hit's entity, matched name, score, decision and reasons. It prints the CPU time of ``match_many`` (user + system of this process: on a
shared machine the wall time moves with the other users' load, the CPU time much less).
``compare`` prints the names whose hits differ and exits 1 when any does. A speed change that
makes ``compare`` fail has changed a rule. ``compare --alerts`` holds every ``match`` and
``review`` hit to be the same and the ``clear`` ones to name the same entities, each with a
reason: the check for a change that may cheapen what is reported of ``clear`` hits (a ``clear``
hit is no alert), as branch ``bulk5`` tried (benchmarks/bulk/README.md).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import sys
import time
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

ROWS = 200_000


def _names(count: int) -> tuple[Path, list[str]]:
    """The list file of run.py and the first ``count`` distinct shipper names of its input."""
    import run

    run.OUT.mkdir(exist_ok=True)
    list_path, entities = run.load_list(run.OUT)
    data = run.OUT / f"bol_{ROWS}.csv"
    plants_file = run.OUT / f"bol_{ROWS}.planted.json"
    if not data.exists() or not plants_file.exists():
        plants = run.generate(ROWS, ROWS // 10, 2000, entities, data)
        plants_file.write_text(json.dumps(plants, ensure_ascii=False))
    shippers = pl.read_csv(data, columns=["shipper"]).get_column("shipper")
    return list_path, shippers.unique(maintain_order=True).head(count).to_list()


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def dump(out: Path, count: int, profile: bool) -> None:
    """Match the names and write their hits, one JSON line a name."""
    import run

    from sourcetrace.matching.matcher import Matcher
    from sourcetrace.screening import lists_fingerprint, load_lists
    from sourcetrace.settings import load_settings

    list_path, names = _names(count)
    settings = load_settings(data_dir=run.OUT / "cache")
    entities, used = load_lists([list_path], default_lists=False)
    matcher = Matcher.cached(entities, settings, lists_fingerprint(used))
    # As a bulk worker collects garbage (engines/local.py): the index frozen before the fork, the
    # youngest generation's threshold raised. Without this, full collections walking the index
    # would be most of what a profile shows of some functions.
    gc.freeze()
    gc.set_threshold(20_000, 20, 10)
    load = os.getloadavg()[0]
    cpu, wall = _cpu(), time.perf_counter()
    if profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        results = prof.runcall(matcher.match_many, names)
        pstats.Stats(prof).sort_stats("cumulative").print_stats(60)
    else:
        results = matcher.match_many(names)
    cpu, wall = _cpu() - cpu, time.perf_counter() - wall
    with out.open("w", encoding="utf-8") as fh:
        for name, hits in zip(names, results, strict=True):
            row = [
                [h.entity.id, h.matched_name, h.score, h.decision, h.reasons] for h in hits
            ]
            fh.write(json.dumps([name, row], ensure_ascii=False) + "\n")
    print(
        f"{time.strftime('%H:%M:%S')} load {load:.1f}: match_many of {len(names):,} names: "
        f"CPU {cpu:.2f} s, wall {wall:.2f} s"
    )


def _alerts_and_clears(line: str) -> str:
    """A dump line as ``compare --alerts`` compares it: the name, its match and review hits as
    they are, and the entities of its clear hits (each asserted to give a reason)."""
    name, hits = json.loads(line)
    alerts = [h for h in hits if h[3] != "clear"]
    clears = sorted({h[0] for h in hits if h[3] == "clear" and h[4]})
    unexplained = [h[0] for h in hits if h[3] == "clear" and not h[4]]
    return json.dumps([name, alerts, clears, unexplained], ensure_ascii=False)


def compare(a: Path, b: Path, alerts: bool = False) -> int:
    """Print the names whose hits differ between two dumps; 1 when any does."""
    left = a.read_text(encoding="utf-8").splitlines()
    right = b.read_text(encoding="utf-8").splitlines()
    if alerts:
        left = [_alerts_and_clears(x) for x in left]
        right = [_alerts_and_clears(x) for x in right]
    if len(left) != len(right):
        print(f"different lengths: {len(left)} and {len(right)} names")
        return 1
    bad = 0
    for x, y in zip(left, right, strict=True):
        if x != y:
            bad += 1
            if bad <= 10:
                print(f"- {x}\n+ {y}")
    print(f"{len(left):,} names, {bad:,} differ")
    return 1 if bad else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument("--names", type=int, default=20_000)
    d.add_argument("--profile", action="store_true", help="cProfile (inflates small calls)")
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    c.add_argument(
        "--alerts",
        action="store_true",
        help="match and review hits exactly, clear hits by entity (and a reason)",
    )
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.out, args.names, args.profile)
        return 0
    return compare(args.a, args.b, args.alerts)


if __name__ == "__main__":
    sys.exit(main())
