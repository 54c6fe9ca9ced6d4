"""Where a county keeps its repository: the facts that differ between GitHub, Forgejo/Gitea and GitLab.

``site.yaml`` names the forge once (``forge``, default ``github``); CODEOWNERS (path and syntax),
the "edit this page" links, the citizens' report link and the CI that ``gongshi init`` writes all
read it from here, so each fact lives in one place.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from urllib.parse import urlencode


class Forge(enum.Enum):
    GITHUB = "github"
    FORGEJO = "forgejo"  # Gitea reads the same files (.forgejo/ and .gitea/ alike)
    GITLAB = "gitlab"


@dataclass(frozen=True)
class ForgeFacts:
    label: str
    codeowners: str  # the CODEOWNERS path this forge reads
    blob: str  # the path segment before <branch>/<file> in a file's web address
    issue_form: str  # where the citizens' report form lives
    issue_new: str  # the report form's address, relative to the repository's web address
    ci: tuple[str, ...]  # the CI files `gongshi init` writes


FACTS: dict[Forge, ForgeFacts] = {
    Forge.GITHUB: ForgeFacts("GitHub", ".github/CODEOWNERS", "blob", ".github/ISSUE_TEMPLATE/report.yml",
                             "issues/new?template=report.yml",
                             (".github/workflows/check.yml", ".github/workflows/publish.yml")),
    # Forgejo looks for CODEOWNERS at the root, docs/, .gitea/ and .forgejo/; its patterns are Go
    # regular expressions matched against the whole path, not gitignore globs.
    Forge.FORGEJO: ForgeFacts("Forgejo/Gitea", ".forgejo/CODEOWNERS", "src/branch", ".forgejo/issue_template/report.yaml",
                              "issues/new?template=.forgejo%2Fissue_template%2Freport.yaml",
                              (".forgejo/workflows/check.yml", ".forgejo/workflows/publish.yml")),
    Forge.GITLAB: ForgeFacts("GitLab", ".gitlab/CODEOWNERS", "-/blob", ".gitlab/issue_templates/report.md",
                             "-/issues/new?issuable_template=report", (".gitlab-ci.yml",)),
}

# @user, @org/team (GitLab: @group/subgroup/…), or an e-mail address: nothing that could add a
# line or a pattern to a CODEOWNERS file.
OWNER_RE = re.compile(r"^(@[A-Za-z0-9](?:[A-Za-z0-9._-]{0,38})(?:/[A-Za-z0-9][A-Za-z0-9._-]*)*|[^@\s]+@[^@\s]+\.[A-Za-z]{2,})$")


def facts(forge: Forge) -> ForgeFacts:
    return FACTS[forge]


def file_url(forge: Forge, repo_url: str, branch: str, path: str, line: int = 0) -> str:
    """The web address of a file (at a line) in the repository, as this forge spells it."""
    anchor = f"#L{line}" if line > 1 else ""
    return f"{repo_url.rstrip('/')}/{FACTS[forge].blob}/{branch}/{path}{anchor}"


def report_query(forge: Forge, unit: str | None, item: str | None, url: str | None) -> str:
    """Query parameters that fill in the report form where the forge allows it.

    GitHub's issue forms take each field by its id; GitLab and Forgejo take a title and a
    description (``issue[title]``/``issue[description]``, ``title``/``body``).
    """
    if forge is Forge.GITHUB:
        return urlencode({k: v for k, v in (("unit", unit), ("item", item), ("url", url)) if v})
    title = "[反映] " + "：".join(x for x in (unit, item) if x) if (unit or item) else ""
    body = f"页面地址：{url}\n\n" if url else ""
    keys = ("issue[title]", "issue[description]") if forge is Forge.GITLAB else ("title", "body")
    return urlencode({k: v for k, v in zip(keys, (title, body), strict=True) if v})
