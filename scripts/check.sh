#!/usr/bin/env bash
# What `npm test` runs before the tests, in parallel (each is single-threaded:
# on two cores this saves most of a minute over running them one by one):
# eslint, prettier --check, shellcheck, and the build (tsc, which type-checks
# everything, so the lint's separate `tsc --noEmit` is not needed here), and
# `tap build`. Each one's output is printed whole, in this order; fails when
# any of them failed.
#
# Why `tap build`: a fresh install's tap is built with its default plugins,
# TypeScript among them. tap notices that .taprc differs and rebuilds, but only
# after it has fixed the loaders of the run it is starting, so on a fresh
# checkout every test file started with ts-node's loader (~2.5 s each, 229
# files). Built here, the run that follows starts with .taprc's plugins.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
names=(eslint prettier shellcheck build tap-build)
cmds=("npx eslint ." "npx prettier --check ." "bash scripts/lint-sh.sh" "npx tsc -p tsconfig.json" "npx tap build")
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
