"""The editors' field reference cannot drift from the schema the checker uses."""

import re
from pathlib import Path

import pytest

from generator.model import schema

REFERENCE = Path(__file__).resolve().parent.parent / "content" / "guide" / "reference.md"


def documented() -> dict[str, dict[str, str]]:
    """kind -> {key path: 必填 column} as written on the reference page."""
    text = REFERENCE.read_text(encoding="utf-8")
    titles = {k.title: name for name, k in schema.KINDS.items()}
    out: dict[str, dict[str, str]] = {}
    kind = None
    for line in text.splitlines():
        if line.startswith("## "):
            m = re.search(r"`([^`]+)`", line)
            kind = titles.get(m.group(1)) if m else None
            if kind:
                out[kind] = {}
            continue
        m = re.match(r"\|\s*`([^`]+)`\s*\|[^|]*\|\s*([^|]*?)\s*\|", line)
        if kind and m:
            out[kind][m.group(1)] = m.group(2)
    return out


def test_every_file_kind_has_a_section():
    assert set(documented()) == set(schema.KINDS), "reference.md 缺少某种文件的章节（标题中用反引号写文件名）"


@pytest.mark.parametrize("kind", list(schema.KINDS))
def test_every_key_is_documented_and_nothing_else(kind):
    docs = documented()[kind]
    keys = schema.key_paths(kind)
    missing = [k for k in keys if k not in docs]
    extra = [k for k in docs if k not in keys]
    assert not missing, f"{schema.KINDS[kind].title}: 字段参考缺少 {missing}"
    assert not extra, f"{schema.KINDS[kind].title}: 字段参考中有 schema 里没有的键 {extra}"


@pytest.mark.parametrize("kind", list(schema.KINDS))
def test_required_column_matches_the_schema(kind):
    docs = documented()[kind]
    spec = schema.KINDS[kind].spec
    spec = spec.item if isinstance(spec, schema.ListOf) else spec
    for f in spec.fields.values():
        want = "是" if f.required else "否"
        assert docs[f.name].startswith(want), f"{f.name}: 必填 应为“{want}”，参考页写的是“{docs[f.name]}”"


def test_contract_fields_are_in_the_schema():
    """Every key the data contract names (section 2 tables) exists in the schema."""
    contract = Path("/work/shared/data-contract.md")
    if not contract.exists():
        pytest.skip("the shared contract is only present in the development workspace")
    text = contract.read_text(encoding="utf-8")
    sections = {"### site.yaml": "site", "### campaigns/": "campaign", "### units/&lt;id&gt;/unit.yaml": "unit",
                "### pledges.yaml": "pledges", "### ledger.yaml": "ledger", "### rectifications.yaml": "rectifications"}
    kind = None
    for line in text.splitlines():
        if line.startswith("### "):
            kind = next((k for head, k in sections.items() if line.startswith(head)), None)
            continue
        m = re.match(r"\|\s*([a-z_]+)\s*\|", line)
        if kind and m and m.group(1) not in ("key", "kind"):
            assert m.group(1) in schema.key_paths(kind), f"{kind}: contract key {m.group(1)} missing from the schema"


def test_dev_usage_and_readme_name_every_command():
    root = Path(__file__).resolve().parent.parent
    dev = (root / "dev").read_text(encoding="utf-8")
    commands = re.findall(r"^  ([a-z]+)\)$", dev, flags=re.M)
    assert {"serve", "build", "test"} <= set(commands), commands
    usage = next(line for line in dev.splitlines() if "usage:" in line)
    readme = (root / "README.md").read_text(encoding="utf-8")
    for cmd in commands:
        assert f"./dev {cmd}" in usage, f"./dev's usage line does not name {cmd}"
        assert f"./dev {cmd}" in readme, f"README.md does not name ./dev {cmd}"
