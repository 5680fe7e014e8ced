#!/usr/bin/env bash
# The kill -9 campaign of issue 15 (docs/RELIABILITY.md, "kill -9 campaign"). Four kinds of
# rounds, each `--rounds` times (20 by default), each with a `kill -9` at a random moment:
#   a  during `rootzone import trees` into a store nobody else has open (rollback journal)
#   b  during `rootzone import trees` beside a running `rootzone serve` (WAL)
#   c  during `rootzone check` (all conflicts replaced in one transaction)
#   d  of `rootzone serve` under a write load (kill9_probe load logs every 2xx it got)
# After each: PRAGMA integrity_check is ok; nothing is half-applied (an import is all or none
# of the file's rows, a check leaves the old or the new complete conflict set: compared by
# row counts and a hash of every row, `kill9_probe digest`); every acknowledged write is in the
# store with its history and conflicts (`kill9_probe verify`); the store opens again.
#
#   bash scripts/campaigns/kill9.sh                      # 20 x 4 on a 200,000-tree city
#   bash scripts/campaigns/kill9.sh --rounds 2 --trees 40000 --works 1500   # CTest's short one
#
# Options: --rounds N (20), --trees N (200000), --works N (5000), --seed N (4711; also seeds
# the kill moments), --kinds abcd, --out DIR (build/kill9). Programs: ROOTZONE, KILL9_PROBE,
# GEN_CITY (default: build/app/rootzone, build/tests/campaigns/kill9_probe, build/bench/gen_city).
# Exit 0 when every round held, 1 otherwise.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
rounds=20 trees=200000 works=5000 seed=4711 kinds=abcd out=$root/build/kill9
while [[ $# -gt 0 ]]; do
  case $1 in
    --rounds) rounds=$2 ;;
    --trees) trees=$2 ;;
    --works) works=$2 ;;
    --seed) seed=$2 ;;
    --kinds) kinds=$2 ;;
    --out) out=$2 ;;
    *) echo "kill9.sh: unknown option $1" >&2; exit 64 ;;
  esac
  shift 2
done
rootzone=${ROOTZONE:-$root/build/app/rootzone}
probe=${KILL9_PROBE:-$root/build/tests/campaigns/kill9_probe}
gen_city=${GEN_CITY:-$root/build/bench/gen_city}
mapping=$root/bench/import/city-trees-csv.json
for p in "$rootzone" "$probe" "$gen_city"; do
  [[ -x $p ]] || { echo "kill9.sh: $p not built (bash scripts/build.sh)" >&2; exit 66; }
done
RANDOM=$seed
rm -rf "$out"
mkdir -p "$out"
# Private copies: a rebuild while the campaign runs must not swap a program under it.
mkdir -p "$out/bin"
cp "$rootzone" "$probe" "$gen_city" "$out/bin/"
rootzone=$out/bin/$(basename "$rootzone") probe=$out/bin/$(basename "$probe")
gen_city=$out/bin/$(basename "$gen_city")
cd "$out"
failures=0

now_ms() { date +%s%3N; }
# A random whole number in [lo, hi].
between() { echo $(($1 + (RANDOM * 32768 + RANDOM) % ($2 - $1 + 1))); }
ms_to_s() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }
fail() {
  echo "FAIL $*"
  failures=$((failures + 1))
}

# serve DB LOG: starts `rootzone serve` on a free port; sets server_pid and port. Without write
# limits: the load client writes as fast as the server acknowledges.
serve() {
  "$rootzone" serve --db "$1" --port 0 --threads 2 --write-rate 0 --write-rate-per-address 0 \
    >/dev/null 2>"$2" &
  server_pid=$!
  port=
  for _ in $(seq 200); do
    port=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$2" | head -1)
    [[ -n $port ]] && return 0
    sleep 0.05
  done
  echo "kill9.sh: rootzone serve did not start: $(cat "$2")" >&2
  exit 70
}

# kill_at PID MS: kill -9 after MS milliseconds unless the process ended before; sets
# landed to "mid-work" or "after the end", and waits for the process.
kill_at() {
  sleep "$(ms_to_s "$2")"
  if kill -9 "$1" 2>/dev/null; then landed=mid-work; else landed="after the end"; fi
  wait "$1" 2>/dev/null || true
}

