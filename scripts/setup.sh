#!/usr/bin/env bash
# 安装运行所需的一切：Debian 系统包（字体、Pango、HarfBuzz 子集库、poppler），以及 .venv 中的 Python 包。
# 用法：bash scripts/setup.sh          # 生成文档所需
#       bash scripts/setup.sh --test   # 另外安装测试所需
# 可重复运行；已装好的部分会跳过。
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Debian packages. libharfbuzz-subset0: without it WeasyPrint subsets fonts with fontTools, ~40× slower.
# texlive-lang-chinese carries FandolFang, the only packaged simplified-Chinese 仿宋.
pkgs=(fontconfig libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-lxgw-wenkai
      texlive-lang-chinese poppler-utils)
PY=${PYTHON:-python3}
"$PY" -c "import venv, ensurepip" 2>/dev/null || pkgs+=(python3-venv)
# the DOCX tests render the DOCX with LibreOffice (an engine independent of ours)
[ $want_test -eq 1 ] && pkgs+=(libreoffice-writer-nogui)
# ... and edit it the way a clerk does, through LibreOffice's UNO bridge (tests/lo_uno.py, system Python)
[ $want_test -eq 1 ] && pkgs+=(python3-uno)
# the printing test sends a job through a real CUPS server to the cups-pdf virtual printer
[ $want_test -eq 1 ] && pkgs+=(cups cups-client printer-driver-cups-pdf)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "安装系统软件包：${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "创建 Python 虚拟环境 .venv"
  "$PY" -m venv .venv
fi
extra=""
[ $want_test -eq 1 ] && extra="[test]"
echo "安装 Python 包${extra:+（含测试依赖）}"
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extra}"
# bytecode for the project's own modules, so that each build starts without compiling them (~40 ms),
# also where PYTHONDONTWRITEBYTECODE is set
.venv/bin/python -m compileall -q gongwen >/dev/null || true
echo "准备就绪。"
