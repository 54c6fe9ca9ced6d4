#!/bin/sh
# 安装 gongshi：依赖的版本和哈希锁定在 requirements.lock，gongshi 本身的版本锁定在 gongshi.txt。
# 装到 .venv（或环境变量 GONGSHI_VENV 指定的目录）；锁定文件没有变化时不重复安装。
# 用法：sh ci/install.sh，然后 . .venv/bin/activate（或直接用 .venv/bin/gongshi）。
# 需要 Python 3.11 或更新的版本（python3）和 git；PIP_INDEX_URL 可指向本地的 PyPI 镜像。
# 有 npm 时还安装网页编辑器（tools/decap，见 ci/install-editor.sh）。
set -eu
cd "$(dirname "$0")/.."
VENV=${GONGSHI_VENV:-.venv}
PY=${PYTHON:-python3}
want=$(cat requirements.lock gongshi.txt | sha256sum | cut -c1-64)
if [ -x "$VENV/bin/gongshi" ] && [ "$(cat "$VENV/.gongshi-installed" 2>/dev/null || true)" = "$want" ]; then
  echo "gongshi 已安装在 $VENV（与 requirements.lock、gongshi.txt 一致）"
else
  [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --require-hashes -r requirements.lock
  "$VENV/bin/python" -m pip install --quiet --no-deps -r gongshi.txt
  echo "$want" > "$VENV/.gongshi-installed"
  echo "已安装 gongshi 到 $VENV"
fi
# 网页编辑器（/admin/）的 npm 包：有 npm 时安装，没有时网站照常生成（见 ci/install-editor.sh）。
sh ci/install-editor.sh
