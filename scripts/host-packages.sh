#!/usr/bin/env bash
# Installs the Debian packages Warden needs on the host (as root), or prints the exact command
# (otherwise). Sourced by ./warden and ./test.sh; safe to run again.
#   bubblewrap                 the sandbox launcher (namespaces and mount tree)
#   gcc libc6-dev              builds Warden's small native helper (and runs C programs)
#   g++                        C++ programs
#   python3 python3-numpy python3-matplotlib python3-pandas   Debian's Python with the usual stack
#   rustc                      Rust programs, and rust-test problems of warden eval (rustc --test)
#   nodejs                     JavaScript programs and the JavaScript session kernel
#   python3-ipykernel python3-jupyter-client   the Jupyter baseline of bench/sessions (and IPython.display in sessions)
warden_packages="bubblewrap gcc libc6-dev g++ python3 python3-numpy python3-matplotlib python3-pandas rustc nodejs python3-ipykernel python3-jupyter-client"

warden_missing_packages() {
  local missing=""
  for p in $warden_packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  echo "$missing"
}

warden_ensure_packages() {
  command -v dpkg-query >/dev/null 2>&1 || return 0   # not Debian: `warden doctor` says what is missing
  local missing
  missing="$(warden_missing_packages)"
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" = "0" ]; then
    echo "warden: installing Debian packages:$missing" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing) >&2 || {
      echo "warden: apt-get failed; install these packages and try again:$missing" >&2; return 1; }
  else
    echo "warden: these Debian packages are missing:$missing" >&2
    echo "warden: install them with:  sudo apt-get update && sudo apt-get install -y$missing" >&2
    return 1
  fi
}
