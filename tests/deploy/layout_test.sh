#!/usr/bin/env bash
# The README's layout table lists every folder of src/ and every folder of include/ebworker/,
# and docs/architecture.md's folder table lists every folder of src/: a folder added without a
# line saying what it holds fails here. Checks itself first on a planted omission.
#   layout_test.sh SOURCE_DIR
set -euo pipefail
root=$1

# missing ROOT DOC: prints each src/ and include/ebworker/ folder the DOC's tables leave out.
missing() {
  local dir name
  for dir in "$1"/src/*/ "$1"/include/ebworker/*/; do
    [ -d "$dir" ] || continue
    name=${dir#"$1"/}
    name=${name%/}
    # A header folder may be written whole or from include/ebworker/ on.
    case $name in include/*) name="($name|${name#include/ebworker/})/" ;; esac
    grep -qE "\`$name" "$2" || echo "${name//[()]/}"
  done
}

# The check must see a folder nobody wrote down.
planted=$(mktemp -d)
trap 'rm -rf "$planted"' EXIT
mkdir -p "$planted/src/listed" "$planted/src/forgotten" "$planted/include/ebworker/worker"
printf '| `src/listed` | x |\n| `worker/` | y |\n' >"$planted/README.md"
[ "$(missing "$planted" "$planted/README.md")" = "src/forgotten" ] ||
  { echo "layout check does not find a planted unlisted folder" >&2; exit 1; }

status=0
for doc in README.md docs/architecture.md; do
  gaps=$(missing "$root" "$root/$doc")
  if [ -n "$gaps" ]; then
    echo "$doc does not list: $(tr '\n' ' ' <<<"$gaps")" >&2
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "README.md and docs/architecture.md list every folder of src/ and include/ebworker/"
exit "$status"
