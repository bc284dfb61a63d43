# Sourced by run.sh and test.sh: a virtualenv in .venv with requirements.txt installed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> 创建虚拟环境 .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "==> 安装依赖 requirements.txt"
  # (this machine's pip configuration names package folders that may not exist: drop that noise)
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt \
    2> >(grep -v "^WARNING: Location '.*' is ignored" >&2)
  echo "$want" > "$stamp"
fi
