"""Shared paths: the cross-language fixtures live in the repository's root `tests/`."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLES = ROOT / "examples"


@pytest.fixture
def example_path() -> Path:
    return EXAMPLES / "engineering-2021-h2.yaml"


# A small cascade shared with the JS suite (tests/fixtures/small.yaml); every value
# asserted on it is worked out by hand in the test that uses it.
SMALL = (FIXTURES / "small.yaml").read_text()
