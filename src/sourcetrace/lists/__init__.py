"""Watchlists: reading FtM entity files, the bundled default lists and their manifest."""

from sourcetrace.lists.bundled import BundledList, bundled_lists, default_list_path
from sourcetrace.lists.ftm import load_entities

__all__ = ["BundledList", "bundled_lists", "default_list_path", "load_entities"]
