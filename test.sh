#!/usr/bin/env bash
# Runs every test: unit tests, the engine against real bubblewrap/cgroups/seccomp, the escape
# suite and the CLI. Needs root (cgroups, per-sandbox uids); installs missing Debian packages.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/scripts/host-packages.sh"
warden_ensure_packages
cd "$here"
# Dependency audit: NuGet audits every package on restore (Directory.Build.props: a high or
# critical advisory fails the build); npm audits every package-lock.json in the repository.
echo "test.sh: dependency audit: NuGet on restore (high and critical advisories fail the build); npm audit of each package-lock.json"
"$here/scripts/npm-audit.sh" "$here"
dotnet build Warden.slnx -c Release --nologo -v quiet -clp:ErrorsOnly
# One test assembly at a time: they all start real sandboxes (and a zygote) on the same few cores.
dotnet test Warden.slnx -c Release --no-build --nologo -m:1 "$@"
