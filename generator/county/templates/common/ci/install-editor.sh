#!/bin/sh
# 安装网页编辑器（/admin/，Decap CMS）：npm 包的版本和哈希锁定在 tools/decap/package-lock.json。
# 装到 tools/decap/node_modules；锁定文件没有变化时不重复安装。ci/install.sh 最后会调用它。
# 需要 Node.js 20 或更新的版本和 npm；NPM_CONFIG_REGISTRY 可指向本地的 npm 镜像。
# 没有 npm 或安装失败时只给出提示、不报错：网站照常生成，/admin/ 只有一页说明（怎样在平台网页上修改）。
set -eu
cd "$(dirname "$0")/.."
DIR=tools/decap
if [ ! -f "$DIR/package-lock.json" ]; then
  echo "没有 $DIR/package-lock.json：不安装网页编辑器"
  exit 0
fi
if cmp -s "$DIR/package-lock.json" "$DIR/node_modules/.installed.lock" 2>/dev/null; then
  echo "网页编辑器已安装在 $DIR/node_modules（与 package-lock.json 一致）"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "提示：没有 npm，不安装网页编辑器；网站照常生成，/admin/ 只有说明页。要开通，请装好 Node.js 20 和 npm 后再运行 sh ci/install.sh" >&2
  exit 0
fi
if npm ci --prefix "$DIR" --prefer-offline --no-audit --no-fund --loglevel=error; then
  cp "$DIR/package-lock.json" "$DIR/node_modules/.installed.lock"
  echo "已安装网页编辑器到 $DIR/node_modules"
else
  echo "提示：网页编辑器没有装好（npm ci 失败，见上面的错误）；网站照常生成，/admin/ 只有说明页" >&2
fi
