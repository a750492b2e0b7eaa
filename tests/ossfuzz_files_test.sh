#!/usr/bin/env bash
# ossfuzz_files_test.sh — the OSS-Fuzz and ClusterFuzzLite files agree with
# the tree: the PR workflow's paths cover every directory compiled into a
# target (or zipped beside it), project.yaml lists only what
# harness/ossfuzz.sh can build and check, the Dockerfiles clone pinned
# revisions, the same in both, and certgen/diff-allow-generations.tsv
# names real scenarios. TAP output; reads files only.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
n=0 failed=0
ok() { n=$((n + 1)); if [[ $1 == 0 ]]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }
wf=$ROOT/.github/workflows/cflite_pr.yml
paths=$(sed -n "/paths:/,/]/p" "$wf")
# Directories with sources the build compiles (mk/chainfuzz.mk: targets/,
# lib/, validators/, certgen/, handshake/, include/), its makefiles, and
# the seeds; harness/ is the local CLI (not in OSS-Fuzz targets).
for d in $(cd "$ROOT" && ls -d */ | tr -d /); do
  case $d in build|work|crashes|docs|tests|bench|harness|oss-fuzz) continue ;; esac
  if compgen -G "$ROOT/$d/*.[ch]" >/dev/null || compgen -G "$ROOT/$d/*/*.[ch]" >/dev/null ||
     compgen -G "$ROOT/$d/*.mk" >/dev/null || [[ $d == corpus ]]; then
    grep -q "'$d/\*\*'" <<<"$paths"; ok $? "cflite_pr.yml paths cover $d/"
  fi
done
for f in build.sh .clusterfuzzlite/; do
  grep -q "'$f" <<<"$paths"; ok $? "cflite_pr.yml paths cover $f"
done
for y in oss-fuzz/project.yaml; do
  bad=$(sed -n '/^sanitizers:/,/^[a-z]/p' "$ROOT/$y" | sed -n 's/^ *- *//p' | grep -vxE 'address|undefined' || true)
  ok "$([[ -z $bad ]]; echo $?)" "$y lists only sanitizers harness/ossfuzz.sh checks (${bad:-ok})"
  bad=$(sed -n '/^fuzzing_engines:/,/^[a-z]/p' "$ROOT/$y" | sed -n 's/^ *- *//p' | grep -vxE 'libfuzzer|afl' || true)
  ok "$([[ -z $bad ]]; echo $?)" "$y lists only engines harness/ossfuzz.sh checks (${bad:-ok})"
done
for df in oss-fuzz/Dockerfile .clusterfuzzlite/Dockerfile; do
  unpinned=$(grep -E 'git clone' "$ROOT/$df" | grep -v 'CHAINFUZZ_REPO' |
             grep -vE -- '--branch (v[0-9]|openssl-[0-9])|boringssl' || true)
  ok "$([[ -z $unpinned ]]; echo $?)" "$df clones release tags (${unpinned:-ok})"
  grep -qE 'git -C boringssl checkout [0-9a-f]{40}' "$ROOT/$df"; ok $? "$df checks BoringSSL out at a full commit id"
done
a=$(grep -E 'git (clone|-C)' "$ROOT/oss-fuzz/Dockerfile" | grep -v CHAINFUZZ_REPO | sort)
b=$(grep -E 'git (clone|-C)' "$ROOT/.clusterfuzzlite/Dockerfile" | sort)
[[ $a == "$b" ]]; ok $? "oss-fuzz/ and .clusterfuzzlite/ pin the same revisions"
cmp -s "$ROOT/oss-fuzz/build.sh" "$ROOT/.clusterfuzzlite/build.sh"; ok $? "the two build.sh files are the same"
# Reviewed generation-only differences name real scenarios and reasons.
while IFS=$'\t' read -r acc rej reason scen why; do
  [[ -z $acc || $acc == \#* ]] && continue
  grep -rqx "id $scen" "$ROOT/certgen/scenarios"; ok $? "diff-allow-generations.tsv: scenario $scen exists"
  [[ -n $why && $acc != "$rej" ]]; ok $? "diff-allow-generations.tsv: $acc/$rej/$reason has two validators and a why"
done <"$ROOT/certgen/diff-allow-generations.tsv"
printf '1..%d\n' "$n"
[[ $failed == 0 ]]
