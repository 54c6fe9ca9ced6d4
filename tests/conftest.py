import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import make_project  # noqa: E402


@pytest.fixture
def project(tmp_path):
    """The valid fixture project, freshly written; tests override files with helpers.write."""
    return make_project(tmp_path / "proj")


CHROMIUM_PATH = Path("/usr/bin/chromium")


def no_browser(why: str):
    """Skip a browser test here; fail it in CI (GONGSHI_REQUIRE_BROWSER=1), where it must run."""
    if os.environ.get("GONGSHI_REQUIRE_BROWSER") == "1":
        pytest.fail(f"GONGSHI_REQUIRE_BROWSER=1 but the browser test cannot run: {why}", pytrace=False)
    pytest.skip(f"browser test skipped: {why}")


@pytest.fixture(scope="session")
def chromium_browser():
    """One Playwright and one Chromium for the whole run: the sync API allows one per process."""
    try:
        from playwright.sync_api import Error as PwError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        no_browser(f"Playwright is not installed ({exc})")
    if not CHROMIUM_PATH.is_file():
        no_browser(f"no Chromium at {CHROMIUM_PATH}")
    from generator.publish.notices import CHROMIUM_ARGS

    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=str(CHROMIUM_PATH), args=CHROMIUM_ARGS)
    except PwError as exc:
        pw.stop()
        no_browser(f"Chromium did not start: {exc}")
    yield b
    b.close()
    pw.stop()
