#!/usr/bin/env bash
# Makes sure headless Chromium is installed for the report's browser test
# (cmd/htsim TestReport): Debian's chromium package, with the Liberation fonts
# the charts are drawn with. Does nothing when chromium is already on the PATH
# (or HTSIM_CHROMIUM names a browser); otherwise installs it with apt-get, as
# root or through sudo. Quiet unless it installs or fails.
set -euo pipefail

if [ -n "${HTSIM_CHROMIUM:-}" ] || command -v chromium >/dev/null 2>&1; then
	exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		as_root=(sudo -n)
	else
		echo "ensure-chromium: chromium is not installed and this user cannot install it; as root run:" >&2
		echo "  apt-get update && apt-get install -y chromium fonts-liberation" >&2
		exit 1
	fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "ensure-chromium: chromium is not installed and there is no apt-get here; install Chromium and set HTSIM_CHROMIUM to its path" >&2
	exit 1
fi

echo "ensure-chromium: installing Debian's chromium (for the report's browser test)..." >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
	"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation; } >"$log" 2>&1; then
	tail -n 30 "$log" >&2
	echo "ensure-chromium: apt-get failed" >&2
	exit 1
fi
command -v chromium >/dev/null 2>&1 || { echo "ensure-chromium: chromium is still not on the PATH after installing it" >&2; exit 1; }
echo "ensure-chromium: $(chromium --version 2>/dev/null | head -n 1)" >&2
