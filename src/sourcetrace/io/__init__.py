"""Reading input tables and writing results: every file format, encoding and atomic output."""

from sourcetrace.io.readers import Columns, detect_columns, read_table
from sourcetrace.io.writers import write_table

__all__ = ["Columns", "detect_columns", "read_table", "write_table"]
