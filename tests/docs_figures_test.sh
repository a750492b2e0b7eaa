#!/usr/bin/env bash
# docs_figures_test.sh — the figures README.md and docs/*.md quote that
# change with the catalogue are still true (issue 14, "Docs that stay true"):
#  - "N scenarios" (also "scenarios N:" of certgen check's summary lines) is
#    the number of scenarios in certgen/scenarios, as `certgen seeds
#    --oracle-corpus` counts them when $BUILD/replay/bin/certgen exists
#    (the catalogue walk of certgen list and check), else the *.recipe
#    files that walk picks up (certgen/catalogue.c: regular files, no name
#    starting with '.');
#  - "N of M scenarios expressible" / "(K not expressible": the same
#    certgen seeds run, else the committed seeds in corpus/chain_oracle
#    (tests/seeds_committed_test.sh keeps them exact);
#  - "N named scenarios" is seedgen's scenarios: `seedgen --list` (less its
#    header line), else the entries of kSeeds[] in certgen/seeds.c;
#  - "N rules" is the spec oracle's rules: the entries of kRules[] in
#    certgen/oracle.c (the one place they are defined, = R_COUNT), and the
#    rule table of docs/oracle.md lists exactly those ids, numbered 1..N;
#  - "N validators" is the number of entries of kValidators[] in
#    lib/validator.c; every validator table (header "| validator |") and
#    every "`--validator NAME` for one: ..." list names exactly those, and
#    each "**Canaries**" paragraph names exactly kCanaries[];
#  - the x509-limbo header "suite ...: N testcases" is the vendored suite's
#    testcase count (tests/limbo/limbo.json);
#  - a sample of `certgen check` output (a fenced block holding its total
#    line "N scenarios, M validators: ...") has a summary line for each
#    registered validator with the true counts, and, when the binary exists,
#    its summary lines and each per-scenario line are what `certgen check`
#    prints now (that run of certgen check takes 10-20 s on 2 busy cores).
# A figure that is true only of a given day (a measurement) goes between
#   <!-- dated figures: ... -->  and  <!-- end dated figures -->
# with its date (YYYY-MM-DD) inside; such blocks are not compared, and one
# without a date or without its end marker fails.
# A failure names the file and line, the figure as written and the true
# value. Output: TAP. Exit 1 on any failure.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
BUILD=${CHAINFUZZ_BUILD_DIR:-$ROOT/build}
BIN=$BUILD/replay/bin
n=0; failed=0
ok() { n=$((n + 1)); if [[ $1 == 0 ]]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi; }
finish() { echo "1..$n"; exit $failed; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
FILES=(README.md docs/*.md)

# occurrences REGEX: "FILE:LINE<TAB>NUMBER<TAB>MATCH" for every match of the
# Perl REGEX in FILES outside dated blocks. Its first group is the figure
# (thousands commas dropped); \s also matches a line break, so a figure
# wrapped across two lines is found.
occurrences() {
  RE=$1 perl -e '
    my $re = qr/$ENV{RE}/;
    for my $f (@ARGV) {
      open(my $h, "<", $f) or next;
      local $/; my $t = <$h>; close $h;
      $t =~ s{<!-- dated figures.*?<!-- end dated figures -->}{ (my $x = $&) =~ s/[^\n]//g; $x }gse;
      while ($t =~ /$re/g) {
        my ($num, $m) = ($1, $&);
        my $line = 1 + (substr($t, 0, $-[0]) =~ tr/\n//);
        $num =~ s/,//g; $num =~ s/\s+/ /g; $m =~ s/\s+/ /g;
        print "$f:$line\t$num\t$m\n";
      }
    }' "${FILES[@]}"
}

# check_figure WHAT TRUE HOW REGEX: every occurrence of REGEX must say TRUE;
# the "not ok" line names each stale one.
check_figure() {
  local what=$1 want=$2 how=$3 re=$4 where got text seen=0 stale=()
  while IFS=$'\t' read -r where got text; do
    seen=$((seen + 1))
    [[ $got == "$want" ]] || stale+=("$where says \"$text\"")
  done < <(occurrences "$re")
  if [[ ${#stale[@]} == 0 ]]; then
    ok 0 "$what: $want ($how); figures in README.md and docs/: $seen, all $want"
  else
    ok 1 "$what is $want ($how), but $(IFS=';'; echo "${stale[*]}" | sed 's/;/; /g')"
  fi
}

# same_set WHAT TRUE... -- LISTED...: two lists of names, as sets; a
# failure names what is missing and what is not (or no longer) true.
same_set() {
  local what=$1; shift
  local want=() got=()
  while [[ $1 != -- ]]; do want+=("$1"); shift; done; shift
  got=("$@")
  printf '%s\n' "${want[@]}" | sed '/^$/d' | sort -u > "$tmp/want"
  printf '%s\n' "${got[@]}" | sed '/^$/d' | sort -u > "$tmp/got"
  local missing extra
  missing=$(comm -23 "$tmp/want" "$tmp/got" | tr '\n' ' ')
  extra=$(comm -13 "$tmp/want" "$tmp/got" | tr '\n' ' ')
  if [[ -z $missing && -z $extra ]]; then
    if (( $(wc -l < "$tmp/want") > 8 )); then ok 0 "$what: all $(wc -l < "$tmp/want")"
    else ok 0 "$what: $(tr '\n' ' ' < "$tmp/want" | sed 's/ $//')"; fi
  else
    ok 1 "$what${missing:+; missing: ${missing% }}${extra:+; named but not real: ${extra% }}"
  fi
}

# --- the dated blocks themselves
bad=$(perl -e '
  for my $f (@ARGV) {
    open(my $h, "<", $f) or next;
    my ($open, $date) = (0, 0);
    while (<$h>) {
      if (/<!-- dated figures/) {
        print "$f:$.: dated block opened inside another\n" if $open;
        ($open, $date) = ($., 0);
      }
      $date = 1 if $open && /\b20\d\d-\d\d-\d\d\b/;
      if (/<!-- end dated figures -->/) {
        if (!$open) { print "$f:$.: end of a dated block that was not opened\n"; next; }
        print "$f:$open: dated block without a date (YYYY-MM-DD)\n" if !$date;
        $open = 0;
      }
    }
    print "$f:$open: dated block never ended (<!-- end dated figures -->)\n" if $open;
  }' "${FILES[@]}")
ok $([[ -z $bad ]]; echo $?) "dated-figure blocks are dated and closed${bad:+: $(echo "$bad" | paste -sd ';' | sed 's/;/; /g')}"

# --- the truth
# Scenarios and the expressible ones: `certgen seeds` counts both (its
# catalogue walk is certgen list's); without the binary, the files that walk
# picks up and the committed chain_oracle seeds.
nfiles=$(find certgen/scenarios -name '.*' -prune -o -type f -name '*.recipe' -print | wc -l)
SCEN=; EXPR=
if [[ -x $BIN/certgen ]]; then
  line=$("$BIN/certgen" seeds --oracle-corpus "$tmp/oracle" 2>&1 | grep -E '^certgen seeds: [0-9]+ of [0-9]+ scenarios expressible')
  read -r EXPR SCEN <<< "$(sed -E 's/^certgen seeds: ([0-9]+) of ([0-9]+) .*/\1 \2/' <<< "$line")"
  scen_how="certgen seeds"; expr_how="certgen seeds"
  if [[ -z $SCEN ]]; then
    echo "# $BIN/certgen seeds --oracle-corpus printed no summary line; counting files instead"
  elif [[ $SCEN != "$nfiles" ]]; then
    echo "# certgen seeds counts $SCEN scenarios, certgen/scenarios holds $nfiles .recipe files"
  fi
fi
if [[ -z $SCEN ]]; then
  SCEN=$nfiles
  scen_how="*.recipe files in certgen/scenarios; no $BIN/certgen"
  EXPR=$(find corpus/chain_oracle -type f | wc -l)
  expr_how="the seeds in corpus/chain_oracle"
fi
ok $([[ $SCEN -gt 0 && $EXPR -gt 0 ]] 2>/dev/null; echo $?) "the catalogue: $SCEN scenarios ($scen_how), $EXPR expressible ($expr_how)"
# seedgen's named scenarios.
if [[ -x $BIN/seedgen ]]; then
  NAMED=$("$BIN/seedgen" --list | tail -n +2 | wc -l)
  named_how="seedgen --list"
else
  NAMED=$(awk '/^static const struct seed_scenario kSeeds\[\] = \{/ {f = 1; next} f && /^\};/ {exit} f' certgen/seeds.c |
          grep -cE '^    \{"[a-z0-9-]+",')
  named_how="kSeeds[] in certgen/seeds.c; no $BIN/seedgen"
fi
# The oracle's rules: kRules[]'s designated initializers, and R_COUNT's enum.
RULE_IDS=()
while read -r id; do RULE_IDS+=("$id"); done < <(
  awk '/^static const struct cf_oracle_rule kRules\[R_COUNT\] = \{/ {f = 1; next} f && /^\};/ {exit} f' certgen/oracle.c |
  tr -s ' \n' ' ' | grep -oE '\[R_[A-Z0-9_]+\] = \{"[^"]+"' | sed -E 's/.*\{"//; s/"$//')
RULES=${#RULE_IDS[@]}
nenum=$(awk '/^  R_NONE = -1,/ {f = 1; next} f && /R_COUNT,/ {exit} f' certgen/oracle.c | grep -cE '^  R_[A-Z0-9_]+( = 0)?,')
ok $([[ $RULES -gt 0 && $RULES == "$nenum" ]]; echo $?) \
  "certgen/oracle.c: kRules[] defines $RULES rules, the enum up to R_COUNT $nenum"
# Validators and canaries: the tables in lib/validator.c.
table_names() {
  awk -v t="$1" '$0 ~ "^static const struct cf_validator " t "\\[\\] = \\{" {f = 1; next} f && /^\};/ {exit} f' lib/validator.c |
    sed -nE 's/^ *\{"([a-z0-9_]+)", .*/\1/p'
}
read -r -a VALS <<< "$(table_names kValidators | tr '\n' ' ')"
read -r -a CANARIES <<< "$(table_names kCanaries | tr '\n' ' ')"
ok $([[ ${#VALS[@]} -ge 1 && ${#CANARIES[@]} -ge 1 ]]; echo $?) \
  "lib/validator.c: validators ${VALS[*]}; canaries ${CANARIES[*]}"
LIMBO=$(grep -c '^      "id": ' tests/limbo/limbo.json)

# --- the figures
check_figure "scenarios in the catalogue" "$SCEN" "$scen_how" \
  '(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)\s+scenarios\b'
check_figure "scenarios per validator in certgen check's summary" "$SCEN" "$scen_how" \
  '\bscenarios\s+(\d+):'
check_figure "expressible scenarios" "$EXPR" "$expr_how" \
  '(?<![\w.,])(\d+)\s+of\s+\d+\s+scenarios\s+expressible'
check_figure "scenarios not expressible" "$((SCEN - EXPR))" "$expr_how" \
  '\((\d+)\s+not\s+expressible'
check_figure "seedgen's named scenarios" "$NAMED" "$named_how" \
  '(?<![\w.,])(\d+)\s+named\s+scenarios\b'
check_figure "the oracle's rules" "$RULES" "kRules[] in certgen/oracle.c" \
  '(?<![\w.,])(\d+)\s+rules\b'
check_figure "validators" "${#VALS[@]}" "kValidators[] in lib/validator.c" \
  '(?<![\w.,])(\d+)\s+validators\b'
check_figure "testcases of the vendored x509-limbo suite" "$LIMBO" "tests/limbo/limbo.json" \
  'x509-limbo suite tests/limbo/limbo\.json:\s+(\d+)\s+testcases\b'

# --- the lists
# docs/oracle.md's rule table: every id of kRules[], numbered 1..N.
rows=$(awk '/^## Rules/ {f = 1; next} f && /^## / {exit} f && /^\| [0-9]+ \| `/' docs/oracle.md)
nrows=$(grep -c . <<< "$rows")
numbered=$(awk -F'|' '{gsub(/ /, "", $2); if ($2 != NR) {print "row " NR " is numbered " $2; exit}}' <<< "$rows")
ok $([[ $nrows == "$RULES" && -z $numbered ]]; echo $?) \
  "docs/oracle.md: the rule table has $nrows rows numbered 1..$nrows (kRules[]: $RULES)${numbered:+; $numbered}"
read -r -a listed <<< "$(awk -F'|' '{print $3}' <<< "$rows" | tr -d ' `' | tr '\n' ' ')"
same_set "docs/oracle.md: the rule table lists the ids of kRules[]" "${RULE_IDS[@]}" -- "${listed[@]}"
# Validator tables (README.md has one).
ok $(grep -q '^| validator |' README.md; echo $?) "README.md has a validator table (header \"| validator |\")"
while IFS= read -r f; do
  read -r -a listed <<< "$(awk '/^\| validator \|/ {f = 1; next} f && !/^\|/ {f = 0} f && /^\| `/' "$f" |
                           awk -F'|' '{print $2}' | tr -d ' `' | tr '\n' ' ')"
  same_set "$f: the validator table lists kValidators[]" "${VALS[@]}" -- "${listed[@]}"
done < <(grep -l '^| validator |' "${FILES[@]}")
# "--validator NAME` for one: `a`, `b`" lists.
while IFS=$'\t' read -r where list; do
  read -r -a listed <<< "$(grep -oE '`[a-z0-9_]+`' <<< "$list" | tr -d '`' | tr '\n' ' ')"
  same_set "$where: the --validator list is kValidators[]" "${VALS[@]}" -- "${listed[@]}"
done < <(occurrences '--validator NAME` for one:((?:\s*`[a-z0-9_]+`,?)+)' | cut -f1,2)
# "**Canaries**" paragraphs: every canary named in backquotes (target
# names, chain_* and handshake_*, aside).
while IFS=$'\t' read -r where para; do
  read -r -a listed <<< "$(grep -oE '`[a-z0-9_]+_negative`' <<< "$para" | tr -d '`' |
                          grep -vE '^(chain|handshake)_' | tr '\n' ' ')"
  same_set "$where: the **Canaries** paragraph names kCanaries[]" "${CANARIES[@]}" -- "${listed[@]}"
done < <(occurrences '\*\*Canaries\*\*((?:.|\n(?!\n))*)' | cut -f1,2)

# --- sample output of certgen check
# Each fenced block with check's total line: its summary lines.
perl -e '
  for my $f (@ARGV) {
    open(my $h, "<", $f) or next;
    my ($in, $start, @b) = (0, 0);
    while (<$h>) {
      if (/^```/) {
        if ($in && grep { /^\d+ scenarios, \d+ validators: / } @b) {
          print "$f:$start\t$_" for @b;
        }
        $in = !$in; @b = (); $start = $. + 1;
        next;
      }
      push @b, $_ if $in;
    }
  }' "${FILES[@]}" > "$tmp/samples"
nsamples=$(cut -f1 "$tmp/samples" | sort -u | grep -c .)
if [[ -x $BIN/certgen ]]; then
  start=$(date +%s)
  "$BIN/certgen" check --dir certgen/scenarios > "$tmp/check.out" 2> "$tmp/check.err"
  echo "# certgen check: exit $?, $(( $(date +%s) - start )) s"
fi
for where in $(cut -f1 "$tmp/samples" | sort -u); do
  block=$(awk -F'\t' -v w="$where" '$1 == w {sub(/^[^\t]*\t/, ""); print}' "$tmp/samples")
  summ=$(grep -E '^[a-z0-9_]+: scenarios [0-9]+: |^[0-9]+ scenarios, [0-9]+ validators: ' <<< "$block")
  read -r -a listed <<< "$(sed -nE 's/^([a-z0-9_]+): scenarios [0-9]+: .*/\1/p' <<< "$summ" | tr '\n' ' ')"
  same_set "$where: the certgen check sample has a summary line for each of kValidators[]" "${VALS[@]}" -- "${listed[@]}"
  if [[ ! -x $BIN/certgen ]]; then
    echo "ok $((n += 1)) - $where: the certgen check sample is what certgen check prints now # SKIP no $BIN/certgen"
  else
    now=$(grep -E '^[a-z0-9_]+: scenarios [0-9]+: |^[0-9]+ scenarios, [0-9]+ validators: ' "$tmp/check.out")
    if [[ $summ == "$now" ]]; then
      ok 0 "$where: the certgen check sample's summary lines are what certgen check prints now"
    else
      ok 1 "$where: the certgen check sample's summary lines are stale: paste in what certgen check prints now (diff: < $where, > now)"
      diff <(echo "$summ") <(echo "$now") | sed 's/^/#   /'
    fi
    missing=()
    while IFS= read -r l; do
      [[ -z $l || $l == "..." || $l == *": scenarios "* || $l =~ ^[0-9]+\ scenarios, ]] && continue
      grep -qxF -- "$l" "$tmp/check.out" || missing+=("$l")
    done <<< "$block"
    ok ${#missing[@]} "$where: every per-scenario line of the certgen check sample is in certgen check's output now${missing:+; not any more: $(printf '%s | ' "${missing[@]}" | sed 's/ | $//')}"
  fi
done
ok $([[ $nsamples -ge 1 ]]; echo $?) "$nsamples certgen check sample(s) found (docs/certgen.md has one: a fenced block with its total line)"

# make fuzz's table: README's sample has the columns harness/fuzz.sh prints
# for libFuzzer (the header's words, in order; ENGINE=afl has its own).
want=$(sed -nE 's/^ *printf "\\n\$fmt" (target exec\/s cov .*) ""$/\1/p' harness/fuzz.sh)
have=$(awk '/^```/ { inb = !inb; next } inb && $1 == "target" && /exec\/s/ { $1 = $1; print; exit }' README.md)
ok $([[ -n $want && $have == "$want" ]]; echo $?) \
  "README.md's make fuzz sample table has harness/fuzz.sh's columns (README: '$have'; fuzz.sh: '$want')"

finish
