"""Shared fixtures: the bundled lists loaded once, and a matcher over them."""

from __future__ import annotations

from pathlib import Path

import pytest

from sourcetrace.lists import default_list_path, load_entities
from sourcetrace.matching import Matcher
from sourcetrace.model import ListedEntity
from sourcetrace.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def bundled_entities() -> list[ListedEntity]:
    return load_entities(default_list_path())


@pytest.fixture(scope="session")
def matcher(bundled_entities: list[ListedEntity]) -> Matcher:
    return Matcher(bundled_entities, load_settings())


@pytest.fixture()
def examples() -> Path:
    return ROOT / "examples"
