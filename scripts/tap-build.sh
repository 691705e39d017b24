#!/usr/bin/env bash
# Rebuilds tap's plugged-in Test class (node_modules/@tapjs/test/test-built) when
# the plugins it was built with are not the ones .taprc asks for, as on a fresh
# `npm ci` (tap's default set). Test files import tap directly (scripts/test-runner),
# so nothing else would rebuild it. Does nothing when they already match: a
# rebuild rewrites node_modules that concurrent runs may be reading.
set -euo pipefail
cd "$(dirname "$0")/.." || exit 1
built=node_modules/@tapjs/test/test-built/dist/esm/index.js
want=$(npx tap plugin list | sort)
have=$(grep -o 'from "@tapjs/[a-z-]*"' "$built" 2>/dev/null | sed -e 's/^from "//' -e 's/"$//' | sort || true)
if [[ $want == "$have" ]]; then
	echo "tap plugins: built as .taprc asks ($(wc -l <<<"$want") plugins)"
else
	echo "tap plugins: rebuilding tap for .taprc's plugins ($(wc -l <<<"$want"))"
	npx tap build
fi
