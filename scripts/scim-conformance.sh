#!/usr/bin/env bash
# Run python-scim/scim2-tester (an outside RFC 7643/7644 conformance suite), and scim-sanity when present,
# against a fresh Gatehouse /scim/v2 (scripts/scim-probe.ts: in-memory PGlite, a new token, 127.0.0.1).
#
#   bash scripts/scim-conformance.sh [extra scim2-tester arguments, e.g. --verbose]
#
# Needs python3 (>= 3.10) and the tester's sources, which are not part of Gatehouse: set SCIM_TESTER_SRC to a
# folder holding checkouts of scim2-tester, scim2-models and scim2-client (as sub-folders of those names), or
# have `scim2-tester` installed in the venv at SCIM_VENV (default /tmp/scim-venv). The venv needs pydantic[email]
# and httpx. Not part of `npm test` (python is not guaranteed in CI). Exits non-zero when a check fails.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${SCIM_VENV:-/tmp/scim-venv}"
SRC="${SCIM_TESTER_SRC:-/tmp}"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "pydantic[email]" httpx
fi
export PYTHONPATH="$SRC/scim2-models:$SRC/scim2-client:$SRC/scim2-tester${PYTHONPATH:+:$PYTHONPATH}"
if ! "$VENV/bin/python" -c "import scim2_tester" 2>/dev/null; then
  echo "scim2-tester is not importable: put scim2-tester, scim2-models and scim2-client under $SRC (or set SCIM_TESTER_SRC)" >&2
  exit 2
fi

OUT="$(mktemp)"
node --import tsx scripts/scim-probe.ts >"$OUT" 2>"$OUT.err" &
PROBE=$!
trap 'kill "$PROBE" 2>/dev/null || true; rm -f "$OUT" "$OUT.err"' EXIT
for _ in $(seq 1 120); do
  [ -s "$OUT" ] && break
  kill -0 "$PROBE" 2>/dev/null || { cat "$OUT.err" >&2; exit 1; }
  sleep 0.5
done
URL="$("$VENV/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' "$OUT")"
TOKEN="$("$VENV/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$OUT")"
echo "Gatehouse SCIM endpoint: $URL"

RESULTS="$(mktemp)"
set +e
"$VENV/bin/python" -c 'from scim2_tester.cli import cli; cli()' "$URL" --token "$TOKEN" "$@" 2>&1 | tee "$RESULTS"
TESTER=${PIPESTATUS[0]}
set -e
# scim2-tester statuses: SUCCESS / COMPLIANT / ACCEPTABLE pass, DEVIATION is a SHOULD not followed, ERROR / CRITICAL fail.
PASS=$(grep -c -E '^(SUCCESS|COMPLIANT|ACCEPTABLE) ' "$RESULTS" || true)
DEV=$(grep -c -E '^DEVIATION ' "$RESULTS" || true)
FAIL=$(grep -c -E '^(ERROR|CRITICAL) ' "$RESULTS" || true)
SKIP=$(grep -c -E '^SKIPPED ' "$RESULTS" || true)
rm -f "$RESULTS"
echo "deviations (SHOULD): $DEV"
echo "$PASS passed, $FAIL failed, $SKIP skipped"
[ "$TESTER" -eq 0 ] || { echo "scim2-tester itself failed (exit $TESTER)" >&2; exit 1; }

# Optionally scim-sanity (thomaselliottbetz/scim-sanity, needs click) when its sources are under $SRC/scim-sanity.
SANITY=0
if [ -d "$SRC/scim-sanity/scim_sanity" ]; then
  echo "--- scim-sanity probe ---"
  set +e
  PYTHONPATH="$SRC/scim-sanity" "$VENV/bin/python" -m scim_sanity probe "$URL" --token "$TOKEN" --i-accept-side-effects
  SANITY=$?
  set -e
fi
[ "$FAIL" -eq 0 ] && [ "$SANITY" -eq 0 ]
