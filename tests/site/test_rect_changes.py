"""A problem's page shows its public change history, and a view as of an earlier day the values then in force."""

from __future__ import annotations

from datetime import date

from helpers import RECTS_FGW, make_project, replace

from generator.site.render import Renderer, plan
from generator.view.pipeline import check

RECTS = "data/units/fgw/rectifications.yaml"
CHANGED = replace(RECTS_FGW, "deadline: 2025-04-30", "deadline: 2025-05-31") + """\
  changes:
    - date: 2025-04-10
      field: deadline
      from: 2025-04-30
      to: 2025-05-31
      why: 培训场地 <调整>。
    - date: 2025-04-10
      field: measures
      from:
        - 开展服务礼仪培训
      to:
        - 开展服务礼仪培训
      why: 措施文字核对。
"""


def _page(root, as_of: date) -> str:
    view = check(root, as_of=as_of, today=date(2025, 12, 31)).derived
    page = next(p for p in plan(view) if p.url == "units/fgw/rectifications/")
    return Renderer(view).render(page)


def test_the_problem_page_shows_the_change_history_and_the_values_in_force(tmp_path):
    root = make_project(tmp_path, {RECTS: CHANGED})
    after = _page(root, date(2025, 12, 31))
    assert "<dt>整改时限</dt><dd>2025-05-31</dd>" in after
    assert "<h3>变更记录</h3>" in after
    assert "变更 <strong>整改时限</strong>" in after and "<del>2025-04-30</del> → <ins>2025-05-31</ins>" in after
    assert "<del>开展服务礼仪培训</del>" in after
    assert "培训场地 &lt;调整&gt;。" in after and "<调整>" not in after  # editor text stays text

    before = _page(root, date(2025, 4, 5))
    assert "<dt>整改时限</dt><dd>2025-04-30</dd>" in before
    assert "变更记录" not in before
