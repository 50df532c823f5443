"""Matching: the name index (blocking), features (pure functions), scoring and decisions."""

from sourcetrace.matching.index import NameIndex
from sourcetrace.matching.score import ALGORITHM, Matcher

__all__ = ["ALGORITHM", "Matcher", "NameIndex"]
