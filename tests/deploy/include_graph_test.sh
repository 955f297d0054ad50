#!/usr/bin/env bash
# The library's folders (src/*/ and middleware/) include each other without a cycle: a file in
# folder A that includes "B/..." is an edge A -> B, and no chain of edges leads back to where it
# started. A cycle means neither folder can be understood, tested or split off without the other.
# On a cycle it names the folders in order and, for each edge, one include that makes it.
# Before the repository it checks itself on a small planted cycle, so a broken scan cannot pass.
#   include_graph_test.sh SOURCE_DIR
set -euo pipefail
src=$1

# check_tree ROOT: 0 when the folder graph under ROOT has no cycle; 1 and the cycle on stdout
# when it has one.
check_tree() {
  local root=$1
  local -A folders=() edges=() example=() state=()
  local dir line target from to

  for dir in "$root"/src/*/ "$root"/middleware/; do
    [ -d "$dir" ] && folders[$(basename "$dir")]=1
  done

  # edges[A]="B C ...", example["A B"]="path:line: #include ..."
  for dir in "$root"/src/*/ "$root"/middleware/; do
    [ -d "$dir" ] || continue
    from=$(basename "$dir")
    while IFS= read -r line; do
      target=$(sed -E 's/^[^:]*:[0-9]+:[[:space:]]*#[[:space:]]*include[[:space:]]+"([^/"]+)\/.*/\1/' <<<"$line")
      [ "$target" != "$from" ] && [ -n "${folders[$target]:-}" ] || continue
      if [ -z "${example["$from $target"]:-}" ]; then
        example["$from $target"]=${line#"$root"/}
        edges[$from]="${edges[$from]:-} $target"
      fi
    done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]+"[^/"]+/' "$dir" \
               --include='*.h' --include='*.cc' | sort || true)
  done

  # Depth-first search: state 1 = on the current path, 2 = done. A 1 reached again is a cycle.
  local -a path=()
  local cycle=""
  visit() {
    local node=$1 next i
    state[$node]=1
    path+=("$node")
    for next in ${edges[$node]:-}; do
      if [ "${state[$next]:-0}" = 1 ]; then
        for i in "${!path[@]}"; do
          [ "${path[$i]}" = "$next" ] && cycle="${path[*]:$i} $next" && break
        done
        return 0
      fi
      if [ "${state[$next]:-0}" = 0 ]; then
        visit "$next"
        [ -n "$cycle" ] && return 0
      fi
    done
    state[$node]=2
    unset 'path[${#path[@]}-1]'
  }
  local node
  for node in $(printf '%s\n' "${!folders[@]}" | sort); do
    [ "${state[$node]:-0}" = 0 ] && visit "$node"
    [ -n "$cycle" ] && break
  done

  [ -z "$cycle" ] && return 0
  echo "folder include cycle: ${cycle// / -> }"
  local -a hops=($cycle)
  for ((i = 0; i + 1 < ${#hops[@]}; i++)); do
    echo "  ${hops[$i]} -> ${hops[$i+1]}: ${example["${hops[$i]} ${hops[$i+1]}"]}"
  done
  return 1
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src/alpha" "$tmp/src/beta" "$tmp/src/gamma"
echo '#include "beta/b.h"' >"$tmp/src/alpha/a.cc"
echo '#include "gamma/c.h"' >"$tmp/src/beta/b.h"
echo '#include "alpha/a.h"' >"$tmp/src/gamma/c.h"
if planted=$(check_tree "$tmp"); then
  echo "FAIL: the planted cycle alpha -> beta -> gamma -> alpha was not found" >&2
  exit 1
fi
grep -q 'alpha -> beta -> gamma -> alpha' <<<"$planted" || {
  echo "FAIL: the planted cycle was reported as: $planted" >&2
  exit 1
}

if ! check_tree "$src"; then
  exit 1
fi
echo "no folder include cycle in src/*/ and middleware/"
