# Shared helpers of the command's shell tests: source it after setting
# `docket` and `src`. Each command's stdout and stderr land in $out and $err.
#
#   expect STATUS CMD...    run CMD, fail unless it exits with STATUS
#   contains FILE TEXT      fail unless FILE holds TEXT (fixed string)
#   lacks FILE TEXT         fail if FILE holds TEXT
#   finish                  exit 1 if anything failed
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
failures=0

fail() {
  echo "FAIL: $*" >&2
  echo "--- stdout:" >&2; cat "$out" >&2
  echo "--- stderr:" >&2; cat "$err" >&2
  failures=$((failures + 1))
}
expect() {
  local want=$1; shift
  "$@" > "$out" 2> "$err"
  local got=$?
  [[ $got == "$want" ]] || fail "expected exit $want, got $got: $*"
}
contains() { grep -qF -- "$2" "$1" || fail "'$2' not in $1 output"; }
lacks() { ! grep -qF -- "$2" "$1" || fail "'$2' unexpectedly in $1 output"; }
finish() { exit $((failures > 0)); }
