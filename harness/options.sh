# harness/options.sh — sourced by harness/fuzz.sh and the tests that run
# libFuzzer themselves: a target's .options file (targets/TEMPLATE.options,
# OSS-Fuzz's format) read the way make fuzz reads it.
#
# cf_libfuzzer_options FILE prints one -key=value flag per line of FILE's
# [libfuzzer] section (nothing when FILE does not exist).
cf_libfuzzer_options() {
  [[ -f $1 ]] || return 0
  awk '/^\[/ { sec = $0; next }
       sec == "[libfuzzer]" && /=/ {
         gsub(/[ \t]/, ""); split($0, kv, "="); printf "-%s=%s\n", kv[1], kv[2] }' "$1"
}
