#!/usr/bin/env bash
# Makes sure headless Chromium is installed for the report's browser test
# (cmd/htsim TestReport): Debian's chromium package, with the Liberation fonts
# the charts are drawn with. Does nothing when chromium is already on the PATH
# (or HTSIM_CHROMIUM names a browser); otherwise installs it with apt-get, as
# root or through sudo. Quiet unless it installs or fails. Without apt-get,
# install Chromium and set HTSIM_CHROMIUM to its path.
set -euo pipefail

if [ -n "${HTSIM_CHROMIUM:-}" ] || command -v chromium >/dev/null 2>&1; then
	exit 0
fi
. "$(dirname "$0")/apt-ensure.sh"
apt_ensure ensure-chromium chromium chromium fonts-liberation
echo "ensure-chromium: $(chromium --version 2>/dev/null | head -n 1)" >&2
