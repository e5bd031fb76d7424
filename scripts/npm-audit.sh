#!/usr/bin/env bash
# Audits every package-lock.json under a directory (default: the repository) with `npm audit`:
# a high or critical advisory fails (exit 1). When no advice can be had — npm missing, the
# registry unreachable, or a registry mirror without the audit endpoint — it says so on stderr
# and does not fail: an audit that cannot run must not stop an offline test run. Run by ./test.sh.
set -euo pipefail
root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
mapfile -t locks < <(find "$root" -name package-lock.json -not -path '*/node_modules/*' -not -path '*/bin/*' \
  -not -path '*/obj/*' -not -path '*/.build/*' -not -path '*/.git/*' | sort)
if [ "${#locks[@]}" -eq 0 ]; then
  echo "npm audit: no package-lock.json under $root; nothing to audit"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "npm audit: WARNING: npm is not installed; ${#locks[@]} lockfile(s) were NOT audited" >&2
  exit 0
fi
failed=0
for lock in "${locks[@]}"; do
  dir="$(dirname "$lock")"
  json="$(cd "$dir" && npm audit --package-lock-only --audit-level=high --json 2>/dev/null || true)"
  verdict="$(printf '%s' "$json" | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except ValueError:
    print("unavailable npm printed no JSON"); sys.exit()
v = (d.get("metadata") or {}).get("vulnerabilities")
if v is None:
    print("unavailable", d.get("message") or (d.get("error") or {}).get("summary") or "no audit data"); sys.exit()
print("counts", v.get("high", 0) + v.get("critical", 0), v.get("total", 0))
')"
  case "$verdict" in
    counts\ 0\ *) echo "npm audit: $lock: no high or critical advisories (${verdict##* } advisories in all)" ;;
    counts\ *)    read -r _ bad total <<<"$verdict"
                  echo "npm audit: $lock: $bad high or critical advisories ($total in all); run npm audit there" >&2
                  failed=1 ;;
    *)            echo "npm audit: WARNING: $lock was NOT audited: ${verdict#unavailable }" >&2 ;;
  esac
done
exit "$failed"
