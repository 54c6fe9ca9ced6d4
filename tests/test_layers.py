"""The generator's rooms follow the pipeline: every import points down, and no module imports in a cycle.

model → check → view → site → publish → review → county, with ``plugin`` and ``cli`` (the doors) on top.
The imports are read from the source with ``ast``, function-level ones included, so a lazy import
cannot hide an upward edge.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "generator"

# Lower rank = earlier in the pipeline. A module may import its own room or any lower one.
RANKS = {"model": 0, "check": 1, "view": 2, "site": 3, "publish": 4, "review": 5, "county": 6}
DOORS = {"plugin", "cli", "__main__"}
DOOR_RANK = 9


def module_name(path: Path, root: Path = PACKAGE) -> str:
    rel = path.relative_to(root.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def rank(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "generator":
        return None
    if len(parts) == 1:
        return -1  # the package itself holds only the version
    if parts[1] in RANKS:
        return RANKS[parts[1]]
    if parts[1] in DOORS:
        return DOOR_RANK
    raise AssertionError(f"{module}: a module outside the rooms; put it in one of {sorted(RANKS)}")


def imports_of(path: Path, root: Path = PACKAGE) -> set[str]:
    """Every module the file imports (absolute names), at any depth of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = module_name(path, root)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            found.add(mod)
            # ``from generator.site import markup`` imports the module generator.site.markup
            for a in node.names:
                candidate = f"{mod}.{a.name}"
                if (root.parent / Path(*candidate.split("."))).with_suffix(".py").is_file():
                    found.add(candidate)
    return {m for m in found if m == "generator" or m.startswith("generator.")}


def graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    return {module_name(p, root): imports_of(p, root) for p in sorted(root.rglob("*.py"))}


def upward(g: dict[str, set[str]]) -> list[str]:
    bad = []
    for mod, deps in g.items():
        r = rank(mod)
        for d in sorted(deps):
            rd = rank(d)
            if r is not None and rd is not None and rd > r:
                bad.append(f"{mod} imports {d}")
    return bad


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Cycles between modules (each reported once, by depth-first search)."""
    found: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for d in sorted(g.get(m, ())):
            if d not in g or d == m:
                continue
            if state.get(d) == 1:
                found.append(stack[stack.index(d):] + [d])
            elif d not in state:
                visit(d)
        stack.pop()
        state[m] = 2

    for m in sorted(g):
        if m not in state:
            visit(m)
    return found


def test_every_import_points_down():
    assert upward(graph()) == []


def test_no_import_cycle():
    assert cycles(graph()) == []


def test_every_module_is_in_a_room():
    for mod in graph():
        rank(mod)  # raises for a module outside the rooms


@pytest.fixture()
def copy_of_package(tmp_path):
    import shutil

    dst = tmp_path / "generator"
    shutil.copytree(PACKAGE, dst, ignore=shutil.ignore_patterns("__pycache__", "templates", "assets"))
    return dst


def test_an_upward_import_is_caught(copy_of_package):
    mod = copy_of_package / "model" / "records.py"
    mod.write_text(mod.read_text(encoding="utf-8") + "\n\ndef _late():\n    from generator.site import render  # noqa\n",
                   encoding="utf-8")
    assert "generator.model.records imports generator.site.render" in upward(graph(copy_of_package))


def test_a_cycle_is_caught(copy_of_package):
    a = copy_of_package / "view" / "events.py"
    a.write_text(a.read_text(encoding="utf-8") + "\nfrom generator.view import derive as _d  # noqa\n", encoding="utf-8")
    b = copy_of_package / "view" / "derive.py"
    b.write_text(b.read_text(encoding="utf-8") + "\nfrom generator.view import events as _e  # noqa\n", encoding="utf-8")
    assert any({"generator.view.events", "generator.view.derive"} <= set(c) for c in cycles(graph(copy_of_package)))
