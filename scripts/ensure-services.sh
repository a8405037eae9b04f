#!/usr/bin/env bash
# Makes sure what the tests talk to is there: a Redis answering on
# 127.0.0.1:6379 (started, and installed from Debian's packages, when
# missing) and kcat, the librdkafka client the contract tests read topics
# with, and Chromium, which the console's browser test drives. Safe to
# run again and again.
set -euo pipefail

REDIS_HOST=127.0.0.1
REDIS_PORT=${NEWSWIRE_TEST_REDIS_PORT:-6379}

say() { printf 'ensure-services: %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "need root to run: $*"; return 1; fi
}

apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

redis_answers() {
  # No redis-cli needed: speak RESP over bash's /dev/tcp.
  { exec 3<>"/dev/tcp/$REDIS_HOST/$REDIS_PORT"; } 2>/dev/null || return 1
  printf 'PING\r\n' >&3
  local reply
  IFS= read -r -t 2 reply <&3 || { exec 3>&-; return 1; }
  exec 3>&-
  [[ "$reply" == +PONG* ]]
}

if redis_answers; then
  say "redis answers on $REDIS_HOST:$REDIS_PORT"
else
  if ! command -v redis-server >/dev/null; then
    say "installing redis-server (Debian package)"
    apt_install redis-server
  fi
  say "starting redis-server on $REDIS_HOST:$REDIS_PORT"
  redis-server --daemonize yes --bind "$REDIS_HOST" --port "$REDIS_PORT" \
    --save "" --appendonly no --dir /tmp --logfile /tmp/newswire-redis.log
  for _ in $(seq 1 50); do redis_answers && break; sleep 0.1; done
  redis_answers || { say "redis-server did not start; see /tmp/newswire-redis.log"; exit 1; }
fi

if ! command -v kcat >/dev/null; then
  say "installing kcat (Debian package)"
  apt_install kcat
fi

# The console's browser test drives a headless Chromium.
if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then
  say "installing chromium (Debian package), for the console's browser test"
  apt_install chromium
fi
