"""Markdown fields: raw HTML is text, only http/https/mailto/tel links survive, and
`gongshi check` refuses a javascript: link in any Markdown field."""

from __future__ import annotations

import html
import re
import shutil

import pytest
import sitekit as K

BAD_LINKS = [
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](<javascript:alert(1)>)",
    "[x](\tjavascript:alert(1))",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "![i](javascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](java&#115;cript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "[x](file:///etc/passwd)",
]


def _hrefs(out: str) -> list[str]:
    return [html.unescape(m.group(2)) for m in re.finditer(r'\b(href|src)="([^"]*)"', out)]


def test_javascript_link_is_not_rendered():
    from generator.site.markup import render

    out = render("[x](javascript:alert(1))")
    assert "javascript:" not in out.lower()
    assert "javascript:" not in html.unescape(out).lower()


@pytest.mark.parametrize("text", BAD_LINKS)
def test_no_bad_scheme_survives_rendering(text):
    from generator.site.markup import render

    out = render(text)
    for url in _hrefs(out):
        scheme = re.match(r"\s*([A-Za-z][A-Za-z0-9+.\-]*):", url)
        assert scheme is None or scheme.group(1).lower() in ("http", "https", "mailto", "tel"), out
    low = html.unescape(out).lower()
    assert "<img" not in out and "<script" not in out
    assert not re.search(r'(href|src)="\s*(javascript|data|vbscript|file):', low), out


@pytest.mark.parametrize("text,want", [
    ("<b>粗</b>", "&lt;b&gt;粗&lt;/b&gt;"),
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("前<img src=x onerror=alert(1)>后", "&lt;img src=x onerror=alert(1)&gt;"),
    ("<div>\n块\n</div>", "&lt;div&gt;"),
    ("<!-- 注释 -->", "&lt;!-- 注释 --&gt;"),
    ('"><svg onload=alert(1)>', "&lt;svg onload=alert(1)&gt;"),
])
def test_raw_html_is_text(text, want):
    from generator.site.markup import render

    out = render(text)
    assert want in out, out
    assert not re.search(r"<(b|script|img|div|svg)\b", out), out


@pytest.mark.parametrize("text,want", [
    ("**重点**", "<strong>重点</strong>"),
    ("- 一\n- 二", "<li>一</li>"),
    ("1. 一\n2. 二", "<ol>"),
    ("[县政务服务网](https://zwfw.example.gov.cn/)", '<a href="https://zwfw.example.gov.cn/" rel="noopener nofollow ugc">'),
    ("[电话](tel:0371-12345)", 'href="tel:0371-12345"'),
    ("[信箱](mailto:a@example.gov.cn)", 'href="mailto:a@example.gov.cn"'),
    ("| 列 |\n|---|\n| 值 |", "<table>"),
    ("# 一级", "<h3>一级</h3>"),
    ("#### 四级", "<h3>四级</h3>"),  # the text's top heading always becomes h3
    ("## 二级\n\n#### 四级", "<h5>四级</h5>"),
    ("普通一段话。", "<p>普通一段话。</p>"),
    ("a & b < c", "<p>a &amp; b &lt; c</p>"),
])
def test_ordinary_markdown_renders(text, want):
    from generator.site.markup import render

    assert want in render(text)


def test_link_title_cannot_add_attributes():
    from generator.site.markup import render

    out = render('[x](https://a.example "t" onclick="alert(1)")')
    tags = K.parse(out).tags
    for tag, attrs in tags:
        assert not any(n.startswith("on") for n, _v in attrs), (tag, attrs)


def test_plain_strips_markup_but_keeps_text():
    from generator.model.text import plain

    assert plain("**重点**工作，见[链接](https://a.example)。") == "重点工作，见链接。"
    assert plain("一" * 50, 10) == "一" * 9 + "…"
    assert plain("<script>x</script>") == "<script>x</script>"  # escaped where it lands
    assert plain(None) == ""


def test_empty_text_renders_nothing():
    from generator.site.markup import render

    assert render("") == "" and render(None) == ""


# ---------------------------------------------------------------------------------------
# `gongshi check` refuses bad links in every Markdown field


MD_FIELDS = [
    ("data/units/fgw/pledges.yaml", "企业开办实行", "commitment"),
    ("data/units/fgw/ledger.yaml", "召开企业开办专题推进会", "note"),
    ("data/units/fgw/rectifications.yaml", "窗口工作人员对咨询群众推诿", "problem"),
    ("data/units/fgw/rectifications.yaml", "已完成全员培训", "updates"),
    ("data/units/fgw/rectifications.yaml", "首问负责制落实到人", "closure"),
    ("data/units/fgw/rectifications.yaml", "群众反映仍有两项指南未更新", "objections"),
    ("data/units/spj/rectifications.yaml", "经核实已处理相关人员", "resolution"),
    ("data/campaigns/yingshang.yaml", "围绕**营商环境**", "summary"),
    ("data/campaigns/yingshang.yaml", "各单位梳理并公示服务事项", "phases"),
    ("data/inspections/2025.yaml", "暗访 2 个单位的办事大厅", "summary"),
    ("data/inspections/2025.yaml", "窗口推诿。", "findings"),
    ("data/units/fgw/reports/yingshang.md", "公开承诺 3 项", ""),
]


