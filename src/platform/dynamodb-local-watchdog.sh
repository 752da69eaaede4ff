#!/bin/sh
# Runs `java "$@"` and stops it when this script's stdin reaches end of file. The parent holds the
# write end of that pipe, so java ends with its parent even when the parent dies by SIGKILL.
set -u
exec 3<&0
java "$@" </dev/null 3<&- &
java_pid=$!
(
  # `read` is a builtin: no extra process, and it returns once the pipe is closed.
  while read -r _ <&3; do :; done
  kill "$java_pid" 2>/dev/null || exit 0
  # Give the JVM 5 s to shut down, in short naps so no sleep outlives this subshell by much.
  i=0
  while [ "$i" -lt 50 ] && kill -0 "$java_pid" 2>/dev/null; do
    sleep 0.1
    i=$((i + 1))
  done
  kill -9 "$java_pid" 2>/dev/null
) </dev/null >/dev/null 2>&1 &
watch_pid=$!
exec 3<&-
wait "$java_pid"
status=$?
kill "$watch_pid" 2>/dev/null
exit "$status"
