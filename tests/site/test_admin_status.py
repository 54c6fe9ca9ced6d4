"""The editor asks no outside host whether GitHub is up.

Decap's GitHub backend polls ``www.githubstatus.com`` from its ``status()``; gongshi-admin.js
answers that question in the page. A site with ``editing: {backend: github}`` is built and its
``/admin/<unit>/`` opened in Chromium with every request to a host other than 127.0.0.1 aborted
and recorded: the login screen renders, and Decap's own GitHub backend, asked for its status,
makes no request.
"""

from __future__ import annotations

import pytest
import sitekit as K
from helpers import SITE, make_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GITHUB = SITE + """editing:
  backend: github
  repo: x/y
  base_url: https://auth.example.gov.cn
"""


@pytest.fixture(scope="module")
def github_site(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("gh") / "p", {"data/site.yaml": GITHUB})
    K.make_project(root)
    res = K.gongshi_build(root)
    assert res.returncode == 0, res.stdout + res.stderr
    assert (root / "site/admin/decap-cms.js").is_file()  # this checkout's Decap (./dev installs it)
    return root / "site"


def test_the_github_editor_asks_githubstatus_nothing(github_site, server, browse):
    base = server[1]("github-editor", github_site)
    page, rec = browse()
    page.goto(base + "admin/fgw/")
    page.get_by_role("button", name="GitHub").wait_for(timeout=60_000)  # Decap's login screen, in Chinese
    assert "GitHub" in page.get_by_role("button", name="GitHub").inner_text()
    # What Decap's header does every five minutes once a clerk is logged in: the backend's status().
    status = page.evaluate("""async () => {
        const backend = CMS.getBackend("github").init({backend: {repo: "x/y", branch: "main"}}, {});
        return await backend.status();
    }""")
    assert status["api"]["status"] is True and status["auth"]["status"] is False
    assert not [u for u in rec.foreign if "githubstatus" in u], rec.foreign
    rec.check_local()
