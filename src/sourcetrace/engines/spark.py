"""The Spark engine: the same matcher run inside Spark, for inputs a cluster holds.

    pip install 'sourcetrace[spark]'
    sourcetrace screen s3a://bucket/bol/2026/*.parquet --engine spark --name-column shipper \\
        --output s3a://bucket/screened/2026.parquet

The listed entities are broadcast once; each executor builds the name index once per Python worker
(cached in the worker between tasks) and screens the *distinct* names of its partitions with
``mapInArrow``; the results are joined back to every row. Rows are numbered in input order
(``zipWithIndex``), so the output is the same one-row-per-input-row contract as the local engine,
row for row. The output is written the Spark way: a folder of part files (Parquet or CSV, by the
output's suffix) on any path Spark can reach, sorted by ``row``.

Spark is imported lazily: without pyspark installed, asking for this engine says how to get it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from sourcetrace.engines.base import BulkSummary, EngineOptions, result_columns
from sourcetrace.errors import ConfigError, InputError
from sourcetrace.model import ListedEntity

_WORKER_MATCHER: dict[str, Any] = {}


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


def _match_partitions(entities_key: str, entities: Any, settings: Any) -> Any:
    """A mapInArrow function: distinct names in, one result row per name out."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from sourcetrace.engines.local import _row
        from sourcetrace.matching.score import Matcher

        matcher = _WORKER_MATCHER.get(entities_key)
        if matcher is None:
            matcher = Matcher(entities.value, settings)
            _WORKER_MATCHER.clear()
            _WORKER_MATCHER[entities_key] = matcher
        for batch in batches:
            keys = batch.column("name_key").to_pylist()
            names = batch.column("name").to_pylist()
            rows = [_row(matcher.match(n), "") for n in names]
            yield pa.RecordBatch.from_pydict(
                {
                    "name_key": keys,
                    "decision": [r.decision for r in rows],
                    "score": [float(r.score) for r in rows],
                    "entity_id": [r.entity_id for r in rows],
                    "entity_name": [r.entity_name for r in rows],
                    "matched_name": [r.matched_name for r in rows],
                    "lists": [r.lists for r in rows],
                    "reasons": [r.reasons for r in rows],
                }
            )

    return run


def run_spark(
    input: Path | str,
    output: Path | str,
    entities: list[ListedEntity],
    options: EngineOptions,
    master: str | None = None,
) -> BulkSummary:
    """Screen ``input`` into the folder ``output`` with Spark; returns the run's summary."""
    import polars as pl
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    from sourcetrace.engines.local import name_key
    from sourcetrace.model import Record
    from sourcetrace.signals import signals_for

    spark = _session(master)
    src, dst = str(input), str(output)
    fmt = "parquet" if src.lower().endswith((".parquet", ".pq")) else "csv"
    if fmt == "csv":
        frame = spark.read.csv(src, header=True, inferSchema=False, encoding="UTF-8",
                               multiLine=True, mode="FAILFAST")
    else:
        frame = spark.read.parquet(src)
    if options.name_column not in frame.columns:
        raise InputError("no such column", path=src, column=options.name_column)
    extra = [c for c in (options.address_column, options.id_column) if c]
    cols = [options.name_column, *extra]
    # Number rows in input order (file order within and across partitions).
    numbered = frame.select(*[F.col(c).cast("string") for c in cols]).rdd.zipWithIndex().map(
        lambda pair: (pair[1] + 1, *[(v or "") for v in pair[0]])
    )
    schema = T.StructType(
        [T.StructField("row", T.LongType())]
        + [T.StructField(f"c{i}", T.StringType()) for i in range(len(cols))]
    )
    rows = spark.createDataFrame(numbered, schema).withColumnRenamed("c0", "name")
    key_udf = F.udf(lambda name: name_key(name), T.StringType())
    rows = rows.withColumn("name_key", key_udf(F.col("name")))
    distinct = rows.groupBy("name_key").agg(F.first("name").alias("name"))

    settings = options.settings
    broadcast = spark.sparkContext.broadcast(entities)
    key = f"{id(entities)}-{len(entities)}"
    out_schema = T.StructType(
        [T.StructField("name_key", T.StringType())]
        + [
            T.StructField(c, T.DoubleType() if c == "score" else T.StringType())
            for c in ("decision", "score", "entity_id", "entity_name", "matched_name", "lists", "reasons")
        ]
    )
    matched = distinct.mapInArrow(_match_partitions(key, broadcast, settings), out_schema)

    sig_udf = F.udf(  # a lambda: Spark reads type hints as a request for an Arrow UDF
        lambda name, address, ident: "; ".join(
            signals_for(Record(row=0, name=name, address=address, identifier=ident))
        ),
        T.StringType(),
    )
    address = F.col("c1") if options.address_column else F.lit("")
    ident = F.col(f"c{len(cols) - 1}") if options.id_column else F.lit("")
    result = (
        rows.join(matched, "name_key", "left")
        .withColumn("signals", sig_udf(F.col("name"), address, ident))
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
        summary.top = pl.from_pandas(top_rows).unique(subset=["name"], keep="first", maintain_order=True).head(20)
    summary.distinct_names = distinct.count()
    result.unpersist()
    broadcast.unpersist()
    return summary
