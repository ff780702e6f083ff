#!/usr/bin/env bash
# `npm run test:pg [-- vitest args]`: the whole vitest suite against PostgreSQL. Starts a throwaway
# server (scripts/pg/start.sh), runs vitest with TEST_DATABASE=postgres (a template database per run,
# a database per test file: test/setup/global.ts, env.ts), and stops the server however vitest ends.
# With PG_TEST_URL already set, uses that server instead and leaves it running.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [[ -z "${PG_TEST_URL:-}" ]]; then
  dir="$(bash scripts/pg/start.sh)"
  trap 'bash scripts/pg/stop.sh "$dir"' EXIT
  PG_TEST_URL="$(cat "$dir/url")"
  echo "== PostgreSQL test server: $PG_TEST_URL ($dir)"
fi
export PG_TEST_URL TEST_DATABASE=postgres
npx vitest run "$@"
