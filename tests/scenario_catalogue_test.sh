#!/usr/bin/env bash
# scenario_catalogue_test.sh — structural checks of the recipe catalogue
# certgen/scenarios/**/*.recipe (format: certgen/recipe.h). No parser needed:
# plain bash + grep/awk, reading all recipes in one pass (one awk and two greps
# over the whole catalogue, not several processes per file).
# CHAINFUZZ_SCENARIO_DIR overrides the catalogue directory (for testing this
# test on a broken copy). Output: TAP. Exit 1 on any failure.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=${CHAINFUZZ_SCENARIO_DIR:-$ROOT/certgen/scenarios}
BUGS=${CHAINFUZZ_BUG_CLASSES:-/work/shared/bug-classes.md}
n=0; failed=0
ok() { n=$((n + 1)); if [[ $1 == 0 ]]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }

mapfile -t files < <(find "$DIR" -name '*.recipe' -type f 2>/dev/null | LC_ALL=C sort)
total=${#files[@]}
ok $([[ $total -ge 300 ]]; echo $?) "at least 300 recipe files ($total)"

# One pass over the whole catalogue instead of several processes per file:
# - one awk reads every readable recipe and prints 6 lines per file (values
#   never contain a newline, so any byte but LF may appear in them): the
#   VALUE of the first "id", "title", "expect" and "why" line (comments and
#   indentation ignored; same rule as a per-file field lookup), 1/0 for
#   "a bare device line followed by anchors and chain lines with values",
#   and the values of every "class" line joined by spaces. awk skips empty
#   files altogether, so it walks ARGV to print an empty record for them;
# - one grep finds the "recipe 1" lines (only those in a file's first 5 lines
#   count), one grep the files with a bare "device" line: the same regexes
#   (and locale) as before, so the checks are unchanged.
# A file that cannot be read counts as empty (as before: every check fails).
readable=()
for f in "${files[@]}"; do [[ -r $f ]] && readable+=("$f"); done
recs=(); declare -A has_recipe=() has_device=()
if [[ ${#readable[@]} -gt 0 ]]; then
  mapfile -t recs < <(awk '
    function reset() { id = title = expect = why = cls = ""; hid = hti = hex = hwh = 0; d = a = c = 0 }
    function emit() { print id; print title; print expect; print why; print ((a && c) ? 1 : 0); print cls }
    function val(v) { v = $0; sub(/^[^ \t]+[ \t]+/, "", v); return v }
    FNR == 1 {
      if (ai > 0) emit()
      while (++ai < ARGC && ARGV[ai] != FILENAME) { reset(); emit() }
      reset()
    }
    {sub(/^[ \t]+/, "")}
    $1 == "id" && !hid {id = val(); hid = 1}
    $1 == "title" && !hti {title = val(); hti = 1}
    $1 == "expect" && !hex {expect = val(); hex = 1}
    $1 == "why" && !hwh {why = val(); hwh = 1}
    $1 == "class" {for (i = 2; i <= NF; i++) cls = cls " " $i}
    $1 == "device" && NF == 1 {d = 1}
    d && $1 == "anchors" && NF > 1 {a = 1}
    d && $1 == "chain" && NF > 1 {c = 1}
    END {
      if (ai > 0) emit()
      while (++ai < ARGC) { reset(); emit() }
    }' "${readable[@]}")
  # grep -n prints FILE:LINE:TEXT; TEXT (spaces, "recipe", "1") and LINE hold no ":";
  # -a: print the line even if grep deems the file binary (grep -q matched those too)
  while IFS= read -r line; do
    line=${line%:*}; [[ ${line##*:} -le 5 ]] && has_recipe[${line%:*}]=1
  done < <(grep -anHE '^[[:space:]]*recipe[[:space:]]+1[[:space:]]*$' "${readable[@]}")
  while IFS= read -r line; do has_device[$line]=1; done \
    < <(grep -lE '^[[:space:]]*device[[:space:]]*$' "${readable[@]}")
fi

bad_id=0; bad_fields=0; ids=(); n_acc=0; n_rej=0; n_eit=0
declare -A reject_classes=()
# per file: its id matches its path, the required keywords and the device block
# are there, expect is accept/reject/either; reject files' classes are collected
r=0
for f in "${files[@]}"; do
  rel=${f#"$DIR"/}; want=${rel%.recipe}; want=${want//\//::}
  id=""; title=""; expect=""; why=""; ac=0; cls=""
  # shellcheck disable=SC2034 # title and why are read as ${!k} below
  if [[ -r $f ]]; then
    id=${recs[r]:-}; title=${recs[r + 1]:-}; expect=${recs[r + 2]:-}; why=${recs[r + 3]:-}
    ac=${recs[r + 4]:-0}; cls=${recs[r + 5]:-}; r=$((r + 6))
  fi
  if [[ $id != "$want" ]]; then bad_id=$((bad_id + 1)); echo "# id mismatch: $rel has id '$id'"; fi
  ids+=("$id")
  miss=""
  [[ -n ${has_recipe[$f]:-} ]] || miss+=" recipe"
  for k in id title expect why; do [[ -n ${!k} ]] || miss+=" $k"; done
  [[ -n ${has_device[$f]:-} ]] || miss+=" device"
  [[ $ac == 1 ]] || miss+=" anchors/chain"
  if [[ -n $miss ]]; then bad_fields=$((bad_fields + 1)); echo "# $rel lacks:$miss"; fi
  ex=${expect%% *}
  case $ex in
    accept) n_acc=$((n_acc + 1)) ;;
    reject) n_rej=$((n_rej + 1))
            for c in $cls; do reject_classes[$c]=1; done ;;
    either) n_eit=$((n_eit + 1)) ;;
    *) bad_fields=$((bad_fields + 1)); echo "# $rel: bad expect '$ex'" ;;
  esac
done
ok $([[ $bad_id == 0 ]]; echo $?) "every id matches its path ($bad_id mismatches)"
dups=$(printf '%s\n' "${ids[@]}" | LC_ALL=C sort | uniq -d)
[[ -n $dups ]] && printf '# duplicate id: %s\n' $dups
ok $([[ -z $dups ]]; echo $?) "ids are unique"

if [[ -r $BUGS ]]; then
  mapfile -t want_classes < <(grep -oE '^\| *B[0-9]{2} *\|' "$BUGS" | grep -oE 'B[0-9]{2}' | LC_ALL=C sort -u)
  src=$BUGS
else
  mapfile -t want_classes < <(for i in $(seq -w 1 30); do echo "B$i"; done)
  src="built-in list B01..B30"
fi
[[ ${#want_classes[@]} -gt 0 ]] || want_classes=($(for i in $(seq -w 1 30); do echo "B$i"; done))
missing=""
for c in "${want_classes[@]}"; do [[ -n ${reject_classes[$c]:-} ]] || missing+=" $c"; done
[[ -n $missing ]] && echo "# classes without a reject scenario:$missing"
ok $([[ -z $missing ]]; echo $?) "every bug class (${#want_classes[@]}, from $src) has a reject scenario"

share=0; [[ $total -gt 0 ]] && share=$((100 * n_acc / total))
echo "# accept $n_acc, reject $n_rej, either $n_eit of $total (accept ${share}%)"
ok $([[ $total -gt 0 && $((100 * n_acc)) -ge $((25 * total)) && $((100 * n_acc)) -le $((45 * total)) ]]; echo $?) "ACCEPT share between 25% and 45% (${share}%)"
ok $([[ $bad_fields == 0 && $total -gt 0 ]]; echo $?) "every file has recipe/id/title/expect/why and a device block with anchors and chain ($bad_fields bad)"
echo "1..$n"
exit $failed
