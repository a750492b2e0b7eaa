#!/usr/bin/env bash
# planted_buckets_test.sh — `chainfuzz triage` puts the planted-bug set
# (tests/planted/, see its README.md) into exactly the right buckets.
#
# Fast and deterministic: no fuzzing. It builds the replay versions of the
# planted targets (tests/planted/generate.sh --build-only --flavor replay),
# then, for each target, runs
#   chainfuzz triage --target build/planted/replay/<t> --out TMP --no-minimize
#                    tests/planted/inputs/<t>/
# on the committed inputs (one to four per planted bug, named by SHA-1) and
# checks the buckets TMP/<t>/<bucket-id>/report.json against
# tests/planted/expected.tsv:
#   - as many buckets as planted bugs in the target (planted_two_bugs: 2);
#   - for each planted bug, a bucket of its type (and READ/WRITE access) whose
#     crash state starts with the expected frame; its severity; its flaky flag
#     (true only for planted_flaky); the extra fields expected.tsv lists
#     (planted_finding: finding.validator=planted oracle=spec reason=EXPIRED);
#     planted_sigkill's bucket is "Signal 9";
#   - no input is lost: the buckets' counts plus the inputs triage reports as
#     not reproducible add up to the inputs given (see planted_no_repro in
#     tests/planted/lib.sh for where the no-repro count is read).
# planted_flaky keeps its run counters under $TMPDIR, which this test points
# at a fresh directory, so its input crashes on the first run and passes on
# the second, every time.
#
# Until the chainfuzz CLI exists (harness/chainfuzz.c), the triage checks are
# skipped; once it does, a missing binary is a failure. Output: TAP.
# Environment: CHAINFUZZ_BUILD_DIR (default build/), PLANTED_TRIAGE_TIMEOUT
# (seconds per target, default 300), PLANTED_CLI (the chainfuzz binary to
# test, default build/replay/bin/chainfuzz).
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
BUILD=${CHAINFUZZ_BUILD_DIR:-$ROOT/build}
PLANTED=$ROOT/tests/planted
CLI=${PLANTED_CLI:-$BUILD/replay/bin/chainfuzz}
TRIAGE_TIMEOUT=${PLANTED_TRIAGE_TIMEOUT:-300}
# shellcheck source=planted/lib.sh
source "$PLANTED/lib.sh"

