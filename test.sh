#!/usr/bin/env bash
# Runs every test: unit tests, the engine against real bubblewrap/cgroups/seccomp, the escape
# suite and the CLI. Needs root (cgroups, per-sandbox uids); installs missing Debian packages.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/scripts/host-packages.sh"
warden_ensure_packages
cd "$here"
dotnet build Warden.slnx -c Release --nologo -v quiet -clp:ErrorsOnly
# One test assembly at a time: they all start real sandboxes (and a zygote) on the same few cores.
dotnet test Warden.slnx -c Release --no-build --nologo -m:1 "$@"
