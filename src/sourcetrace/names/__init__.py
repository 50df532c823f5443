"""Names: folding, script handling, structure (region, trade name, industry, legal form)."""

from sourcetrace.names.identifiers import UsccCheck, check_uscc
from sourcetrace.names.parse import ParsedName, parse_name
from sourcetrace.names.text import fold, has_cjk

__all__ = ["ParsedName", "UsccCheck", "check_uscc", "fold", "has_cjk", "parse_name"]
