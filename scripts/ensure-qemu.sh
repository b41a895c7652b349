#!/usr/bin/env bash
# Makes sure qemu's user-mode emulator for arm64 is installed, for the test
# that runs htsim built for arm64 and checks that it writes the same bytes as
# this machine's build (cmd/htsim TestSameBytesOnArm64): Debian's
# qemu-user-static. Does nothing when qemu-aarch64-static or qemu-aarch64 is
# on the PATH (or HTSIM_QEMU_AARCH64 names one); otherwise installs it with
# apt-get, as root or through sudo. Quiet unless it installs or fails.
set -euo pipefail

if [ -n "${HTSIM_QEMU_AARCH64:-}" ] || command -v qemu-aarch64-static >/dev/null 2>&1 || command -v qemu-aarch64 >/dev/null 2>&1; then
	exit 0
fi
. "$(dirname "$0")/apt-ensure.sh"
apt_ensure ensure-qemu qemu-aarch64-static qemu-user-static
echo "ensure-qemu: $(qemu-aarch64-static --version 2>/dev/null | head -n 1)" >&2
