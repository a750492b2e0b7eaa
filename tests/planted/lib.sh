# tests/planted/lib.sh — helpers shared by tests/planted_buckets_test.sh and
# tests/planted/measure.sh (sourced, not run): reading expected.tsv and the
# report.json files `chainfuzz triage` writes. JSON is read with jq, or with
# python3 when jq is missing.

# PLANTED_SEP separates the fields these helpers print (an ASCII unit
# separator: unlike a tab, `read` does not merge two of them, so empty
# fields keep their place).
PLANTED_SEP=$'\x1f'

# planted_json_tool prints "jq" or "python3", or nothing when neither is
# installed.
planted_json_tool() {
  if command -v jq >/dev/null 2>&1; then
    echo jq
  elif command -v python3 >/dev/null 2>&1; then
    echo python3
  fi
}

# planted_report_fields FILE prints one line, PLANTED_SEP-separated:
#   type access first-state-frame severity count flaky
# from a report.json. A missing field prints as ""; state may be an array
# (the contract) or a "\n"-joined string; flaky prints "true" or "false".
planted_report_fields() {
  local f=$1
  case $(planted_json_tool) in
    jq)
      jq -r '[
          (.type // "" | tostring),
          (.access // "" | tostring),
          (.state | if type == "array" then (.[0] // "")
                    elif type == "string" then (split("\n")[0])
                    else "" end | tostring),
          (.severity // "" | tostring),
          (.count // "" | tostring),
          (if .flaky == true or .flaky == 1 or .flaky == "true" then "true"
           else "false" end)
        ] | join("\u001f")' "$f" 2>/dev/null
      ;;
    python3)
      python3 - "$f" <<'EOF' 2>/dev/null
import json, sys
r = json.load(open(sys.argv[1]))
def s(v):
    return "" if v is None else str(v)
st = r.get("state")
if isinstance(st, list):
    first = st[0] if st else ""
elif isinstance(st, str):
    first = st.split("\n")[0]
else:
    first = ""
fl = r.get("flaky")
print("\x1f".join([s(r.get("type")), s(r.get("access")), s(first),
                   s(r.get("severity")), s(r.get("count")),
                   "true" if fl in (True, 1, "true") else "false"]))
EOF
      ;;
    *) return 1 ;;
  esac
}

# planted_json_get FILE PATH prints the value at the dotted PATH
# ("finding.validator") of a JSON file: booleans as true/false, null or
# missing as "".
planted_json_get() {
  local f=$1 p=$2
  case $(planted_json_tool) in
    jq)
      jq -r --arg p "$p" \
        'getpath($p | split(".")) as $v
         | if $v == null then "" else ($v | tostring) end' "$f" 2>/dev/null
      ;;
    python3)
      python3 - "$f" "$p" <<'EOF' 2>/dev/null
import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    v = v.get(k) if isinstance(v, dict) else None
print("" if v is None else ("true" if v is True else "false" if v is False else v))
EOF
      ;;
    *) return 1 ;;
  esac
}

# planted_split_type "Heap-buffer-overflow READ" prints the type and the
# access (READ/WRITE or ""), PLANTED_SEP-separated.
planted_split_type() {
  local t=$1
  case $t in
    *" READ") printf '%s%s%s\n' "${t% READ}" "$PLANTED_SEP" READ ;;
    *" WRITE") printf '%s%s%s\n' "${t% WRITE}" "$PLANTED_SEP" WRITE ;;
    *) printf '%s%s\n' "$t" "$PLANTED_SEP" ;;
  esac
}

# planted_norm_severity S prints S with "", "null", "none", "missing" and
# "N/A" all as None (a report may leave the severity of a non-security crash
# empty, as ClusterFuzz does) and the others capitalised.
planted_norm_severity() {
  local s=${1,,}
  case $s in
    ""|null|none|missing|n/a|-) echo None ;;
    *) echo "${s^}" ;;
  esac
}

# planted_expected FILE prints expected.tsv without its comments and blank
# lines.
planted_expected() {
  grep -v -e '^#' -e '^[[:space:]]*$' "$1"
}

# planted_expects FILE TARGET TYPE succeeds when expected.tsv FILE plants a
# bug of TYPE (the type column, e.g. "Timeout") in TARGET.
planted_expects() {
  planted_expected "$1" | awk -F'\t' -v t="$2" -v ty="$3" \
    '$1 == t && $2 == ty { found = 1 } END { exit !found }'
}

# planted_no_repro OUTDIR TARGET LOG prints how many inputs of TARGET
# triage could not reproduce, or nothing when it cannot tell. It looks, in
# order, for OUTDIR/TARGET/no-repro/ (a directory of inputs), a field
# no_repro / no-repro / norepro (a number or a list) in
# OUTDIR/TARGET/summary.json or OUTDIR/summary.json, and a "no-repro: N"
# style count in triage's output LOG.
planted_no_repro() {
  local out=$1 t=$2 log=$3 f k v
  if [[ -d $out/$t/no-repro ]]; then
    find "$out/$t/no-repro" -type f ! -name '.*' ! -name '*.json' ! -name '*.txt' | wc -l
    return 0
  fi
  for f in "$out/$t/summary.json" "$out/summary.json"; do
    [[ -f $f ]] || continue
    for k in no_repro no-repro norepro; do
      v=$(planted_json_get "$f" "$k")
      if [[ $v =~ ^[0-9]+$ ]]; then echo "$v"; return 0; fi
      if [[ $v == \[* ]]; then
        case $(planted_json_tool) in
          jq) jq -r --arg k "$k" '.[$k] | length' "$f"; return 0 ;;
          python3) python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))[sys.argv[2]]))' "$f" "$k"; return 0 ;;
        esac
      fi
    done
  done
  if [[ -f $log ]]; then
    v=$(grep -oiE 'no[-_ ]?repro[a-z]*[^0-9]{0,20}[0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+$')
    [[ -n $v ]] && echo "$v"
  fi
  return 0
}
