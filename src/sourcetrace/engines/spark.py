"""The Spark engine: the same matcher run inside Spark, for inputs a cluster holds.

    pip install 'sourcetrace[spark]'
    sourcetrace screen s3a://bucket/bol/2026/*.parquet --engine spark --name-column shipper \\
        --output s3a://bucket/screened/2026.parquet

The listed entities are broadcast once; each executor builds the name index once per Python worker
(cached in the worker between tasks) and applies the screening's row function to the *distinct*
(name, identifier, address, country) of its partitions with ``mapInArrow``; the results are
joined back to every row. Rows are numbered in input order
(``zipWithIndex``), so the output is the same one-row-per-input-row contract as the local engine,
row for row. The output is written the Spark way: a folder of part files (Parquet or CSV, by the
output's suffix) on any path Spark can reach, sorted by ``row``.

Spark is imported lazily: without pyspark installed, asking for this engine says how to get it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pyarrow as pa

from sourcetrace.engines.base import (
    KEY_FIELDS,
    RESULT_FIELDS,
    BulkJob,
    BulkSummary,
    result_columns,
    result_fields,
)
from sourcetrace.errors import ConfigError, InputError
from sourcetrace.signals import SIGNAL_PATTERNS

# Per Python worker: the row function over the broadcast lists, built once, kept between tasks.
_WORKER_SCREENER: dict[str, Any] = {}


def _session(master: str | None = None) -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ConfigError(
            "the spark engine needs pyspark: pip install 'sourcetrace[spark]'"
        ) from None
    builder = SparkSession.builder.appName("sourcetrace")
    if master or not os.environ.get("SPARK_MASTER"):
        # Local mode stays on loopback; a cluster comes from spark-submit or SPARK_MASTER.
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers import sourcetrace
        builder = builder.master(master or "local[*]").config("spark.driver.host", "127.0.0.1")
    return (
        builder.config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )


def _screen_partitions(job_key: str, entities: Any, job: BulkJob) -> Any:
    """A mapInArrow function: distinct key tuples in, each with its result fields out."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from sourcetrace.matching.matcher import Matcher

        screener = _WORKER_SCREENER.get(job_key)
        if screener is None:
            screener = job.screener(Matcher(entities.value, job.settings))
            _WORKER_SCREENER.clear()
            _WORKER_SCREENER[job_key] = screener
        for batch in batches:
            keys = [batch.column(f"k_{f}").to_pylist() for f in KEY_FIELDS]
            results = [result_fields(r) for r in screener.screen_many(list(zip(*keys, strict=True)))]
            columns = list(zip(*results, strict=True)) if results else [()] * len(RESULT_FIELDS)
            yield pa.RecordBatch.from_pydict(
                {f"k_{f}": k for f, k in zip(KEY_FIELDS, keys, strict=True)}
                | {c: list(v) for c, v in zip(RESULT_FIELDS, columns, strict=True)},
                schema=_arrow_schema(),
            )

    return run


def _arrow_schema() -> pa.Schema:
    return pa.schema(
        [(f"k_{f}", pa.string()) for f in KEY_FIELDS]
        + [(c, pa.float64() if c == "score" else pa.string()) for c in RESULT_FIELDS]
    )


class SparkEngine:
    """Screens inside Spark: local mode on this machine, or the cluster ``master`` names."""

    name = "spark"

    def __init__(self, master: str | None = None) -> None:
        self.master = master

    def run(self, job: BulkJob, progress: Callable[[int], None] | None = None) -> BulkSummary:
        """Screen ``job.input`` into the folder ``job.output``; Spark reports no progress."""
        return run_spark(job, self.master)


def run_spark(job: BulkJob, master: str | None = None) -> BulkSummary:
    """Screen ``job.input`` into the folder ``job.output`` with Spark; returns the run's summary."""
    import polars as pl
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    spark = _session(master)
    src, dst = str(job.input), str(job.output)
    fmt = "parquet" if src.lower().endswith((".parquet", ".pq")) else "csv"
    if fmt == "csv":
        frame = spark.read.csv(src, header=True, inferSchema=False, encoding="UTF-8",
                               multiLine=True, mode="FAILFAST")
    else:
        frame = spark.read.parquet(src)
    if job.name_column not in frame.columns:
        raise InputError("no such column", path=src, column=job.name_column)
    # The row function's four arguments as columns k_name ... k_country, "" where the input has
    # no such column; rows numbered in input order (file order within and across partitions).
    sources = job.key_columns()
    picked = [
        (F.col(c).cast("string") if c else F.lit("")).alias(f"k_{f}")
        for f, c in zip(KEY_FIELDS, sources, strict=True)
    ]
    numbered = frame.select(*picked).rdd.zipWithIndex().map(
        lambda pair: (pair[1] + 1, *[(v or "") for v in pair[0]])
    )
    schema = T.StructType(
        [T.StructField("row", T.LongType())]
        + [T.StructField(f"k_{f}", T.StringType()) for f in KEY_FIELDS]
    )
    rows = spark.createDataFrame(numbered, schema)
    keys = [f"k_{f}" for f in KEY_FIELDS]
    distinct = rows.select(*keys).distinct()

    broadcast = spark.sparkContext.broadcast(job.entities)
    job_key = f"{id(job.entities)}-{len(job.entities)}-{job.lists_key}"
    out_schema = T.StructType(
        [T.StructField(k, T.StringType()) for k in keys]
        + [
            T.StructField(c, T.DoubleType() if c == "score" else T.StringType())
            for c in RESULT_FIELDS
        ]
    )
    # The job goes to the workers without its entities: they come by the broadcast.
    shipped = replace(job, entities=[])
    matched = distinct.mapInArrow(_screen_partitions(job_key, broadcast, shipped), out_schema)
    result = (
        rows.join(matched, keys, "left")
        .withColumnRenamed("k_name", "name")
        .select(*result_columns())
        .orderBy("row")
    )
    result = result.cache()
    writer = result.write.mode("overwrite")
    if dst.lower().endswith(".csv"):
        writer.option("header", True).csv(dst)
    else:
        writer.parquet(dst)

    summary = BulkSummary()
    counts = {r["decision"]: r["count"] for r in result.groupBy("decision").count().collect()}
    summary.rows = int(sum(counts.values()))
    summary.counts.update(counts)
    top = result.filter(F.col("decision") != "clear").orderBy(
        F.when(F.col("decision") == "match", 0).otherwise(1), F.col("score").desc(), "row"
    ).limit(200)
    top_rows = top.toPandas() if top.count() else None
    if top_rows is not None:
        summary.top = (
            pl.from_pandas(top_rows)
            .unique(subset=["name"], keep="first", maintain_order=True)
            .head(20)
        )
    summary.distinct_names = distinct.count()
    for kind, pattern in SIGNAL_PATTERNS.items():
        summary.signal_rows[kind] = result.filter(F.col("signals").rlike(pattern)).count()
    result.unpersist()
    broadcast.unpersist()
    return summary
