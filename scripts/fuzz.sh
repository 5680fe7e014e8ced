#!/usr/bin/env bash
# Fuzzing with libFuzzer, AddressSanitizer and UBSan (clang from Debian); tests/fuzz/README.md.
#   scripts/fuzz.sh build                 configure and build every target into build-fuzz/
#   scripts/fuzz.sh run NAME SECONDS      fuzz one target, merge what adds coverage into
#                                         tests/fuzz/corpus/NAME, log the run
#   scripts/fuzz.sh round SECONDS [NAME...]  each target (or those named) SECONDS in turn
#   scripts/fuzz.sh list                  the targets
#   scripts/fuzz.sh table                 the README's table, summed from tests/fuzz/runs.tsv
# Builds and fuzzing run at nice 19: they take idle CPU only. A crash's input is kept in
# tests/fuzz/crashes/NAME/ (replayed by CTest in the ordinary build once it is fixed) and the
# run exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${ROOTZONE_FUZZ_BUILD_DIR:-build-fuzz}
log=tests/fuzz/runs.tsv

targets=(http_framing tree_bodies work_bodies query_params cql2 mapping_profile mapped_values
         wzdx tile_path mvt)

# Longest input per target: what a real input of its kind may be, so time goes to structure
# rather than size.
max_len() {
  case $1 in
    http_framing) echo 8192 ;;
    tree_bodies | work_bodies) echo 16384 ;;
    query_params | cql2 | mvt) echo 4096 ;;
    mapping_profile) echo 8192 ;;
    mapped_values) echo 1024 ;;
    wzdx) echo 32768 ;;
    tile_path) echo 256 ;;
    *) echo 4096 ;;
  esac
}

# The fuzz packages (not in scripts/setup-debian.sh: CI replays the corpus with gcc).
ensure_packages() {
  local missing=()
  for p in clang libclang-rt-14-dev; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "installing ${missing[*]}" >&2
    apt-get update >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

build_targets() {
  ensure_packages
  local flags="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer"
  flags+=" -fno-sanitize-recover=undefined -g"
  local launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  # Every library is instrumented (coverage and sanitizers), so the whole tree is built with
  # clang; only the fuzz targets and what they link are built.
  nice -n 19 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ "${launcher[@]}" \
    "-DCMAKE_C_FLAGS=$flags" "-DCMAKE_CXX_FLAGS=$flags" \
    "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined" \
    -DROOTZONE_TCMALLOC=OFF -DROOTZONE_BUILD_BENCH=OFF -DROOTZONE_WERROR=OFF \
    -DROOTZONE_FUZZ_LIBFUZZER=ON >/dev/null
  nice -n 19 cmake --build "$build" --parallel "$(nproc)" --target fuzz_targets
}

known() {
  local t
  for t in "${targets[@]}"; do [[ $t == "$1" ]] && return 0; done
  echo "unknown target '$1' (scripts/fuzz.sh list)" >&2
  exit 2
}

run_target() {
  local name=$1 seconds=$2
  known "$name"
  local bin=${ROOTZONE_FUZZ_BIN_DIR:-$build/tests/fuzz}/fuzz_$name
  [[ -x $bin ]] || build_targets
  local corpus=tests/fuzz/corpus/$name crashes=tests/fuzz/crashes/$name
  local work=$build/corpus-work/$name
  mkdir -p "$corpus" "$crashes" "$work"
  local before
  before=$(find "$crashes" -type f | wc -l)
  local out=$build/last-$name.log
  export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_stack_use_after_return=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  local status=0 started
  started=$(date +%s)
  # New inputs go to the work folder (the first one named); the kept corpus only seeds it.
  # FUZZ_UNIT_TIMEOUT: seconds one input may take; raise it on a loaded machine, where a
  # target's first input (the WZDx schemas' set-up) took over 10 s at nice 19.
  nice -n 19 "$bin" "$work" "$corpus" -max_total_time="$seconds" -max_len="$(max_len "$name")" \
    -timeout="${FUZZ_UNIT_TIMEOUT:-10}" -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$crashes/" \
    >"$out" 2>&1 || status=$?
  local execs
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out" | tail -1)
  # Only inputs that add code edges to the kept corpus are added to it (hit counts and
  # comparison operands left out: they would keep hundreds of near-copies).
  nice -n 19 "$bin" -merge=1 -use_counters=0 -use_cmp=0 -max_len="$(max_len "$name")" \
    -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$build/merge-$name-" \
    "$corpus" "$work" >"$build/merge-$name.log" 2>&1 || true
  local after
  after=$(find "$crashes" -type f | wc -l)
  local found=$((after - before))
  # The seconds libFuzzer ran, not those asked for: a run that stops at a finding is shorter.
  local ran=$(($(date +%s) - started))
  ((ran < seconds)) || ran=$seconds
  printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$name" "$ran" "${execs:-0}" "$found" >>"$log"
  echo "$name: ${ran} s, ${execs:-0} execs, $(find "$corpus" -type f | wc -l) corpus files, $found new crashes"
  if ((status != 0 || found > 0)); then
    echo "$name: libFuzzer stopped with status $status; see $out and $crashes/" >&2
    tail -40 "$out" >&2
    return 1
  fi
}

table() {
  echo "| target | total seconds fuzzed | execs | crashes found |"
  echo "|---|---:|---:|---:|"
  local t
  for t in "${targets[@]}"; do
    awk -F'\t' -v t="$t" '$2 == t { s += $3; e += $4; c += $5 }
      END { printf "| %s | %d | %d | %d |\n", t, s, e, c }' "$log" 2>/dev/null ||
      echo "| $t | 0 | 0 | 0 |"
  done
}

case ${1:-} in
  build) build_targets ;;
  run) run_target "${2:?target}" "${3:?seconds}" ;;
  round)
    seconds=${2:?seconds}
    shift 2
    names=("$@")
    ((${#names[@]})) || names=("${targets[@]}")
    failed=0
    for n in "${names[@]}"; do run_target "$n" "$seconds" || failed=1; done
    exit $failed
    ;;
  list) printf '%s\n' "${targets[@]}" ;;
  table) table ;;
  *)
    sed -n '2,11p' "$0" >&2
    exit 2
    ;;
esac
