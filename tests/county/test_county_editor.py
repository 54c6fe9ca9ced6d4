"""A county's web editor as county IT gets it: gongshi installed from a wheel (not a checkout),
Decap pinned in the county's own ``tools/decap`` by ``gongshi init``.

gongshi is built into a wheel from this working tree and installed with pip into a folder of its
own (as ``ci/install.sh`` installs it from git: no ``tools/decap`` beside the code). A county from
``gongshi init`` with ``editing`` set then builds (a) before its npm packages are installed: the
public site builds, ``/admin/`` explains how to edit instead, one warning names the fix, and
``gongshi edit`` refuses; (b) after ``sh ci/install-editor.sh`` ran the county's own ``npm ci``:
each unit's editor is there, with the script shipped as package data.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from countykit import IDS, init, write_csv
from helpers import REPO

pytestmark = pytest.mark.slow

EDITING = """editing:
  backend: forgejo
  repo: qinghe/gongshi
  api_root: https://git.qinghe.gov.cn/api/v1
  app_id: 5d1f0c2e-abcd
"""


def _run(cmd: list[str], cwd: Path, lib: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGSHI_")}
    env.update(PYTHONPATH=str(lib), PYTHONIOENCODING="utf-8")
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """gongshi from a wheel of this working tree, installed by pip into a folder: the folder."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    # The files a wheel is built from, symlinks kept (the county templates link the guide and tools/decap).
    for rel in ("pyproject.toml", "README.md", "generator", "content/guide", "theme_overrides",
                "tools/decap/package.json", "tools/decap/package-lock.json", "tools/decap/serve.cjs"):
        s, d = REPO / rel, src / rel
        d.parent.mkdir(parents=True, exist_ok=True)
        if s.is_dir():
            shutil.copytree(s, d, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(s, d)
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp / "dist"), str(src)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (wheel,) = (tmp / "dist").glob("gongshi-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for f in ("generator/publish/admin_assets/gongshi-admin.js", "generator/county/templates/common/tools/decap/package-lock.json",
              "generator/county/templates/common/tools/decap/package.json", "generator/county/templates/common/ci/install-editor.sh"):
        assert f in names, f
    lib = tmp / "lib"
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(lib), str(wheel)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    where = _run([sys.executable, "-c", "import generator; print(generator.__file__)"], tmp, lib).stdout
    assert where.startswith(str(lib)), where
    return lib


def test_a_county_builds_without_decap_and_with_its_own_npm_ci(installed, tmp_path):
    lib = installed
    rc, out, err, county = init(tmp_path, "--units", str(write_csv(tmp_path / "u.csv")))
    assert rc == 0, out + err
    pins = county / "tools/decap"
    assert (pins / "package-lock.json").read_bytes() == (REPO / "tools/decap/package-lock.json").read_bytes()
    assert (pins / "package.json").is_file() and (pins / "serve.cjs").is_file() and not (pins / "node_modules").exists()
    assert "/tools/decap/node_modules/" in (county / ".gitignore").read_text(encoding="utf-8")
    with (county / "data/site.yaml").open("a", encoding="utf-8") as f:
        f.write(EDITING)

    # (a) No npm packages in the county, none beside the installed gongshi: the record is still published.
    res = _run([sys.executable, "-m", "generator", "build", "--strict"], county, lib)
    assert res.returncode == 0, res.stdout + res.stderr
    warnings = [line for line in res.stderr.splitlines() if "网页编辑器（Decap CMS）没有安装" in line]
    assert len(warnings) == 1 and "npm ci --prefix tools/decap" in warnings[0], res.stderr
    site = county / "site"
    assert (site / "units/qinghe-zhen/index.html").is_file()
    admin = (site / "admin/index.html").read_text(encoding="utf-8")
    assert "本次生成网站时没有安装网页编辑器" in admin and "发起合并请求" in admin and "npm ci --prefix tools/decap" in admin
    assert "../guide/web-editor/" in admin
    for uid in IDS:  # a clerk's bookmark of their unit's editor says the same, not 404
        assert "没有安装网页编辑器" in (site / "admin" / uid / "index.html").read_text(encoding="utf-8")
    assert not (site / "admin/decap-cms.js").exists() and not (site / "admin/gongshi-admin.js").exists()
    # Under `gongshi edit` the editor is the point: a missing Decap is an error that says what to run.
    res = _run([sys.executable, "-m", "generator", "edit", "--dev-addr", "127.0.0.1:0"], county, lib, timeout=120)
    assert res.returncode == 2 and "npm ci --prefix" in res.stderr and "Traceback" not in res.stderr, res.stderr

    # (b) The county's own lock installed by its CI script (npm ci), then built again.
    if shutil.which("npm") is None:
        pytest.fail("npm is missing (./dev installs nodejs and npm)")
    proc = subprocess.run(["sh", "ci/install-editor.sh"], cwd=county, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0 and "已安装网页编辑器" in proc.stdout, proc.stdout + proc.stderr
    assert (pins / "node_modules/decap-cms/dist/decap-cms.js").is_file()
    again = subprocess.run(["sh", "ci/install-editor.sh"], cwd=county, capture_output=True, text=True, timeout=120)
    assert "已安装在" in again.stdout  # the lock did not change: no second npm ci
    res = _run([sys.executable, "-m", "generator", "build", "--strict"], county, lib)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "没有安装" not in res.stderr
    for uid in IDS:
        page = (site / "admin" / uid / "index.html").read_text(encoding="utf-8")
        assert '<script src="../decap-cms.js"></script>' in page and "gongshi-admin.js" in page
        assert (site / "admin" / uid / "config.yml").is_file()
    assert (site / "admin/decap-cms.js").read_bytes() == (pins / "node_modules/decap-cms/dist/decap-cms.js").read_bytes()
    assert (site / "admin/gongshi-admin.js").read_bytes() == (lib / "generator/publish/admin_assets/gongshi-admin.js").read_bytes()
    assert "请点本单位的名称" in (site / "admin/index.html").read_text(encoding="utf-8")
