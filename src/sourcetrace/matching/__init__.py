"""Matching: the name index (blocking), features (pure functions), scoring and decisions."""

from sourcetrace.matching.index import NameIndex
from sourcetrace.matching.matcher import Matcher
from sourcetrace.matching.score import ALGORITHM

__all__ = ["ALGORITHM", "Matcher", "NameIndex"]
