"""Recall and precision of the Xinjiang location signal on labelled addresses.

    python benchmarks/location/run.py [--split tune|heldout|probe|all] [--show-errors]

The rows come in three splits: `tune` (written first, the code tuned on them), `heldout` (written
after tuning, run once), `probe` (written after the held-out run, run once, then two misses fixed). docs/location.md
has the figures of each first run.

The signal is what screening raises for an address (``sourcetrace.signals``): a Xinjiang place
that the address context confirms, else a Xinjiang postcode standing as a postcode.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from sourcetrace.names.location import xinjiang_location, xinjiang_postcode

HERE = Path(__file__).resolve().parent


def signal(address: str) -> bool:
    return bool(xinjiang_location(address)) or bool(xinjiang_postcode(address))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["tune", "heldout", "probe", "all"], default="all")
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    with (HERE / "addresses.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    splits = ["tune", "heldout", "probe"] if args.split == "all" else [args.split]
    for split in splits:
        subset = [r for r in rows if r["split"] == split]
        tp = fp = fn = tn = 0
        for row in subset:
            got, want = signal(row["address"]), row["expected"] == "1"
            tp, fp = tp + (got and want), fp + (got and not want)
            fn, tn = fn + (want and not got), tn + (not got and not want)
            if args.show_errors and got != want:
                loc = xinjiang_location(row["address"])
                why = loc.reason or "; ".join(loc.ignored) or xinjiang_postcode(row["address"])
                print(
                    f"  {row['id']} expected {int(want)} got {int(got)}: {row['address']} [{why}]"
                )
        recall = tp / (tp + fn) if tp + fn else 1.0
        precision = tp / (tp + fp) if tp + fp else 1.0
        print(
            f"{split}: {len(subset)} addresses ({tp + fn} in Xinjiang): "
            f"recall {recall:.3f}, precision {precision:.3f} (tp {tp}, fp {fp}, fn {fn}, tn {tn})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
