#!/usr/bin/env bash
# What `npm test` runs before the tests, in parallel (each is single-threaded:
# on two cores this saves most of a minute over running them one by one):
# eslint, prettier --check, shellcheck, and the build (tsc, which type-checks
# everything, so the lint's separate `tsc --noEmit` is not needed here). Each
# one's output is printed whole, in this order; fails when any of them failed.
# (scripts/tap-build.sh, run before this, builds tap for .taprc's plugins only when needed.)
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
names=(eslint prettier shellcheck build)
cmds=("npx eslint ." "npx prettier --check ." "bash scripts/lint-sh.sh" "npx tsc -p tsconfig.json")
pids=()
for i in "${!cmds[@]}"; do
	bash -c "${cmds[$i]}" >"$out/$i" 2>&1 &
	pids+=($!)
done
failed=0
for i in "${!cmds[@]}"; do
	if wait "${pids[$i]}"; then status=ok; else status=FAILED; failed=1; fi
	echo "== ${names[$i]}: $status (${cmds[$i]})"
	cat "$out/$i"
done
exit $failed