n=0
failed=0
ok() {
  n=$((n + 1))
  if [[ $1 == 0 ]]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
note() { sed 's/^/# /'; }
finish() { echo "1..$n"; exit $failed; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. The replay builds of the planted targets.
if [[ ! -f $BUILD/replay/flavor.env ]]; then
  timeout -k 10 1800 ./build.sh --flavor replay >"$tmp/build.log" 2>&1 ||
    { note <"$tmp/build.log" | tail -n 20; }
fi
timeout -k 10 600 "$PLANTED/generate.sh" --build-only --flavor replay >"$tmp/gen.log" 2>&1
rc=$?
ok $rc "tests/planted/generate.sh --build-only --flavor replay (exit $rc)"
[[ $rc == 0 ]] || { note <"$tmp/gen.log" | tail -n 20; finish; }

# 2. The ground truth and the committed inputs agree with each other.
mapfile -t TARGETS < <(planted_expected "$PLANTED/expected.tsv" | cut -f1 | awk '!seen[$0]++')
ok $([[ ${#TARGETS[@]} -gt 0 ]]; echo $?) "expected.tsv lists ${#TARGETS[@]} planted targets"
bad=""
for t in "${TARGETS[@]}"; do
  [[ -f $PLANTED/$t.c ]] || bad="$bad $t(no source)"
  [[ -x $BUILD/planted/replay/$t ]] || bad="$bad $t(not built)"
  cnt=$(find "$PLANTED/inputs/$t" -type f 2>/dev/null | wc -l)
  [[ $cnt -gt 0 ]] || bad="$bad $t(no inputs)"
done
for s in "$PLANTED"/*.c; do
  s=$(basename "$s" .c)
  printf '%s\n' "${TARGETS[@]}" | grep -qx -- "$s" || bad="$bad $s(not in expected.tsv)"
done
ok $([[ -z $bad ]]; echo $?) "every planted target has a source, a build, inputs and expected buckets${bad:+:$bad}"
bad=""
while IFS= read -r -d '' f; do
  [[ $(sha1sum "$f" | cut -c1-40) == "$(basename "$f")" ]] || bad="$bad ${f#"$PLANTED"/}"
done < <(find "$PLANTED/inputs" -type f -print0)
ok $([[ -z $bad ]]; echo $?) "every committed input is named by its SHA-1${bad:+:$bad}"

# The planted set itself, without triage: every committed input fails its
# replay build with one of the target's expected frames in the report (the
# sanitizer's stack, the timeout handler's, or the finding line's
# validator=...), planted_sigkill dies of SIGKILL, and planted_flaky crashes
# on one run and passes on the next.
mkdir -p "$tmp/self"
for t in "${TARGETS[@]}"; do
  mapfile -t frames < <(planted_expected "$PLANTED/expected.tsv" | awk -F'\t' -v t="$t" '$1 == t { print $3 }')
  bad=""
  while IFS= read -r -d '' f; do
    runs=1
    [[ $t == planted_flaky ]] && runs=2
    fails=0 seen=""
    for ((i = 0; i < runs; i++)); do
      TMPDIR=$tmp/self UBSAN_OPTIONS=print_stacktrace=1 timeout -k 10 120 \
        "$BUILD/planted/replay/$t" -timeout=3 "$f" >"$tmp/self.log" 2>&1
      rc=$?
      [[ $rc != 0 ]] && fails=$((fails + 1))
      for fr in "${frames[@]}"; do
        if [[ $fr == - ]]; then
          [[ $rc == 137 ]] && seen=1
        elif grep -qE "( in $fr |validator=$fr )" "$tmp/self.log"; then
          seen=1
        fi
      done
    done
    [[ $fails == 1 ]] || bad="$bad $(basename "$f")(failed $fails of $runs runs)"
    [[ -n $seen ]] || bad="$bad $(basename "$f")(no expected frame; exit $rc)"
  done < <(find "$PLANTED/inputs/$t" -type f -print0 | sort -z)
  ok $([[ -z $bad ]]; echo $?) "$t: the committed inputs reproduce the planted bug(s) without triage${bad:+:$bad}"
done

# 3. Triage.
if [[ ! -x $CLI ]]; then
  if [[ -f $ROOT/harness/chainfuzz.c ]]; then
    ok 1 "$CLI exists (harness/chainfuzz.c does: the build should have made it)"
  else
    skip "triage of the planted set" "the chainfuzz CLI is not written yet (no harness/chainfuzz.c)"
  fi
  finish
fi
tool=$(planted_json_tool)
ok $([[ -n $tool ]]; echo $?) "a JSON reader for report.json (jq or python3): ${tool:-none}"
[[ -n $tool ]] || finish

out=$tmp/out
mkdir -p "$out" "$tmp/state"
for t in "${TARGETS[@]}"; do
  log=$tmp/triage-$t.log
  inputs=$(find "$PLANTED/inputs/$t" -type f | wc -l)
  # A target whose bug is a timeout gets a short per-run limit: it hangs on
  # every run, and triage reproduces each input several times.
  opts=()
  planted_expects "$PLANTED/expected.tsv" "$t" Timeout && opts=(--timeout 3)
  t0=$(date +%s)
  TMPDIR=$tmp/state timeout -k 10 "$TRIAGE_TIMEOUT" "$CLI" triage \
    --target "$BUILD/planted/replay/$t" --out "$out" --no-minimize "${opts[@]}" \
    "$PLANTED/inputs/$t" >"$log" 2>&1
  rc=$?
  # Exit 0: no crash; 1: crashes found (or a failure); 2: usage/environment.
  ok $([[ $rc == 0 || $rc == 1 ]]; echo $?) \
    "$t: chainfuzz triage ran on $inputs input(s) (exit $rc, $(( $(date +%s) - t0 )) s)"
  if [[ $rc != 0 && $rc != 1 ]]; then
    note <"$log" | tail -n 20
    continue
  fi

  # Every bucket of this target: "dir<SEP>fields..." lines.
  buckets=()
  for r in "$out/$t"/*/report.json; do
    [[ -f $r ]] || continue
    buckets+=("$(dirname "$r")$PLANTED_SEP$(planted_report_fields "$r")")
  done
  want=$(planted_expected "$PLANTED/expected.tsv" | awk -F'\t' -v t="$t" '$1 == t' | wc -l)
  ok $([[ ${#buckets[@]} == "$want" ]]; echo $?) \
    "$t: ${#buckets[@]} bucket(s), one per planted bug ($want)"
  if [[ ${#buckets[@]} != "$want" ]]; then
    for b in "${buckets[@]}"; do
      IFS=$PLANTED_SEP read -r dir ty ac fr sev cnt fl <<<"$b"
      printf 'bucket %s: type=%s access=%s frame=%s severity=%s count=%s flaky=%s\n' \
        "$(basename "$dir")" "$ty" "$ac" "$fr" "$sev" "$cnt" "$fl"
    done | note
    [[ ${#buckets[@]} == 0 ]] && note <"$log" | tail -n 20
  fi

  # Each planted bug has its bucket, with the right fields.
  sum=0
  for b in "${buckets[@]}"; do
    IFS=$PLANTED_SEP read -r dir ty ac fr sev cnt fl <<<"$b"
    [[ $cnt =~ ^[0-9]+$ ]] && sum=$((sum + cnt))
  done
  while IFS=$'\t' read -r _ etype eframe esev echecks; do
    IFS=$PLANTED_SEP read -r xtype xaccess <<<"$(planted_split_type "$etype")"
    [[ $eframe == - ]] && eframe=""
    match=""
    for b in "${buckets[@]}"; do
      IFS=$PLANTED_SEP read -r dir ty ac fr sev cnt fl <<<"$b"
      if [[ $ty == "$xtype" && ${ac^^} == "$xaccess" && $fr == "$eframe" ]]; then
        match=$b
        break
      fi
    done
    label="$t: a bucket $etype at ${eframe:-(no frame)}"
    ok $([[ -n $match ]]; echo $?) "$label"
    [[ -n $match ]] || continue
    IFS=$PLANTED_SEP read -r dir ty ac fr sev cnt fl <<<"$match"
    got=$(planted_norm_severity "$sev")
    ok $([[ $got == "$esev" ]]; echo $?) "$label: severity $esev (got '$sev')"
    want_flaky=false
    checks=()
    if [[ $echecks != - ]]; then
      for c in $echecks; do
        if [[ $c == flaky=* ]]; then want_flaky=${c#flaky=}; else checks+=("$c"); fi
      done
    fi
    ok $([[ $fl == "$want_flaky" ]]; echo $?) "$label: flaky $want_flaky (got $fl)"
    for c in "${checks[@]}"; do
      v=$(planted_json_get "$dir/report.json" "${c%%=*}")
      ok $([[ $v == "${c#*=}" ]]; echo $?) "$label: $c (got '$v')"
    done
  done < <(planted_expected "$PLANTED/expected.tsv" | awk -F'\t' -v t="$t" '$1 == t')

  # No input is lost.
  nr=$(planted_no_repro "$out" "$t" "$log")
  if [[ $((sum + ${nr:-0})) == "$inputs" ]]; then
    ok 0 "$t: no input lost (bucket counts $sum + no-repro ${nr:-0} = $inputs inputs)"
  elif [[ -n $nr ]]; then
    ok 1 "$t: no input lost (bucket counts $sum + no-repro $nr != $inputs inputs)"
  else
    ok 1 "$t: no input lost (bucket counts $sum of $inputs inputs, and no no-repro count found)"
  fi
done
finish
