import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import make_project  # noqa: E402


@pytest.fixture
def project(tmp_path):
    """The valid fixture project, freshly written; tests override files with helpers.write."""
    return make_project(tmp_path / "proj")
