"""The Spark engine in local mode gives the same results as the local engine, row for row."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from sourcetrace.screening import screen_file

pytest.importorskip("pyspark")


def test_spark_results_equal_local_engine(tmp_path: Path, examples: Path) -> None:
    names = pl.read_csv(examples / "suppliers.csv")
    rows = names.select(
        pl.col("supplier_name").alias("shipper"), pl.col("address"), pl.col("uscc")
    )
    bol = pl.concat([rows, rows.reverse(), rows])
    path = tmp_path / "bol.parquet"
    bol.write_parquet(path)
    local_out = tmp_path / "local.parquet"
    spark_out = tmp_path / "spark.parquet"
    local_summary = screen_file(path, local_out, workers=1).summary
    spark_summary = screen_file(path, spark_out, engine="spark").summary
    local = pl.read_parquet(local_out)
    spark = pl.read_parquet(spark_out / "*.parquet").sort("row").with_columns(pl.col(pl.String).fill_null(""))
    spark = spark.with_columns(pl.col("score").cast(pl.Float64))
    assert spark.get_column("row").to_list() == list(range(1, bol.height + 1))
    assert spark.select(local.columns).equals(local.with_columns(pl.col(pl.String).fill_null("")))
    assert spark_summary.counts == local_summary.counts
    assert spark_summary.rows == bol.height
