#!/usr/bin/env bash
# Builds the Docker image the benchmarks compare against (`warden-bench-python:local`) from this
# host's own Debian python3 and its numpy/pandas/matplotlib packages, so `docker run` runs the
# same interpreter and libraries as Warden's sandboxes (which bind the host's /usr read-only).
# No registry is needed: the image is `docker import`ed from a tarball of python3, its standard
# library, /usr/lib/python3/dist-packages, matplotlib's data and fonts, and the shared libraries
# all of those load (their ldd closure). Needs a running Docker engine; run as root.
set -euo pipefail
IMAGE=${1:-warden-bench-python:local}
docker info >/dev/null 2>&1 || { echo "no Docker engine is running (start one: dockerd &)" >&2; exit 1; }
list=$(mktemp)
trap 'rm -f "$list"' EXIT
{
  echo usr/bin/python3; echo usr/bin/python3.11
  echo usr/lib/python3.11; echo usr/lib/python3/dist-packages
  for d in usr/share/matplotlib usr/share/fonts/truetype/dejavu usr/share/zoneinfo etc/matplotlibrc etc/ssl/certs; do
    [ -e "/$d" ] && echo "$d"
  done
  # Every shared object python3 and the packages' extension modules load, with the loader.
  { echo /usr/bin/python3.11; find /usr/lib/python3.11/lib-dynload /usr/lib/python3/dist-packages -name '*.so*'; } |
    xargs -r ldd 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && NF > 1 { print $1 }' | sort -u |
    while read -r so; do
      # Every link on the way from the name the loader asks for to the file (Debian reaches
      # BLAS and LAPACK through /etc/alternatives), each in its real directory.
      p=$so
      while :; do
        dir=$(readlink -f "$(dirname "$p")"); p="$dir/$(basename "$p")"; echo "${p#/}"
        [ -L "$p" ] || break
        t=$(readlink "$p"); case $t in /*) p=$t ;; *) p="$dir/$t" ;; esac
      done
    done
  # Merged /usr: the top-level links the loader paths go through.
  echo lib; echo lib64; echo bin
} | sort -u > "$list"
old=$(docker images -q "$IMAGE")
tar -C / --numeric-owner -cf - -T "$list" | docker import -c 'ENV PATH=/usr/bin:/bin' -c 'ENV MPLBACKEND=Agg' - "$IMAGE" >/dev/null
docker run --rm --network none "$IMAGE" /usr/bin/python3 -c 'import numpy, pandas, matplotlib.pyplot; print(1)' >/dev/null
new=$(docker images -q "$IMAGE")
[ -n "$old" ] && [ "$old" != "$new" ] && docker rmi "$old" >/dev/null 2>&1 || true
echo "built $IMAGE"