@pytest.fixture
def sample_copy(sample_project, tmp_path):
    root = tmp_path / "proj"
    shutil.copytree(sample_project, root)
    return root


def _inject(root, rel, needle, link="[x](javascript:alert(1))"):
    p = root / rel
    text = p.read_text(encoding="utf-8")
    assert needle in text, (rel, needle)
    p.write_text(text.replace(needle, link + needle, 1), encoding="utf-8")
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.parametrize("rel,needle,key", MD_FIELDS, ids=[f"{r.split('/')[-1]}:{k or 'body'}" for r, _n, k in MD_FIELDS])
def test_check_refuses_javascript_link_in_markdown(sample_copy, rel, needle, key):
    from generator.view.pipeline import check

    _inject(sample_copy, rel, needle)
    res = check(sample_copy, K.SAMPLE_AS_OF)
    hits = [p for p in res.errors if p.path == rel and "javascript" in p.message]
    assert hits, f"no error for a javascript: link in {rel} ({key}); errors: {[p.text() for p in res.errors]}"
    if key:
        assert key in hits[0].key, hits[0].text()


@pytest.mark.parametrize("link", ["[x](JavaScript:alert(1))", "<javascript:alert(1)>", "[x][r]\n\n[r]: javascript:alert(1)\n",
                                  "[x](data:text/html,hi)", "[x](vbscript:x)"])
def test_check_refuses_other_bad_link_forms(sample_copy, link):
    from generator.view.pipeline import check

    # Ledger notes are written as JSON-quoted YAML strings: escape the newline of the reference form.
    _inject(sample_copy, "data/units/fgw/ledger.yaml", "召开企业开办专题推进会", link.replace("\n", "\\n"))
    res = check(sample_copy, K.SAMPLE_AS_OF)
    assert any(p.path == "data/units/fgw/ledger.yaml" and "note" in p.key for p in res.errors), \
        [p.text() for p in res.errors]


def test_check_refuses_entity_encoded_scheme(sample_copy):
    from generator.view.pipeline import check

    _inject(sample_copy, "data/units/fgw/ledger.yaml", "召开企业开办专题推进会", "[x](&#106;avascript:alert(1))")
    res = check(sample_copy, K.SAMPLE_AS_OF)
    assert any(p.path == "data/units/fgw/ledger.yaml" for p in res.errors)


def test_check_refuses_javascript_link_in_an_earlier_commitment(sample_copy):
    """A commitment change's `from` is the commitment shown for views before the change, rendered
    as Markdown: a bad link in it must be refused like one in the commitment itself."""
    from generator.view.pipeline import check

    p = sample_copy / "data/units/fgw/pledges.yaml"
    text = p.read_text(encoding="utf-8")
    anchor = '  responsible: "孙磊"\n'
    assert anchor in text
    p.write_text(text.replace(anchor, anchor + (
        '  changes:\n    - date: 2025-04-01\n      field: "commitment"\n'
        '      from: "[x](javascript:alert(1))原承诺"\n'
        '      to: "对重大项目实行专人帮办代办，审批时限压缩一半。"\n      why: "表述调整"\n'), 1), encoding="utf-8")
    res = check(sample_copy, K.SAMPLE_AS_OF)
    assert not [e for e in res.errors if "javascript" not in e.message], [e.text() for e in res.errors]
    assert any("javascript" in e.message for e in res.errors), "a javascript: link in changes[].from passed check"


def test_check_cli_reports_javascript_link(sample_copy):
    line = _inject(sample_copy, "data/units/fgw/pledges.yaml", "企业开办实行")
    res = K.run(K.GONGSHI + ["--root", str(sample_copy), "check", "--as-of", K.SAMPLE_AS_OF.isoformat()])
    out = res.stdout + res.stderr
    assert res.returncode == 1, out
    assert "Traceback" not in out
    m = re.search(r"data/units/fgw/pledges\.yaml:(\d+): .*commitment.*javascript", out)
    assert m, out
    assert int(m.group(1)) in (line, line - 1), out  # the key's line (commitment is on the needle's line)
    assert re.search(r"[\u4e00-\u9fff]", m.group(0))


def test_build_refuses_javascript_link(sample_copy):
    _inject(sample_copy, "data/units/fgw/ledger.yaml", "召开企业开办专题推进会")
    res = K.gongshi_build(sample_copy, K.SAMPLE_AS_OF)
    assert res.returncode != 0
    assert not (sample_copy / "site").exists()
    assert "javascript" in res.stderr and "Traceback" not in res.stderr
