#!/usr/bin/env bash
# fuzz_check_test.sh — the standing fuzz check of make test (issue 18): every
# chain, handshake and mutator target fuzzed by libFuzzer from its committed
# seeds, under fixed -seed values and for a fixed number of runs, must end
# with no crash and no finding outside the reviewed ones.
#
# Per target and -seed value, one libFuzzer run (the libfuzzer flavor: it
# shares its library builds with the replay flavor, so only chainfuzz's own
# code is compiled, about a minute):
#   - the seeds: a fixed sample of the target's corpus directory (every k-th
#     file in name order, at most CHECK_SAMPLE files: the whole corpus is
#     replayed by make test already), and the target's dictionary and
#     [libfuzzer] options as make fuzz gives them;
#   - -runs = the sample + CHECK_MUTATIONS (300; 50 for handshake_live_*,
#     which serve every case over a real TLS server at 3-35 exec/s), the
#     budget of work; a time limit is only a hang backstop.
# A run that stops on a crash or finding is triaged (chainfuzz triage,
# --no-minimize) against a copy of crashes/: an artifact that falls into an
# open bucket of its target is a reviewed, known bug (ok, said in the line);
# a new bucket, a bucket marked fixed (a regression) or an artifact that
# does not reproduce is "not ok", with the command that reproduces it. A run
# stopped by a reviewed bug resumes with -seed=S*1000+1, +2, ... for the
# mutations it had left (CHECK_RESUMES times at most).
# libFuzzer with a fixed -seed and -runs makes the same inputs every time
# when the target is deterministic (issue 19), so a failure here reproduces
# with the printed command.
#
# Environment: CHECK_SEEDS (default "1 2"), CHECK_MUTATIONS, CHECK_SAMPLE,
# CHECK_RESUMES,
# CHECK_TARGETS (default: every chain_*, handshake_* and case_mutator*
# target). Output: TAP, one line per target and -seed.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
BUILD=${CHAINFUZZ_BUILD_DIR:-$ROOT/build}
CRASHES=${CHAINFUZZ_CRASHES_DIR:-$ROOT/crashes}
CHECK_SEEDS=${CHECK_SEEDS:-1 2}
CHECK_MUTATIONS=${CHECK_MUTATIONS:-300}
CHECK_SAMPLE=${CHECK_SAMPLE:-48}
CHECK_RESUMES=${CHECK_RESUMES:-3}
. "$ROOT/tests/tap.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

