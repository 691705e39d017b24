#!/usr/bin/env bash
# Runs shellcheck over every shell script in the repository (files ending in .sh or
# with an sh/bash shebang), so a new script is linted without editing a list.
#
# The guest scripts (scripts/guest/*.sh) run under busybox ash, which has
# `read -t` and ${v//x/y}; shellcheck has no busybox dialect and reports them as
# non-POSIX (SC3045, SC3060). SC2295 is excluded there too: agent.sh uses $TAB
# inside a bracket pattern on purpose. These exclusions live here rather than in
# the guest files because those files' hash is an input of the guest image.
set -euo pipefail
cd "$(dirname "$0")/.."

# CI installs shellcheck (.ci/run); elsewhere a missing one is said loudly, not silently passed.
if ! command -v shellcheck >/dev/null 2>&1; then
	if [ "${CI:-}" = true ]; then
		echo "lint:sh: shellcheck is not installed (CI=true: apt-get install shellcheck)" >&2
		exit 1
	fi
	echo "!!!!!! lint:sh SKIPPED: shellcheck is not installed (apt-get install shellcheck) !!!!!!" >&2
	exit 0
fi

guest=()
other=()
while IFS= read -r f; do
	case $f in
	*.sh) ;;
	*) head -n1 "$f" | grep -Eq '^#!.*\b(ba|da)?sh\b' || continue ;;
	esac
	case $f in
	scripts/guest/*) guest+=("$f") ;;
	*) other+=("$f") ;;
	esac
done < <(git ls-files --cached --others --exclude-standard -- ':!node_modules' ':!dist' | grep -Ev '\.(ts|js|mjs|json|md|proto)$')

status=0
[ ${#other[@]} -eq 0 ] || shellcheck "${other[@]}" || status=1
[ ${#guest[@]} -eq 0 ] || shellcheck --exclude=SC3045,SC3060,SC2295 "${guest[@]}" || status=1
exit $status
