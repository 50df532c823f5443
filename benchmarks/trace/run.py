"""Benchmark: ``sourcetrace trace`` end to end on a generated chain of 1,000,000 links.

    .venv/bin/python benchmarks/trace/run.py [--links 1000000] [--nodes 200000] [--saved] [--stages]
        [--floor]

Generates the chain once (:mod:`chain`, seeded; kept in ``benchmarks/trace/out/``), then runs the
command as a user would, in a child process: read the files, resolve and screen every party
against the bundled lists, build the graph, find the risk sources, trace every product of every
party (depth 6, best 3 paths per party, product and kind of risk, product and date rules on),
check mass balance, write the findings. It prints the wall time, the peak memory of the command
and its worker processes, and how many findings were written.

Baseline, in the same run: the I/O floor (polars reading the links file and writing the
findings the command wrote again, no work in between). ``--saved`` also runs it saving the graph
in a SQLite store, then traces the saved graph again (``--graph``) and checks that the findings
are the same. ``--stages`` also runs the steps
in this process, one by one, and prints the time and CPU of each (slower overall: no overlap).
``--floor`` times what any version of the command must do under #6's output contract (start-up,
the I/O floor, each distinct name parsed and screened once): with the findings table of
``--stages``, the least the command could take here.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from chain import write_chain

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


_PEAK = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "print(f'peak_kb={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}', file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def _command() -> str:
    """The installed command: beside this interpreter (a venv's bin), else the repo's .venv."""
    here = Path(sys.executable).parent / "sourcetrace"
    return str(here if here.exists() else ROOT / ".venv/bin/sourcetrace")


def _set(findings: Path) -> list[Path]:
    """The files of one findings set: the findings and, beside them, their hops, checklists,
    sectors and dismissed risk sources (``trace -o x.parquet``, docs/tracing.md); those that
    exist."""
    siblings = [findings.with_name(f"{findings.stem}.{t}.parquet")
                for t in ("hops", "checklists", "sectors", "dismissed")]  # fmt: skip
    return [findings, *(p for p in siblings if p.exists())]


def run_command(inputs: list[str], output: Path, extra: list[str]) -> dict[str, float]:
    """The command in a child process: wall, CPU (with its workers), peak memory, rows."""
    command = [_command(), "trace", *inputs, "-o", str(output), *extra]
    cpu = _cpu_children()
    t0 = time.perf_counter()
    # Through a small parent of its own, which reports the largest of its children's peaks:
    # this process's own count would keep the largest of every command run before.
    done = subprocess.run([sys.executable, "-c", _PEAK, *command], capture_output=True,
                          text=True, check=False)  # fmt: skip
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"sourcetrace trace failed ({done.returncode}):\n{done.stderr[-2000:]}")
    peak_kb = int(done.stderr.rsplit("peak_kb=", 1)[1])
    rows = pl.scan_parquet(output).select(pl.len()).collect().item()
    files = _set(output)
    return {"wall": wall, "cpu": _cpu_children() - cpu, "peak_mb": peak_kb / 1024, "rows": rows,
            "hops": pl.scan_parquet(files[1]).select(pl.len()).collect().item()
            if len(files) > 1 else 0,
            "mb": sum(p.stat().st_size for p in files) / 1e6,
            "summary": done.stdout}  # type: ignore[dict-item]  # fmt: skip


def io_floor(links: Path, findings: Path, output: Path) -> float:
    """Read the links file and write the findings the command wrote again (every table of the
    set, zstd as the command writes them): its I/O alone."""
    written = [pl.read_parquet(p) for p in _set(findings)]
    t0 = time.perf_counter()
    pl.read_csv(links, infer_schema=False)
    for i, frame in enumerate(written):
        frame.write_parquet(output.with_suffix(f".{i}.parquet"), compression="zstd",
                            compression_level=1)  # fmt: skip
    return time.perf_counter() - t0


def contract_floor(links: Path, findings: Path, folder: Path) -> None:
    """What the command cannot do without, whatever its graph building and path search cost:
    start the interpreter and its libraries, read the links and write the findings (the I/O
    floor), and parse and screen every distinct party name once (as the command does, in as
    many processes as cores). With the findings table of ``--stages`` (the rows' path and
    evidence text), the sum is the least the command could take on this machine."""
    from sourcetrace.graph.parties import read_texts
    from sourcetrace.matching.matcher import Matcher
    from sourcetrace.screening import load_lists
    from sourcetrace.settings import load_settings

    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import sourcetrace.cli"], check=True)
    startup = time.perf_counter() - t0
    io = io_floor(links, findings, folder / "floor.parquet")
    sides = pl.read_csv(links, columns=["buyer", "supplier"], infer_schema=False)
    names = (
        pl.concat([sides["buyer"], sides["supplier"]]).str.strip_chars().unique(maintain_order=True)
    ).to_list()
    matcher = Matcher(load_lists()[0], load_settings())
    t0, cpu0 = time.perf_counter(), _cpu_self() + _cpu_children()
    read_texts(names, (), matcher, os.cpu_count() or 1)
    screen = time.perf_counter() - t0
    # The workers end with read_texts, so their CPU is in the children's count by now.
    used = _cpu_self() + _cpu_children() - cpu0
    print(f"floor: start-up {startup:.1f} s + I/O floor {io:.1f} s + parsing and screening "
          f"{len(names):,} distinct names once {screen:.1f} s ({used:.1f} s CPU) = "
          f"{startup + io + screen:.1f} s, before the findings table and anything else")  # fmt: skip


def stages(links: Path, ownership: Path, output: Path) -> None:
    """Each step of the command in this process, with its wall time and CPU (workers included)."""
    from sourcetrace.graph.balance import check_balance
    from sourcetrace.graph.build import build
    from sourcetrace.graph.paths import best_paths
    from sourcetrace.graph.returns import without_returns
    from sourcetrace.graph.risks import SECTOR, find_risks
    from sourcetrace.graph.tables import from_paths, write_tables
    from sourcetrace.lists.bundled import default_list_path
    from sourcetrace.lists.merchandise import read_wro_merchandise
    from sourcetrace.matching.matcher import Matcher
    from sourcetrace.screening import load_lists
    from sourcetrace.settings import load_settings

    def cpu() -> float:
        return _cpu_self() + _cpu_children()

    marks: list[tuple[str, float, float]] = []
    last = (time.perf_counter(), cpu())

    def mark(name: str) -> None:
        nonlocal last
        now = (time.perf_counter(), cpu())
        marks.append((name, now[0] - last[0], now[1] - last[1]))
        last = now

    workers = os.cpu_count() or 1
    matcher = Matcher(load_lists()[0], load_settings())
    merchandise = read_wro_merchandise(default_list_path())
    mark("lists")
    built = build(links, ownership, matcher=matcher, workers=workers)
    mark("read, resolve and screen parties, build")
    # As the command: no sector risk sources (exposure is a table of its own, never traced).
    sources = find_risks(built.graph, matcher, merchandise, built.facts, workers, sectors=False)
    sources = [s for s in sources if s.kind != SECTOR]
    mark("risk sources")
    graph = without_returns(built.graph)
    mark("returns")
    flags = check_balance(graph)
    mark("mass balance")
    paths = best_paths(graph, sources, 6, 50.0, 3, workers=workers)
    mark("best paths")
    tables = from_paths(graph, paths, flags)
    mark("findings tables")
    write_tables(tables, output)
    mark("write")
    total = sum(m[1] for m in marks)
    for name, wall, used in marks:
        print(f"  {name:42s} {wall:6.2f} s wall  {used:6.2f} s CPU  ({wall / total:4.0%})")


def _figures(what: str, result: dict[str, float]) -> None:
    print(f"{what}: {result['wall']:.1f} s wall, {result['cpu']:.1f} s CPU (all processes), "
          f"peak memory {result['peak_mb']:,.0f} MB, {result['rows']:,} findings written"
          + (f" ({result['hops']:,} hops)" if result.get("hops") else "")
          + f", {result.get('mb', 0):,.1f} MB on disk")  # fmt: skip


def saved(links: Path, ownership: Path, folder: Path, extra: list[str]) -> None:
    """The same trace saving its graph in a new SQLite store, then the saved graph traced again
    (the risk sources saved with it are reused: same lists and matcher)."""
    store = folder / "store.db"
    store.unlink(missing_ok=True)
    db = ["--db", f"sqlite:///{store}"]
    output = folder / "findings-saved.parquet"
    first = run_command([str(links), "--ownership", str(ownership), "--save", "bench", *db],
                        output, ["-q", *extra])  # fmt: skip
    _figures("the same, saving the graph (--save)", first)
    again_output = folder / "findings-again.parquet"
    again = run_command(["--graph", "bench", *db], again_output, extra)
    said = str(again.pop("summary")).splitlines()
    print(next((line for line in said if "risk sources as saved" in line or "again" in line),
               "(the summary does not say how the risk sources were found)"))  # fmt: skip
    _figures("the saved graph traced again (--graph)", again)
    same = all(pl.read_parquet(a).equals(pl.read_parquet(b))
               for a, b in zip(_set(output), _set(again_output), strict=True))  # fmt: skip
    print(f"findings of the saved graph {'equal' if same else 'DIFFER FROM'} those of the files")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=1_000_000)
    parser.add_argument("--nodes", type=int, default=200_000)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--regenerate", action="store_true", help="Write the chain again")
    parser.add_argument("--stages", action="store_true", help="Also time each step in-process")
    parser.add_argument(
        "--floor", action="store_true",
        help="Also time what any version of the command must do (start-up, I/O, each name once)",
    )  # fmt: skip
    parser.add_argument(
        "--saved", action="store_true",
        help="Also save the graph in a SQLite store (--save) and trace it again from there (--graph)",
    )  # fmt: skip
    parser.add_argument("extra", nargs="*", help="More options for sourcetrace trace (after --)")
    args = parser.parse_args()

    folder = args.out / f"chain-{args.links}-{args.nodes}"
    links, ownership = folder / "links.csv", folder / "ownership.csv"
    if args.regenerate or not links.exists():
        t0 = time.perf_counter()
        facts = write_chain(args.links, args.nodes, folder)
        print(f"generated {facts} in {time.perf_counter() - t0:.1f} s")
    load = os.getloadavg()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")  # fmt: skip
    output = folder / "findings.parquet"
    result = run_command([str(links), "--ownership", str(ownership)], output, args.extra)
    print(str(result.pop("summary")).rstrip())
    _figures(f"sourcetrace trace, {args.links:,} links", result)
    floor = io_floor(links, output, folder / "floor.parquet")
    print(f"I/O floor (read the links, write its findings again): {floor:.1f} s; the command takes "
          f"x{result['wall'] / floor:.1f}; target 10 s: "
          f"{'met' if result['wall'] <= 10 else 'NOT met'}")  # fmt: skip
    if args.saved:
        saved(links, ownership, folder, args.extra)
    if args.floor:
        contract_floor(links, output, folder)
    if args.stages:
        print("steps, in this process:")
        stages(links, ownership, folder / "findings-stages.parquet")


if __name__ == "__main__":
    main()