# The checks every round ends with; $1 names the round, $2 the store.
check_integrity() {
  local r
  r=$("$probe" integrity --db "$2") || { fail "$1: integrity_check: $r"; return 1; }
}
check_opens() {
  "$rootzone" info --db "$2" >/dev/null 2>info.err || fail "$1: the store does not open: $(cat info.err)"
}

echo "== kill -9 campaign: $rounds rounds of [$kinds], $trees trees, $works works, seed $seed"
echo "== generating the city (bench/gen_city)"
"$gen_city" --out city.sqlite --trees "$trees" --works "$works" --seed "$seed" --csv trees.csv \
  --no-check >gen.log 2>&1
csv_rows=$(($(wc -l <trees.csv) - 1))

# Stores every round starts from (copied per round).
if [[ $kinds == *[ab]* ]]; then
"$rootzone" init --db empty.sqlite >/dev/null
empty_digest=$("$probe" digest --db empty.sqlite)
cp empty.sqlite ref-import.sqlite
t0=$(now_ms)
"$rootzone" import trees --db ref-import.sqlite --mapping "$mapping" trees.csv >ref-import.log 2>&1
import_ms=$(($(now_ms) - t0))
full_digest=$("$probe" digest --db ref-import.sqlite)
inserted=$(awk '$1 == "inserted" {print $2}' ref-import.log)
echo "   import of $csv_rows CSV rows: $inserted inserted in $(ms_to_s $import_ms) s"
[[ $inserted == "$csv_rows" ]] || fail "reference import: $inserted of $csv_rows rows inserted"
fi

# The check's old state: a complete check, then every third conflict and clash forgotten, so
# the old set and the new one differ in both directions once the check adds them back.
if [[ $kinds == *c* ]]; then
cp city.sqlite check-base.sqlite
"$rootzone" check --db check-base.sqlite >/dev/null 2>&1
"$probe" thin --db check-base.sqlite >/dev/null
old_digest=$("$probe" digest --db check-base.sqlite)
cp check-base.sqlite ref-check.sqlite
t0=$(now_ms)
"$rootzone" check --db ref-check.sqlite >/dev/null 2>ref-check.log
check_ms=$(($(now_ms) - t0))
new_digest=$("$probe" digest --db ref-check.sqlite)
echo "   check: $(head -1 ref-check.log) in $(ms_to_s $check_ms) s"
[[ $old_digest != "$new_digest" ]] || fail "the check's old and new states do not differ"
fi

# The served city: the generated one after a check, with a contractor and a field worker.
if [[ $kinds == *d* ]]; then
cp city.sqlite serve-base.sqlite
"$rootzone" check --db serve-base.sqlite >/dev/null 2>&1
"$probe" users --db serve-base.sqlite >keys.txt
contractor_key=$(awk '$1 == "contractor" {print $2}' keys.txt)
field_key=$(awk '$1 == "field_staff" {print $2}' keys.txt)
fi

declare -A killed finished outcome_a outcome_b acks

round_import() {  # $1: a or b, $2: round number
  local name="$1$2" delay state hot=""
  rm -f run.sqlite*
  cp empty.sqlite run.sqlite
  if [[ $1 == b ]]; then serve run.sqlite serve.log; fi
  delay=$(between 20 $((import_ms * 11 / 10)))
  "$rootzone" import trees --db run.sqlite --mapping "$mapping" trees.csv >import.log 2>&1 &
  kill_at $! "$delay"
  if [[ -f run.sqlite-journal ]]; then hot=", hot journal left"; fi
  if [[ $landed == mid-work ]]; then killed[$1]=$((${killed[$1]:-0} + 1)); else finished[$1]=$((${finished[$1]:-0} + 1)); fi
  if [[ $1 == b ]]; then
    # Read beside the running server, which must stay up and stop cleanly afterwards.
    state=$("$probe" digest --db run.sqlite)
    kill -TERM "$server_pid"
    wait "$server_pid" || fail "$name: the server beside the import exited with $?"
  else
    check_integrity "$name" run.sqlite || return 0
    state=$("$probe" digest --db run.sqlite)
  fi
  if [[ $1 == b ]]; then check_integrity "$name" run.sqlite || return 0; fi
  local what
  if [[ $state == "$empty_digest" ]]; then what=none
  elif [[ $state == "$full_digest" ]]; then what=all
  else fail "$name: half-applied import: $state"; return 0; fi
  if [[ $1 == a ]]; then outcome_a[$what]=$((${outcome_a[$what]:-0} + 1)); else outcome_b[$what]=$((${outcome_b[$what]:-0} + 1)); fi
  check_opens "$name" run.sqlite
  echo "   $name: kill after $(ms_to_s "$delay") s ($landed$hot): integrity ok, $what of the rows"
}

