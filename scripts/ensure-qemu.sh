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

as_root=()
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		as_root=(sudo -n)
	else
		echo "ensure-qemu: qemu-aarch64-static is not installed and this user cannot install it; as root run:" >&2
		echo "  apt-get update && apt-get install -y qemu-user-static" >&2
		exit 1
	fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "ensure-qemu: qemu-aarch64-static is not installed and there is no apt-get here; install qemu's user-mode emulator and set HTSIM_QEMU_AARCH64 to it" >&2
	exit 1
fi

echo "ensure-qemu: installing Debian's qemu-user-static (for the cross-architecture test)..." >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
	"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user-static; } >"$log" 2>&1; then
	tail -n 30 "$log" >&2
	echo "ensure-qemu: apt-get failed" >&2
	exit 1
fi
command -v qemu-aarch64-static >/dev/null 2>&1 || { echo "ensure-qemu: qemu-aarch64-static is still not on the PATH after installing it" >&2; exit 1; }
echo "ensure-qemu: $(qemu-aarch64-static --version 2>/dev/null | head -n 1)" >&2
