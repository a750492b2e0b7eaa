#!/usr/bin/env bash
# scenario_catalogue_test.sh — structural checks of the recipe catalogue
# certgen/scenarios/**/*.recipe (format: certgen/recipe.h). No parser needed:
# plain bash + grep/awk. Output: TAP. Exit 1 on any failure.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIR=$ROOT/certgen/scenarios
BUGS=${CHAINFUZZ_BUG_CLASSES:-/work/shared/bug-classes.md}
n=0; failed=0
ok() { n=$((n + 1)); if [[ $1 == 0 ]]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }

mapfile -t files < <(find "$DIR" -name '*.recipe' -type f 2>/dev/null | LC_ALL=C sort)
total=${#files[@]}
ok $([[ $total -ge 300 ]]; echo $?) "at least 300 recipe files ($total)"

# field VALUE of the first "KEYWORD ..." line (comments and indentation ignored)
field() { awk -v k="$2" '{sub(/^[ \t]+/, "")} $1 == k {sub(/^[^ \t]+[ \t]+/, ""); print; exit}' "$1"; }

bad_id=0; bad_fields=0; ids=(); n_acc=0; n_rej=0; n_eit=0
declare -A reject_classes=()
for f in "${files[@]}"; do
  rel=${f#"$DIR"/}; want=${rel%.recipe}; want=${want//\//::}
  id=$(field "$f" id)
  if [[ $id != "$want" ]]; then bad_id=$((bad_id + 1)); echo "# id mismatch: $rel has id '$id'"; fi
  ids+=("$id")
  miss=""
  head -n 5 "$f" | grep -qE '^[[:space:]]*recipe[[:space:]]+1[[:space:]]*$' || miss+=" recipe"
  for k in id title expect why; do [[ -n $(field "$f" $k) ]] || miss+=" $k"; done
  grep -qE '^[[:space:]]*device[[:space:]]*$' "$f" || miss+=" device"
  awk '{sub(/^[ \t]+/, "")} $1 == "device" && NF == 1 {d = 1; next} d && $1 == "anchors" && NF > 1 {a = 1} d && $1 == "chain" && NF > 1 {c = 1} END {exit !(a && c)}' "$f" || miss+=" anchors/chain"
  if [[ -n $miss ]]; then bad_fields=$((bad_fields + 1)); echo "# $rel lacks:$miss"; fi
  ex=$(field "$f" expect); ex=${ex%% *}
  case $ex in
    accept) n_acc=$((n_acc + 1)) ;;
    reject) n_rej=$((n_rej + 1))
            for c in $(awk '{sub(/^[ \t]+/, "")} $1 == "class" {for (i = 2; i <= NF; i++) print $i}' "$f"); do reject_classes[$c]=1; done ;;
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
