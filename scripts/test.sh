#!/usr/bin/env bash
# The test command (`make test`, and `.ci/run` inside a network namespace with only loopback up).
# Starts a throwaway PostgreSQL on 127.0.0.1 when the server binaries are installed, so the team-store
# tests run; says loudly, before and after the run, which suites are skipped and why.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
skipped=()

pg_start() {
  local pgbin pgdir port=55432 run=()
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "${pgbin}" ]; then
    skipped+=("PostgreSQL store tests: no PostgreSQL server installed (Debian: apt-get install postgresql)")
    return
  fi
  pgdir=$(mktemp -d /tmp/sourcetrace-pg.XXXXXX)
  if [ "$(id -u)" = 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
      skipped+=("PostgreSQL store tests: running as root and there is no 'postgres' user to run the server")
      return
    fi
    chown postgres "${pgdir}"
    run=(su postgres -c)
  else
    run=(bash -c)
  fi
  while (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null; do port=$((port + 1)); done
  if ! "${run[@]}" "${pgbin}/initdb -D ${pgdir}/data -U postgres -A trust >/dev/null" \
    || ! "${run[@]}" "${pgbin}/pg_ctl -D ${pgdir}/data -o '-c listen_addresses=127.0.0.1 -p ${port} -k ${pgdir}' -l ${pgdir}/log -w start >/dev/null"; then
    skipped+=("PostgreSQL store tests: the server did not start (log: ${pgdir}/log)")
    return
  fi
  PG_STOP=("${run[@]}" "${pgbin}/pg_ctl -D ${pgdir}/data -m immediate stop")
  PG_DIR=${pgdir}
  # The throwaway server and its folder go with the run, however it ends.
  trap '"${PG_STOP[@]}" >/dev/null 2>&1 || true; rm -rf "${PG_DIR}"' EXIT
  "${run[@]}" "${pgbin}/createdb -h 127.0.0.1 -p ${port} -U postgres sourcetrace_test"
  export SOURCETRACE_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:${port}/sourcetrace_test"
  echo "PostgreSQL started on 127.0.0.1:${port} for the team-store tests"
}

if [ -n "${SOURCETRACE_TEST_PG_URL:-}" ]; then
  echo "PostgreSQL tests use SOURCETRACE_TEST_PG_URL"
else
  pg_start
fi
[ -x /usr/bin/chromium ] || skipped+=("browser tests: Debian's chromium is not at /usr/bin/chromium (apt-get install chromium)")

say_skipped() {
  for s in "${skipped[@]}"; do echo "SKIPPED SUITE: ${s}" >&2; done
}
[ ${#skipped[@]} -eq 0 ] || say_skipped
status=0
"${BIN}/python" -m pytest "$@" || status=$?
[ ${#skipped[@]} -eq 0 ] || say_skipped
exit "${status}"
