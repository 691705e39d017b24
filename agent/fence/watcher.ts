// The fence watcher: one small POSIX shell loop per host (not per VM: a shell
// and its `sleep` cost ~3.5 MB together, which a host with hundreds of process
// VMs should pay once). It runs detached in its own session, so it outlives the
// agent (kill -9, crash) and a systemd restart (KillMode=process), and it needs
// nothing of the agent: every check is shell builtins reading files.
//
// Layout of the fence dir (<data-dir>/fence):
//   lease        "<expiry uptime-cs> <check every s> <grace in 0.1 s>", renewed by the agent
//   vms/<id>     "<pid> <start time> <term|kill>": the root of one guarded VM's process tree
//   fenced/<id>  written by the watcher when it stopped that VM (read by the agent on return)
//   watcher.json the watcher the agent started (pid + start time), to re-adopt it
//
// When the lease has expired the watcher stops every guarded VM whose pid still
// has the recorded start time (a reused pid is never touched): SIGTERM to the
// tree (QEMU quits cleanly on it) and SIGCONT (a suspended guest must see it),
// then, after the grace, SIGSTOP the tree top-down (nothing forks away) and
// SIGKILL it; then it exits. The agent starts a new watcher when it returns.
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';

export const WATCHER_NAME = 'nephele-fence';

export const WATCHER_SCRIPT = `
d=$1
same() {
  s=
  read -r s < "/proc/$1/stat" || return 1
  w=$2
  set -- \${s##*") "}
  [ "$1" != Z ] && [ "$1" != X ] && [ "\${20}" = "$w" ]
}
term() {
  local k kids
  kids=
  read -r kids < "/proc/$1/task/$1/children"
  kill -s TERM "$1"
  kill -s CONT "$1"
  for k in $kids; do term "$k"; done
}
freeze() {
  local k kids
  kill -s STOP "$1"
  frozen="$frozen $1"
  kids=
  read -r kids < "/proc/$1/task/$1/children"
  for k in $kids; do freeze "$k"; done
}
each() {
  for f in "$d"/vms/*; do
    [ -f "$f" ] || continue
    pid= start= how=
    read -r pid start how < "$f"
    case $pid in ''|*[!0-9]*) continue ;; esac
    same "$pid" "$start" || continue
    "$@"
  done
}
mark() { printf '%s\\n' "$now" > "$d/fenced/\${f##*/}"; n=$((n + 1)); }
soft() { mark; if [ "$how" = kill ]; then frozen=; freeze "$pid"; kill -s KILL $frozen; else term "$pid"; fi; }
left() { any=1; }
hard() { frozen=; freeze "$pid"; kill -s KILL $frozen; }
while :; do
  exp= iv= gr=
  read -r exp iv gr < "$d/lease"
  case $exp in ''|*[!0-9]*) exp=0 ;; esac
  case $iv in ''|*[!0-9.]*) iv=1 ;; esac
  case $gr in ''|*[!0-9]*) gr=50 ;; esac
  up=
  read -r up rest < /proc/uptime
  now=\${up%.*}\${up#*.}
  if [ "$now" -ge "$exp" ]; then
    n=0
    each soft
    t=0
    while [ "$t" -lt "$gr" ]; do
      any=
      each left
      [ -n "$any" ] || break
      sleep 0.1
      t=$((t + 1))
    done
    each hard
    printf 'lease expired at uptime %s (expiry %s): fenced %s vm(s)\\n' "$up" "$exp" "$n" >> "$d/watcher.log"
    exit 0
  fi
  sleep "$iv"
done
`;

/** Changes with the script: an agent upgrade replaces a watcher running an older one. */
export const WATCHER_VERSION = createHash('sha256').update(WATCHER_SCRIPT).digest('hex').slice(0, 12);

/**
 * Starts a watcher for `dir`. Its command line holds the fence dir (under the
 * agent's data dir) but no VM id, so it is never mistaken for a guest.
 */
export function spawnWatcher(dir: string): number {
  const child = spawn('/bin/sh', ['-c', WATCHER_SCRIPT, WATCHER_NAME, dir, WATCHER_VERSION], {
    detached: true,
    // Its own messages are rare (missing /proc entries of guests that just ended): dropped.
    stdio: 'ignore',
    cwd: '/',
    env: { PATH: process.env.PATH || '/usr/local/bin:/usr/bin:/bin', LC_ALL: 'C' },
  });
  child.on('error', () => {});
  child.unref();
  return child.pid ?? 0;
}
