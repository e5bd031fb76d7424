# expect: py.process-exec
python3 - <<'PY'
import subprocess
subprocess.run(['id'])
PY
