# Sourced by the ensure-*.sh scripts: apt_ensure NAME COMMAND PACKAGE... installs
# Debian PACKAGEs with apt-get, as root or through sudo, so that COMMAND is on
# the PATH. NAME prefixes the messages. Quiet unless it installs or fails.
apt_ensure() {
	local name=$1 cmd=$2
	shift 2
	local as_root=()
	if [ "$(id -u)" -ne 0 ]; then
		if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
			as_root=(sudo -n)
		else
			echo "$name: $cmd is not installed and this user cannot install it; as root run:" >&2
			echo "  apt-get update && apt-get install -y $*" >&2
			return 1
		fi
	fi
	if ! command -v apt-get >/dev/null 2>&1; then
		echo "$name: $cmd is not installed and there is no apt-get here; install it (Debian packages: $*)" >&2
		return 1
	fi
	echo "$name: installing Debian's $* ..." >&2
	local log
	log=$(mktemp)
	if ! { "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
		"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } >"$log" 2>&1; then
		tail -n 30 "$log" >&2
		rm -f "$log"
		echo "$name: apt-get failed" >&2
		return 1
	fi
	rm -f "$log"
	command -v "$cmd" >/dev/null 2>&1 || { echo "$name: $cmd is still not on the PATH after installing $*" >&2; return 1; }
}
