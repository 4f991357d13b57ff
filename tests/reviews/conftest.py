"""Fixtures for review understanding: the real catalog index over the shared sample catalog."""

from __future__ import annotations

import pytest

from bot.catalog.index import CatalogIndex
from tests.catalog.sample import review_catalog_titles


@pytest.fixture(scope="session")
def sample_index() -> CatalogIndex:
    """The catalog index every review test resolves titles with (the sample plus the corpus extras), built once."""
    return CatalogIndex(review_catalog_titles())