declare -A outcome_c
round_check() {
  local name="c$1" delay state what
  rm -f run.sqlite*
  cp check-base.sqlite run.sqlite
  delay=$(between 20 $((check_ms * 11 / 10)))
  "$rootzone" check --db run.sqlite >/dev/null 2>&1 &
  kill_at $! "$delay"
  if [[ $landed == mid-work ]]; then killed[c]=$((${killed[c]:-0} + 1)); else finished[c]=$((${finished[c]:-0} + 1)); fi
  check_integrity "$name" run.sqlite || return 0
  state=$("$probe" digest --db run.sqlite)
  if [[ $state == "$old_digest" ]]; then what=old
  elif [[ $state == "$new_digest" ]]; then what=new
  else fail "$name: neither the old nor the new conflict set: $state"; return 0; fi
  outcome_c[$what]=$((${outcome_c[$what]:-0} + 1))
  check_opens "$name" run.sqlite
  echo "   $name: kill after $(ms_to_s "$delay") s ($landed): integrity ok, the $what conflict set"
}

round_serve() {
  local name="d$1" delay load_pid verified
  rm -f run.sqlite* acks.log
  cp serve-base.sqlite run.sqlite
  serve run.sqlite serve.log
  "$probe" load --db run.sqlite --port "$port" --contractor-key "$contractor_key" \
    --field-key "$field_key" --log acks.log --tag "$1" >load.log 2>&1 &
  load_pid=$!
  # The kill comes 0.3-3 s after the first acknowledged write: every round kills a server that
  # is answering writes (its start, loading the city, is not what is tested here).
  for _ in $(seq 1200); do
    if [[ -s acks.log ]]; then break; fi
    sleep 0.05
  done
  [[ -s acks.log ]] || fail "$name: no write acknowledged within 60 s"
  delay=$(between 300 3000)
  kill_at "$server_pid" "$delay"
  wait "$load_pid" || fail "$name: the load client failed: $(cat load.log)"
  if [[ $landed == mid-work ]]; then killed[d]=$((${killed[d]:-0} + 1)); else finished[d]=$((${finished[d]:-0} + 1)); fi
  check_integrity "$name" run.sqlite || return 0
  verified=$("$probe" verify --db run.sqlite --log acks.log) || { fail "$name: $verified"; return 0; }
  acks[d]=$((${acks[d]:-0} + $(wc -l <acks.log)))
  check_opens "$name" run.sqlite
  echo "   $name: kill $(ms_to_s "$delay") s after the first acknowledged write: integrity ok, $verified"
}

for ((i = 1; i <= rounds; i++)); do
  if [[ $kinds == *a* ]]; then round_import a "$i"; fi
  if [[ $kinds == *b* ]]; then round_import b "$i"; fi
  if [[ $kinds == *c* ]]; then round_check "$i"; fi
  if [[ $kinds == *d* ]]; then round_serve "$i"; fi
done

echo "== summary ($rounds rounds each; 'mid-work': the process was still running when killed)"
if [[ $kinds == *a* ]]; then echo "   a import, rollback journal: ${killed[a]:-0} mid-work, ${finished[a]:-0} after the end; none of the rows ${outcome_a[none]:-0}, all ${outcome_a[all]:-0}"; fi
if [[ $kinds == *b* ]]; then echo "   b import beside a server (WAL): ${killed[b]:-0} mid-work, ${finished[b]:-0} after the end; none ${outcome_b[none]:-0}, all ${outcome_b[all]:-0}"; fi
if [[ $kinds == *c* ]]; then echo "   c check: ${killed[c]:-0} mid-work, ${finished[c]:-0} after the end; old set ${outcome_c[old]:-0}, new set ${outcome_c[new]:-0}"; fi
if [[ $kinds == *d* ]]; then echo "   d serve under write load: ${killed[d]:-0} kills, ${acks[d]:-0} acknowledged writes, all found"; fi
echo "== failures: $failures"
[[ $failures -eq 0 ]]