INFO=$(./build.sh --target-info) || { ok 1 "./build.sh --target-info"; finish; }
declare -A TPL SEEDS
while read -r t tpl s; do TPL[$t]=$tpl; SEEDS[$t]=$s; done <<<"$INFO"
if [[ -n ${CHECK_TARGETS:-} ]]; then
  targets=${CHECK_TARGETS//,/ }
else
  targets=$(cut -d' ' -f1 <<<"$INFO" | grep -E '^(chain_|handshake_|case_mutator)')
fi
targets=$(echo $targets)

./build.sh --flavor libfuzzer --targets "$(tr ' ' ',' <<<"$targets")" >"$tmp/build.log" 2>&1
rc=$?
[[ $rc == 0 ]] || tail -n 20 "$tmp/build.log" | sed 's/^/# /'
ok $rc "./build.sh --flavor libfuzzer builds the $(wc -w <<<"$targets") checked targets"
[[ $rc == 0 ]] || finish
BIN=$BUILD/libfuzzer/bin
CLI=$BUILD/replay/bin/chainfuzz
[[ -x $CLI ]] || ./build.sh --flavor replay --targets chainfuzz >>"$tmp/build.log" 2>&1

# The reviewed bugs: the committed buckets (triage files into this copy).
mkdir -p "$tmp/store"
[[ -d $CRASHES ]] && cp -R "$CRASHES/." "$tmp/store/"

# options T: the [libfuzzer] flags of T's template (as make fuzz reads them).
. "$ROOT/harness/options.sh"
options() { cf_libfuzzer_options "$ROOT/targets/${TPL[$1]}.options"; }

for t in $targets; do
  # The sample: every k-th seed in name order.
  src=$ROOT/corpus/${SEEDS[$t]}
  mkdir -p "$tmp/seeds/$t"
  mapfile -t all < <(ls "$src" 2>/dev/null | LC_ALL=C sort)
  if (( ${#all[@]} == 0 )); then
    ok 1 "$t: corpus/${SEEDS[$t]}/ has seeds"
    continue
  fi
  k=$(( (${#all[@]} + CHECK_SAMPLE - 1) / CHECK_SAMPLE ))
  for ((i = 0; i < ${#all[@]}; i += k)); do cp "$src/${all[i]}" "$tmp/seeds/$t/"; done
  sample=$(ls "$tmp/seeds/$t" | wc -l)
  mutations=$CHECK_MUTATIONS
  [[ $t == handshake_live_* ]] && mutations=$(( CHECK_MUTATIONS / 6 ))
  # libFuzzer counts the seed pass (and one empty input) in -runs.
  args=(-timeout=25 -rss_limit_mb=2560 -print_final_stats=1)
  [[ -f $ROOT/targets/${TPL[$t]}.dict ]] && args+=(-dict="$ROOT/targets/${TPL[$t]}.dict")
  mapfile -t opts < <(options "$t")
  args+=("${opts[@]}")
  for s in $CHECK_SEEDS; do
    # A run stopped by a reviewed bug goes on with a derived -seed for the
    # mutations it had left (at most CHECK_RESUMES times), so a known bug
    # does not shrink the check.
    left=$mutations attempt=0 seed=$s notes="" verdict=0 total=0
    while (( left > 0 )); do
      runs=$(( sample + 1 + left ))
      work=$tmp/work/$t-$seed art=$tmp/art/$t
      mkdir -p "$work" "$art"
      find "$art" -maxdepth 1 -type f -delete 2>/dev/null
      log=$tmp/$t-$seed.log
      timeout -k 10 1800 "$BIN/$t" -seed="$seed" -runs="$runs" "${args[@]}" -artifact_prefix="$art/" \
        "$work" "$tmp/seeds/$t" >"$log" 2>&1
      rc=$?
      done_runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -n 1)
      done_runs=${done_runs:-0}
      if [[ $rc == 0 ]]; then
        (( done_runs >= runs )) || { verdict=1; notes="$notes; -seed=$seed ran $done_runs of $runs runs"; }
        total=$(( total + done_runs ))
        break
      fi
      # Stopped early: which bucket?
      mapfile -t arts < <(find "$art" -maxdepth 1 -type f ! -name '.*' ! -name 'slow-unit-*')
      if (( ${#arts[@]} == 0 )); then
        tail -n 15 "$log" | sed 's/^/# /'
        verdict=1; notes="$notes; -seed=$seed: exit $rc without an artifact (log above)"
        break
      fi
      CHAINFUZZ_BUILD_DIR=$BUILD "$CLI" triage --no-minimize --bin-dir "$BIN" --out "$tmp/store" \
        "$t" "${arts[@]}" >"$tmp/triage.log" 2>&1
      line=$(grep -E '^triage: \[[0-9]+/[0-9]+\]' "$tmp/triage.log" | tail -n 1)
      bucket=$(sed -nE 's/.* -> (new bucket )?([A-Za-z0-9_-]+\/[0-9a-f]+).*/\2/p' <<<"$line")
      summary=${line#*\] }
      summary=${summary#*: }
      summary=${summary%% -> *}
      # An artifact byte-identical to one a bucket already stores (the
      # same -seed finds the same input every time) is not run again by
      # triage ("known (BUCKET), skipped"): it is that bucket's, and the
      # bucket's status decides, open (reviewed) or fixed (a regression).
      known=$(sed -nE 's/.*known \(([A-Za-z0-9_-]+\/[0-9a-f]+)\).*/\1/p' <<<"$line")
      if [[ -z $bucket && -n $known && -f $CRASHES/$known/report.json ]]; then
        bucket=$known
        grep -q '"status": "open"' "$CRASHES/$known/report.json" || line="$line REGRESSED (stored artifact, bucket marked fixed)"
        summary="$(sed -nE 's/^ *"summary": "(.*)",?$/\1/p' "$CRASHES/$known/report.json" | head -n 1) (a stored artifact)"
      fi
      if [[ -n $bucket && $line != *"new bucket"* && $line != *REGRESSED* && -d $CRASHES/$bucket ]]; then
        notes="$notes; -seed=$seed stopped after $done_runs runs at a reviewed bug, open bucket crashes/$bucket ($summary)"
        total=$(( total + done_runs ))
        left=$(( left - (done_runs > sample + 1 ? done_runs - sample - 1 : 0) ))
        attempt=$(( attempt + 1 ))
        (( attempt > CHECK_RESUMES )) && break
        seed=$(( s * 1000 + attempt ))
        continue
      fi
      sed 's/^/# /' "$tmp/triage.log" | tail -n 8
      for a in "${arts[@]}"; do echo "# artifact $(basename "$a") (base64): $(head -c 3000 "$a" | base64 -w0)"; done
      verdict=1
      total=$(( total + done_runs ))
      what=new
      [[ $line == *REGRESSED* ]] && what="regressed (marked fixed)"
      notes="$notes; -seed=$seed after $done_runs runs: ${summary:-a crash triage could not file}${bucket:+, $what bucket $bucket}; reproduce: $BIN/$t -seed=$seed -runs=$runs ${args[*]} WORKDIR SEEDS, SEEDS = every ${k}th file of corpus/${SEEDS[$t]}/ in name order, or the artifact above"
      break
    done
    notes=${notes#; }
    ok $verdict "$t -seed=$s: $sample seeds + $mutations mutations, $total runs: ${notes:-clean}"
  done
done
finish
