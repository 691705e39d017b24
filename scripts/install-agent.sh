#!/usr/bin/env bash
# Installs the Nephele agent as a systemd service.
#
# Renders the unit file, the environment file (which holds the join token) and
# the data directory. On a real install (--root is "/", the default) it also
# creates the service user and enables and starts the service; with any other
# --root it only renders the files under that directory (for images, packaging
# and tests) and touches nothing on the running system.
#
# Running it twice with the same arguments produces the same files.
set -euo pipefail

PROG=$(basename "$0")
UNIT_NAME=nephele-agent.service

usage() {
  cat <<EOF
Usage: $PROG --controller ADDR --join-token TOKEN [options]

Installs the Nephele agent as the systemd service $UNIT_NAME.

Required:
  --controller ADDR      controller address, host:port (IPv6 as [addr]:port)
  --join-token TOKEN     join token from \`nephele token create --join\`
                         (letters, digits and . _ ~ -)

Options:
  --kind KIND            dedicated (default) or adhoc
  --label K=V            host label for set constraints (repeatable); key
                         [a-z0-9][a-z0-9._/-]*, value without commas or spaces
  --offer-guarantees     ad-hoc host: accept guaranteed (not only best-effort) work
  --name NAME            host name to register (default: the agent picks one);
                         lowercase letters, digits and dashes
  --data-dir DIR         agent state directory (default: /var/lib/nephele-agent)
  --user USER            user the agent runs as (default: nephele); created with
                         useradd --system if missing and added to group kvm
  --prefix DIR           where Nephele is installed, i.e. DIR/dist/agent/main.js
                         (default: /opt/nephele)
  --root DIR             render the files under DIR instead of /, and do not
                         create users or call systemctl (default: /). DIR is
                         resolved (symlinks, . and ..); one that resolves to /
                         is refused unless --system is given too
  --system               with --root: allow it to resolve to /, i.e. a real
                         install (the same as leaving --root out)
  --no-start             install and enable nothing at runtime: do not run
                         systemctl daemon-reload / enable / start
  --libvirt              also offer the libvirt scheme through the host's
                         libvirtd (qemu:///system, NEPHELE_LIBVIRT_URI): needs
                         Debian's libvirt-daemon-system, libvirt-daemon-driver-qemu
                         and libvirt-clients. The unit then wants libvirtd and
                         virtlogd (libvirt 9's monolithic daemon: without
                         virtlogd \`virsh start\` fails); a real install enables
                         both and adds USER to group libvirt (the socket's group)
  -h, --help             show this help

Files written (under --root):
  /etc/systemd/system/$UNIT_NAME
  /etc/nephele/agent.env            (mode 0600; holds the join token)
  DATA_DIR                          (mode 0700)

Exit status: 0 on success, 2 on bad usage, 1 on any other failure.
EOF
}

die_usage() {
  echo "$PROG: $* (see $PROG --help)" >&2
  exit 2
}

die() {
  echo "$PROG: error: $*" >&2
  exit 1
}

warn() {
  echo "$PROG: warning: $*" >&2
}

# ---------------------------------------------------------------- arguments

CONTROLLER=""
CONTROLLER_SET=0
JOIN_TOKEN=""
JOIN_TOKEN_SET=0
KIND="dedicated"
ROOT="/"
ROOT_SET=0
SYSTEM=0
DATA_DIR="/var/lib/nephele-agent"
NAME=""
SVC_USER="nephele"
PREFIX="/opt/nephele"
START=1
LABELS=""
GUARANTEES=0
LIBVIRT=0

while (($# > 0)); do
  arg=$1
  shift
  # Accept both "--flag value" and "--flag=value".
  inline=0
  if [[ $arg == --*=* ]]; then
    value=${arg#*=}
    arg=${arg%%=*}
    inline=1
  fi
  case $arg in
    -h | --help)
      usage
      exit 0
      ;;
    --no-start)
      ((inline == 0)) || die_usage "$arg takes no value"
      START=0
      continue
      ;;
    --offer-guarantees)
      ((inline == 0)) || die_usage "$arg takes no value"
      GUARANTEES=1
      continue
      ;;
    --system)
      ((inline == 0)) || die_usage "$arg takes no value"
      SYSTEM=1
      continue
      ;;
    --libvirt)
      ((inline == 0)) || die_usage "$arg takes no value"
      LIBVIRT=1
      continue
      ;;
    --controller | --join-token | --kind | --label | --root | --data-dir | --name | --user | --prefix)
      if ((inline == 0)); then
        # A missing value must not silently swallow the next flag.
        if (($# == 0)) || [[ $1 == --* ]]; then die_usage "$arg needs a value"; fi
        value=$1
        shift
      fi
      ;;
    *)
      die_usage "unknown argument: $arg"
      ;;
  esac
  case $arg in
    --controller) CONTROLLER=$value; CONTROLLER_SET=1 ;;
    --join-token) JOIN_TOKEN=$value; JOIN_TOKEN_SET=1 ;;
    --kind) KIND=$value ;;
    --label)
      [[ $value =~ ^[a-z0-9][a-z0-9._/-]{0,62}=[A-Za-z0-9._:/@+-]{0,63}$ ]] || die_usage "--label must be key=value (key [a-z0-9][a-z0-9._/-]*, value without commas or spaces), got '$value'"
      LABELS+=${LABELS:+,}$value
      ;;
    --root) ROOT=$value; ROOT_SET=1 ;;
    --data-dir) DATA_DIR=$value ;;
    --name) NAME=$value ;;
    --user) SVC_USER=$value ;;
    --prefix) PREFIX=$value ;;
  esac
done

((CONTROLLER_SET)) || die_usage "--controller is required (host:port)"
[[ -n $CONTROLLER ]] || die_usage "--controller must not be empty (expected host:port)"
# host:port, where host is a DNS name, an IPv4 address or a bracketed IPv6 address.
if [[ $CONTROLLER =~ ^([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]):([0-9]{1,5})$ ]]; then
  port=${BASH_REMATCH[3]}
  ((10#$port >= 1 && 10#$port <= 65535)) || die_usage "--controller port must be 1-65535, got '$port'"
else
  die_usage "--controller must be host:port (e.g. controller.example:7443), got '$CONTROLLER'"
fi

((JOIN_TOKEN_SET)) || die_usage "--join-token is required"
[[ -n $JOIN_TOKEN ]] || die_usage "--join-token must not be empty"
[[ $JOIN_TOKEN =~ ^[A-Za-z0-9._~-]+$ ]] ||
  die_usage "--join-token may hold only letters, digits and . _ ~ - (got a value with other characters)"

case $KIND in
  dedicated | adhoc) ;;
  *) die_usage "--kind must be 'dedicated' or 'adhoc', got '$KIND'" ;;
esac

if [[ -n $NAME ]] && ! [[ $NAME =~ ^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$ ]]; then
  die_usage "--name must be lowercase letters, digits and dashes, at most 63 characters, got '$NAME'"
fi

# Paths end up in the unit file, where spaces, '%' and '$' have meanings of
# their own; keep them to a safe character set instead of escaping.
check_path() { # flag value
  [[ $2 =~ ^/[A-Za-z0-9._/+-]*$ ]] || die_usage "$1 must be an absolute path of letters, digits and . _ / + -, got '$2'"
  [[ /$2/ != */../* && /$2/ != */./* ]] || die_usage "$1 must not contain . or .. components, got '$2'"
}
check_path --data-dir "$DATA_DIR"
check_path --prefix "$PREFIX"
if [[ $DATA_DIR =~ ^/+$ ]]; then die_usage "--data-dir must not be /"; fi
# Normalise: squeeze repeated slashes, drop a trailing one.
DATA_DIR=$(printf '%s' "$DATA_DIR" | tr -s /)
DATA_DIR=${DATA_DIR%/}
PREFIX=$(printf '%s' "$PREFIX" | tr -s /)
[[ $PREFIX == / ]] || PREFIX=${PREFIX%/}

[[ $SVC_USER =~ ^[a-z_][a-z0-9_-]{0,31}$ ]] ||
  die_usage "--user must be a valid user name (lowercase letters, digits, _ and -), got '$SVC_USER'"

[[ -n $ROOT ]] || die_usage "--root must not be empty"
# Canonical form (relative to PWD, symlinks, . and .. resolved): "/./", "//",
# "/tmp/.." or a link to / are the running system, not a render directory.
ROOT=$(realpath -m -- "$ROOT") || die_usage "--root cannot be resolved, got '$ROOT'"
if [[ $ROOT == / ]] && ((ROOT_SET)) && ((SYSTEM == 0)); then
  die_usage "--root resolves to / (the running system): leave --root out, or add --system, for a real install"
fi
# R is prepended to every target path: "" for a real install.
R=${ROOT%/}
if [[ -z $R ]]; then REAL=1; else REAL=0; fi
# Rendering must stay under the root: no symlink inside it may lead elsewhere.
if ((REAL == 0)); then
  for sub in /etc/systemd/system /etc/nephele "$DATA_DIR"; do
    dest=$(realpath -m -- "$R$sub")
    [[ $dest == "$R"/* ]] || die "--root: $R$sub resolves to $dest, outside the root (a symbolic link?)"
  done
fi

# ---------------------------------------------------------------- preflight

if ((REAL)); then
  ((EUID == 0)) || die "a real install must run as root (or pass --root DIR to only render the files)"
  if ((START)) && [[ ! -d /run/systemd/system ]]; then
    die "systemd is not running on this machine; rerun with --no-start to only install the files"
  fi
  [[ -f $PREFIX/dist/agent/main.js ]] ||
    warn "$PREFIX/dist/agent/main.js does not exist yet; the service will fail until Nephele is installed and built there (see --prefix)"
  # systemd starts the service with a minimal PATH; node must be on it for /usr/bin/env node.
  if ! PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin command -v node >/dev/null 2>&1; then
    warn "node is not on systemd's default PATH (/usr/local/bin:/usr/bin:/bin); the service will not start until it is"
  fi
fi

# ---------------------------------------------------------------- rendering

CHANGED=0
RENDERED=()

# write_file TARGET MODE CONTENT: atomically replaces TARGET when its content or
# mode differs. The temp file is created with a private umask so a secret is
# never readable by others, not even briefly.
write_file() {
  local target=$1 mode=$2 content=$3 dir tmp
  dir=$(dirname "$target")
  mkdir -p "$dir"
  if [[ -f $target ]] && [[ "$(cat "$target"; printf x)" == "${content}x" ]]; then
    if [[ $(stat -c %a "$target") != "${mode#0}" ]]; then
      chmod "$mode" "$target"
      CHANGED=1
    fi
  else
    tmp=$(umask 077 && mktemp "$dir/.${target##*/}.XXXXXX")
    printf '%s' "$content" >"$tmp"
    chmod "$mode" "$tmp"
    mv -f "$tmp" "$target"
    CHANGED=1
  fi
  RENDERED+=("$target")
}

# libvirt VMs are libvirtd's processes (they outlive the agent by construction); the agent needs the daemon up.
LIBVIRT_DEPS=""
((LIBVIRT == 0)) || LIBVIRT_DEPS=$'\nWants=libvirtd.service virtlogd.service\nAfter=libvirtd.service virtlogd.service'
UNIT=$(
  cat <<EOF
# Installed by scripts/install-agent.sh; rerun it rather than editing this file.
[Unit]
Description=Nephele agent
Documentation=file:$PREFIX/README.md
After=network-online.target
Wants=network-online.target$LIBVIRT_DEPS
# Never stop retrying: an agent that gave up would strand the host's VMs.
StartLimitIntervalSec=0

[Service]
Type=simple
User=$SVC_USER
# Read by systemd itself (as root) before dropping privileges, so the file can
# stay root-only (0600). It holds NEPHELE_CONTROLLER, NEPHELE_JOIN_TOKEN,
# NEPHELE_KIND, NEPHELE_DATA_DIR and optionally NEPHELE_NAME.
EnvironmentFile=/etc/nephele/agent.env
# The agent reads NEPHELE_JOIN_TOKEN and NEPHELE_NAME from its environment, so
# the token never appears on a command line (visible to every user in ps).
ExecStart=/usr/bin/env node $PREFIX/dist/agent/main.js --controller \${NEPHELE_CONTROLLER} --data-dir \${NEPHELE_DATA_DIR} --kind \${NEPHELE_KIND}
Restart=always
RestartSec=2
LimitNOFILE=65536
# The agent spawns the QEMU processes of this host's VMs. KillMode=process
# stops/restarts only the agent's main process, so the VMs keep running across
# an agent restart or upgrade, and the new agent re-adopts them from its data
# directory. (control-group or mixed would kill every VM on each restart.)
KillMode=process
# \`systemctl stop\` (and a host shutdown) stops the VMs too: ExecStop sends the
# agent SIGUSR2, it stops each VM (gracefully, killed after a grace) and exits,
# and ExecStop waits for that. A restart keeps them: during \`systemctl restart\`
# (or an upgrade) the job is a restart, and after a crash there is no MAINPID.
# When the job cannot be read, the VMs are kept (the safe side).
ExecStop=/bin/sh -c 'pid=\$\$MAINPID; [ -n "\$\$pid" ] || exit 0; jobs=\$\$(systemctl list-jobs --no-legend --plain $UNIT_NAME 2>/dev/null) || exit 0; case "\$\$jobs" in *restart*) exit 0 ;; esac; kill -USR2 "\$\$pid" 2>/dev/null || exit 0; tail --pid="\$\$pid" -f /dev/null'
TimeoutStopSec=120
# Hardening that leaves KVM working: no PrivateDevices= (it hides /dev/kvm and
# /dev/net/tun) and no syscall or address-family filters (QEMU needs them).
NoNewPrivileges=yes
ProtectSystem=full
ProtectHome=read-only
ReadWritePaths=$DATA_DIR

[Install]
WantedBy=multi-user.target
EOF
)
UNIT+=$'\n'

ENV_CONTENT="NEPHELE_CONTROLLER=$CONTROLLER
NEPHELE_JOIN_TOKEN=$JOIN_TOKEN
NEPHELE_KIND=$KIND
NEPHELE_DATA_DIR=$DATA_DIR
"
[[ -z $NAME ]] || ENV_CONTENT+="NEPHELE_NAME=$NAME
"
[[ -z $LABELS ]] || ENV_CONTENT+="NEPHELE_LABELS=$LABELS
"
((GUARANTEES == 0)) || ENV_CONTENT+="NEPHELE_OFFER_GUARANTEES=1
"
((LIBVIRT == 0)) || ENV_CONTENT+="NEPHELE_LIBVIRT_URI=qemu:///system
"

write_file "$R/etc/systemd/system/$UNIT_NAME" 0644 "$UNIT"
write_file "$R/etc/nephele/agent.env" 0600 "$ENV_CONTENT"

if [[ ! -d $R$DATA_DIR ]]; then
  mkdir -p "$R$DATA_DIR"
  CHANGED=1
fi
if [[ $(stat -c %a "$R$DATA_DIR") != 700 ]]; then
  chmod 0700 "$R$DATA_DIR"
  CHANGED=1
fi

# ---------------------------------------------------------------- system setup

if ((REAL)); then
  if [[ $SVC_USER != root ]]; then
    if ! getent passwd "$SVC_USER" >/dev/null; then
      useradd --system --home-dir "$DATA_DIR" --no-create-home --shell /usr/sbin/nologin \
        --comment "Nephele agent" "$SVC_USER"
      echo "created system user $SVC_USER"
      CHANGED=1
    fi
    # /dev/kvm is group kvm on Debian and most distributions.
    if getent group kvm >/dev/null; then
      if ! id -nG "$SVC_USER" | tr ' ' '\n' | grep -qx kvm; then
        usermod -a -G kvm "$SVC_USER"
        CHANGED=1
      fi
    else
      warn "group kvm does not exist; make sure $SVC_USER can open /dev/kvm"
    fi
  fi
  chown -R "$SVC_USER:" "$DATA_DIR"
  if ((LIBVIRT)); then
    if ! command -v libvirtd >/dev/null || ! command -v virsh >/dev/null; then
      warn "libvirtd or virsh not found: apt-get install libvirt-daemon-system libvirt-daemon-driver-qemu libvirt-clients"
    fi
    # Debian's libvirtd socket is group libvirt (0770); the agent reaches it as a member.
    if [[ $SVC_USER != root ]] && getent group libvirt >/dev/null &&
      ! id -nG "$SVC_USER" | tr ' ' '\n' | grep -qx libvirt; then
      usermod -a -G libvirt "$SVC_USER"
      CHANGED=1
    fi
    ((START == 0)) || systemctl enable --now virtlogd.service libvirtd.service
  fi

  if ((START)); then
    systemctl daemon-reload
    systemctl enable "$UNIT_NAME"
    if ((CHANGED)) && systemctl is-active --quiet "$UNIT_NAME"; then
      # Pick up the new configuration. KillMode=process keeps the VMs running.
      systemctl restart "$UNIT_NAME"
    else
      systemctl start "$UNIT_NAME"
    fi
    echo "installed and started $UNIT_NAME (journalctl -u $UNIT_NAME -f to follow it)"
  else
    echo "installed $UNIT_NAME (not started: --no-start)"
  fi
  exit 0
fi

echo "rendered under $ROOT (no users created, systemctl not run):"
for f in "${RENDERED[@]}"; do echo "  $f"; done
echo "  $R$DATA_DIR/"
