# shellcheck shell=bash
# Finds the processes a command left behind. Sourced by .ci/run and
# .ci/leftovers. A process is the run's when it was not there before the run
# (pid and start time) and it carries the run's marker: NEPHELE_RUN_MARK in its
# environment (agents, controllers, QEMU and everything else that inherits it),
# or the run's TMPDIR in its command line or environment (sandboxed appliances
# and tasks get a clean environment, but their VM dir is under that TMPDIR).
# A leftover wrapper (`unshare`) is listed too; zombies are not (nothing runs).

# Prints "pid:starttime" for every live process.
procs_snapshot() {
  local d stat; local -a f
  for d in /proc/[0-9]*; do
    stat=$(cat "$d/stat" 2>/dev/null) || continue
    # Fields after the command name (which may hold spaces): state is 3rd, starttime 22nd.
    stat=${stat##*) }
    read -r -a f <<<"$stat"
    echo "${d#/proc/}:${f[19]}"
  done
}

# procs_leftovers SNAPSHOT MARK TMP: prints the pids of the run's live
# processes: those with the run's marks, and the new processes below them.
procs_leftovers() {
  local snap=$1 mark=$2 tmp=$3 d pid stat env cmd line grew
  local -a f
  local -A before=() ours=() parent=()
  while read -r line; do before[$line]=1; done <"$snap"
  for d in /proc/[0-9]*; do
    pid=${d#/proc/}
    ((pid == $$ || pid == BASHPID)) && continue
    { read -r stat <"$d/stat"; } 2>/dev/null || continue
    stat=${stat##*) }
    read -r -a f <<<"$stat"
    [[ ${f[0]} == Z || -n ${before[$pid:${f[19]}]:-} ]] && continue
    parent[$pid]=${f[1]}
    env=$({ tr '\0' '\n' <"$d/environ"; } 2>/dev/null)
    cmd=$({ tr '\0' ' ' <"$d/cmdline"; } 2>/dev/null)
    if grep -qxF "NEPHELE_RUN_MARK=$mark" <<<"$env" || [[ $cmd == *"$tmp/"* ]] || grep -qF "$tmp/" <<<"$env"; then
      ours[$pid]=1
    fi
  done
  # A workload in a sandbox gets a clean environment: it is ours by descent.
  grew=1
  while ((grew)); do
    grew=0
    for pid in "${!parent[@]}"; do
      if [[ -z ${ours[$pid]:-} && -n ${ours[${parent[$pid]}]:-} ]]; then
        ours[$pid]=1
        grew=1
      fi
    done
  done
  for pid in "${!ours[@]}"; do echo "$pid"; done | sort -n
}

# procs_describe PID...: "pid ppid command" lines.
procs_describe() {
  local pid stat; local -a f
  for pid in "$@"; do
    { read -r stat <"/proc/$pid/stat"; } 2>/dev/null || continue
    stat=${stat##*) }
    read -r -a f <<<"$stat"
    printf '  pid %-7s ppid %-7s %s\n' "$pid" "${f[1]}" "$({ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | cut -c1-300)"
  done
}

# procs_check SNAPSHOT MARK TMP: waits up to PROCS_GRACE seconds (default 10)
# for the run's processes to exit; then lists and SIGKILLs the rest (a
# namespace's init takes its namespace along) and fails.
procs_check() {
  local snap=$1 mark=$2 tmp=$3 left i
  for ((i = 0; i < ${PROCS_GRACE:-10} * 4; i++)); do
    left=$(procs_leftovers "$snap" "$mark" "$tmp")
    [[ -z $left ]] && return 0
    sleep 0.25
  done
  # shellcheck disable=SC2086 # one pid a word
  {
    echo "processes started by the run outlived it:"
    procs_describe $left
  } >&2
  # shellcheck disable=SC2086
  kill -KILL $left 2>/dev/null
  return 1
}
