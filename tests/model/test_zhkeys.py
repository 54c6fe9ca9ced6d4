"""A clerk who writes the field reference's Chinese name for a key is told the key (issue 15)."""

import re
from pathlib import Path

import pytest

from generator.model import schema, zhkeys

REFERENCE = Path(__file__).resolve().parents[2] / "content" / "guide" / "reference.md"


def _obj_of(kind: str, path: str) -> schema.Obj:
    """The mapping that holds the last key of ``path`` (e.g. phases[].duties[].due -> a duty)."""
    spec = schema.KINDS[kind].spec
    spec = spec.item if isinstance(spec, schema.ListOf) else spec
    for part in path.split(".")[:-1]:
        t = spec.fields[part.removesuffix("[]")].type
        spec = t.item if isinstance(t, schema.ListOf) else t
    return spec


def names_in_the_reference() -> list[tuple[str, str, str]]:
    """(kind, key path, the Chinese name the reference gives it): the 说明 column up to its first
    punctuation, where that is a short name rather than a sentence."""
    titles = {k.title: name for name, k in schema.KINDS.items()}
    out, kind = [], None
    for line in REFERENCE.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            m = re.search(r"`([^`]+)`", line)
            kind = titles.get(m.group(1)) if m else None
            continue
        m = re.match(r"\|\s*`([^`]+)`\s*\|[^|]*\|[^|]*\|\s*([^|]*?)\s*\|", line)
        if kind and m:
            name = re.split(r"[，。；、（(：:,]", m.group(2))[0].strip()
            if 1 < len(name) <= 6 and "的" not in name and "`" not in name:
                out.append((kind, m.group(1), name))
    return out


def test_the_reference_yields_names():
    assert len(names_in_the_reference()) > 80


@pytest.mark.parametrize("kind, path, name", names_in_the_reference(), ids=lambda v: str(v))
def test_each_name_in_the_reference_leads_to_its_key(kind, path, name):
    obj = _obj_of(kind, path)
    key = path.rsplit(".", 1)[-1].removesuffix("[]")
    assert zhkeys.key_for(name, obj.fields) == key, f"{kind} {path}: “{name}” should lead to {key}"


def test_one_word_means_the_key_that_exists_where_it_is_written():
    assert zhkeys.key_for("活动编号", schema.PLEDGE.fields) == "campaign"
    assert zhkeys.key_for("活动编号", schema.CAMPAIGN.fields) == "id"
    assert zhkeys.key_for("完成时限", schema.PLEDGE.fields) == "deadline"
    assert zhkeys.key_for("完成时限", schema.DUTY.fields) == "due"
    assert zhkeys.key_for("天气", schema.PLEDGE.fields) is None
