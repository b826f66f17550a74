"""Fixtures for the file-type and extraction tests: documents written into tmp_path."""
from __future__ import annotations

from pathlib import Path

import pytest
from documents import DocumentFactory


@pytest.fixture
def documents(tmp_path) -> DocumentFactory:
    return DocumentFactory(tmp_path)


@pytest.fixture(scope="session")
def zip_bomb(tmp_path_factory) -> Path:
    """A docx whose document.xml is 300 MB of zeros (about 1.3 MB compressed); built once."""
    factory = DocumentFactory(tmp_path_factory.mktemp("bomb"))
    return factory.zip_with_member("bomb.docx", "word/document.xml", 300 * 2**20)
