"""Entry point for ``spark-submit``: screen a file on a Spark cluster with the Spark engine.

    spark-submit --master yarn scripts/spark_screen.py INPUT OUTPUT [sourcetrace screen options]

It runs ``sourcetrace screen INPUT --output OUTPUT --engine spark ...``; the session comes from
spark-submit (master, executors), and sourcetrace must be installed on the executors.
"""

from __future__ import annotations

import os
import sys

from sourcetrace.cli import main

if __name__ == "__main__":
    os.environ.setdefault("SPARK_MASTER", "from-spark-submit")  # keep the submitted master
    source, target, *rest = sys.argv[1:]
    sys.argv = ["sourcetrace", "screen", source, "--output", target, "--engine", "spark", *rest]
    main()
