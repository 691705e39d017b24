#!/bin/sh
# Nephele guest agent (busybox sh), serving a line protocol on the
# virtio-serial port named org.nephele.agent (normally /dev/vport0p1).
#
# Guest -> host, whenever the host side (re)connects:
#   ready <boot_id>
# Host -> guest request, one line:        <id> <cmd> [args...]
# Guest -> host answer, exactly one line: <id> ok [data]  |  <id> err <message>
#
# <id> is 1-64 chars of [A-Za-z0-9._:-] other than "ready"; a line whose first
# word is not such an id (or a blank line) is ignored without an answer. A
# trailing CR is stripped. Requests are served one at a time, in order.
# Commands:
#   ping                       ok pong
#   boot-id                    ok <boot_id>   (after a reconnect, when no "ready" came)
#   token-put <token>          ok              (one word, stored in /data/token)
#   token-get                  ok <token> | err none
#   token-rm                   ok
#   config-get <key>           ok <value> | err none        (/data/config/<key>)
#   config-set <key> [value]   ok   (key [a-z0-9_-]{1,64}; value = rest of line)
#   config-rm <key>            ok
#   sync                       ok   (after sync: a capture quiesces the disk first)
#   file-begin                 ok   (starts an upload into $DATA/.upload)
#   file-add <base64>          ok   (appends the decoded bytes)
#   file-end <path> <mode>     ok   (moves the upload to $DATA/<path>; path relative,
#                                   [A-Za-z0-9._/-], no "." or ".." segment, not "token";
#                                   mode octal, 3-4 digits)
#   ps                         ok <pid>:<comm>,<pid>:<comm>,...
#   net-dev                    ok <rx_bytes> <tx_bytes>   (all interfaces but lo, /proc/net/dev)
#   app-start|app-stop|app-status   ok running|stopped
#   poweroff                   ok, then poweroff -f
# Anything else: <id> err unknown command.
#
# The host may disconnect at any time: the port then reads EOF; the agent
# keeps it open, waits until a host is connected again and re-announces ready.
# A disconnect quickly followed by a reconnect can go unnoticed by the guest
# (the blocked read never sees the port closed), so then no "ready" comes:
# a host that (re)connects should not wait for "ready" alone but may send
# "<id> boot-id" (or ping). "ready ..." lines can arrive at any time, and
# answers to requests sent over an earlier connection may arrive on the new one.

PORT_NAME=${NEPHELE_AGENT_PORT:-org.nephele.agent}
DATA=${NEPHELE_DATA:-/data}
LIB=${NEPHELE_LIB:-/usr/lib/nephele}
APP=$LIB/appliance.sh
MAX_LINE=8192

CR=$(printf '\r')
TAB=$(printf '\t')
BOOT_ID=unknown
read -r BOOT_ID </proc/sys/kernel/random/boot_id

log() { echo "nephele-agent: $*" >&2; }

# nap SECONDS: sleep without forking (a timed read on a FIFO nobody writes):
# the agent polls while no host is connected, and under TCG every fork counts.
NAP_FIFO=/run/nephele-agent.nap
rm -f "$NAP_FIFO"
if mkfifo -m 0600 "$NAP_FIFO" 2>/dev/null && [ -p "$NAP_FIFO" ]; then
	exec 4<>"$NAP_FIFO"
	nap() { read -r -t "$1" -u 4 _ 2>/dev/null; return 0; }
else
	nap() { sleep "$1"; }
fi

# Sets PORT_DEV to the device of the port named $PORT_NAME.
find_port() {
	for _d in /sys/class/virtio-ports/*; do
		[ -r "$_d/name" ] || continue
		_n=
		read -r _n <"$_d/name" 2>/dev/null
		if [ "$_n" = "$PORT_NAME" ]; then
			PORT_DEV=/dev/${_d##*/}
			[ -c "$PORT_DEV" ]
			return
		fi
	done
	return 1
}

# True when a host has the port's chardev open (virtio_console's debugfs
# view). Reads of an unconnected port return EOF at once and writes are
# dropped, so "ready" is only worth sending when this holds. Without debugfs
# we cannot tell and assume connected.
host_connected() {
	_f=/sys/kernel/debug/virtio-ports/${PORT_DEV##*/}
	[ -r "$_f" ] || return 0
	while read -r _k _v; do
		if [ "$_k" = "host_connected:" ]; then
			[ "$_v" = 1 ]
			return
		fi
	done <"$_f"
	return 0
}

reply() { printf '%s\n' "$*"; }

# valid_path PATH: a relative path under $DATA a management change may write.
valid_path() {
	case $1 in '' | /* | */ | *//* | *[!A-Za-z0-9._/-]* | token | .upload) return 1 ;; esac
	case /$1/ in */./* | */../*) return 1 ;; esac
	[ "${#1}" -le 255 ]
}

# file_end PATH MODE: moves the upload into place (parent dirs made), synced.
file_end() {
	valid_path "$1" || return 1
	case $2 in [0-7][0-7][0-7] | [0-7][0-7][0-7][0-7]) ;; *) return 1 ;; esac
	[ -f "$DATA/.upload" ] || return 1
	_dir=$DATA/$1
	_dir=${_dir%/*}
	mkdir -p "$_dir" 2>/dev/null && chmod "$2" "$DATA/.upload" && mv -f "$DATA/.upload" "$DATA/$1" && sync
}

valid_key() {
	case $1 in '' | *[!a-z0-9_-]*) return 1 ;; esac
	[ "${#1}" -le 64 ]
}

# write_file PATH VALUE: atomically replaces PATH with VALUE + newline.
write_file() {
	printf '%s\n' "$2" >"$1.tmp" 2>/dev/null && mv -f "$1.tmp" "$1" 2>/dev/null && sync
}

read_first_line() {
	[ -r "$1" ] || return 1
	_l=
	IFS= read -r _l <"$1" 2>/dev/null || [ -n "$_l" ] || return 1
	printf '%s' "${_l%"$CR"}"
}

cmd_ps() {
	_out=
	for _d in /proc/[0-9]*; do
		_comm=
		read -r _comm 2>/dev/null <"$_d/comm" || continue
		_comm=${_comm//,/_}
		_comm=${_comm// /_}
		_comm=${_comm//$TAB/_}
		_out=$_out${_out:+,}${_d#/proc/}:$_comm
	done
	echo "$_out"
}

# net_dev ID: answers the byte counters of every interface but lo (usage
# metering: QEMU user networking keeps none on the host). No fork.
net_dev() {
	_nid=$1
	_rx=0
	_tx=0
	while read -r _l; do
		case $_l in *:*) ;; *) continue ;; esac
		[ "${_l%%:*}" = lo ] && continue
		set -f
		# shellcheck disable=SC2086
		set -- ${_l#*:}
		set +f
		_rx=$((_rx + $1))
		_tx=$((_tx + $9))
	done </proc/net/dev
	reply "$_nid ok $_rx $_tx"
}

app() { # start|stop|status -> running|stopped
	_s=$("$APP" "$1" </dev/null 2>/dev/null 3>&- 4>&-)
	case $_s in running | stopped) echo "$_s" ;; *) echo stopped ;; esac
}

# handle LINE: writes at most one answer line to stdout.
handle() {
	_line=${1%"$CR"}
	set -f
	# shellcheck disable=SC2086
	set -- $_line
	set +f
	[ $# -ge 1 ] || return 0
	_id=$1
	case $_id in ready | *[!A-Za-z0-9._:-]*) log "ignoring line without an id"; return 0 ;; esac
	[ "${#_id}" -le 64 ] || { log "ignoring line without an id"; return 0; }
	if [ $# -lt 2 ]; then
		reply "$_id err missing command"
		return 0
	fi
	if [ "${#_line}" -gt $MAX_LINE ]; then
		reply "$_id err line too long"
		return 0
	fi
	_cmd=$2
	shift 2
	# The raw text after the command, inner whitespace preserved.
	_rest=${_line#*"$_id"}
	_rest=${_rest#*"$_cmd"}
	_rest=${_rest#"${_rest%%[! $TAB]*}"}
	case $_cmd in
	ping) reply "$_id ok pong" ;;
	boot-id) reply "$_id ok $BOOT_ID" ;;
	token-put)
		if [ $# -ne 1 ]; then
			reply "$_id err usage: token-put <token>"
		elif (umask 077 && write_file "$DATA/token" "$1"); then
			reply "$_id ok"
		else
			reply "$_id err cannot write token"
		fi
		;;
	token-get)
		if _v=$(read_first_line "$DATA/token") && [ -n "$_v" ]; then
			reply "$_id ok $_v"
		else
			reply "$_id err none"
		fi
		;;
	token-rm)
		rm -f "$DATA/token" && sync
		reply "$_id ok"
		;;
	config-get)
		if [ $# -ne 1 ] || ! valid_key "$1"; then
			reply "$_id err bad key"
		elif _v=$(read_first_line "$DATA/config/$1"); then
			reply "$_id ok${_v:+ $_v}"
		else
			reply "$_id err none"
		fi
		;;
	config-set)
		if [ $# -lt 1 ] || ! valid_key "$1"; then
			reply "$_id err bad key"
		else
			_v=${_rest#"$1"}
			_v=${_v#"${_v%%[! $TAB]*}"}
			if mkdir -p "$DATA/config" 2>/dev/null && write_file "$DATA/config/$1" "$_v"; then
				reply "$_id ok"
			else
				reply "$_id err cannot write config"
			fi
		fi
		;;
	config-rm)
		if [ $# -ne 1 ] || ! valid_key "$1"; then
			reply "$_id err bad key"
		elif rm -f "$DATA/config/$1" && sync; then
			reply "$_id ok"
		else
			reply "$_id err cannot remove config"
		fi
		;;
	sync)
		sync
		reply "$_id ok"
		;;
	file-begin)
		if (umask 077 && : >"$DATA/.upload") 2>/dev/null; then reply "$_id ok"; else reply "$_id err cannot write"; fi
		;;
	file-add)
		if [ $# -ne 1 ]; then
			reply "$_id err usage: file-add <base64>"
		elif printf '%s' "$1" | base64 -d >>"$DATA/.upload" 2>/dev/null; then
			reply "$_id ok"
		else
			reply "$_id err bad base64 or cannot write"
		fi
		;;
	file-end)
		if [ $# -eq 2 ] && file_end "$1" "$2"; then
			reply "$_id ok"
		else
			rm -f "$DATA/.upload"
			reply "$_id err bad path or mode, or cannot write"
		fi
		;;
	ps) reply "$_id ok $(cmd_ps)" ;;
	net-dev) net_dev "$_id" ;;
	app-start) reply "$_id ok $(app start)" ;;
	app-stop) reply "$_id ok $(app stop)" ;;
	app-status) reply "$_id ok $(app status)" ;;
	poweroff)
		reply "$_id ok"
		sync
		poweroff -f </dev/null >/dev/null 2>&1 3>&- 4>&-
		;;
	*) reply "$_id err unknown command" ;;
	esac
	return 0
}

# session: serves the port open on fd 3, across host disconnects. The port
# stays open while no host is connected: closing it would throw away whatever
# the next host has already sent.
session() {
	while [ -c "$PORT_DEV" ]; do
		if ! host_connected; then
			nap 0.05
			continue
		fi
		log "host connected on $PORT_DEV"
		reply "ready $BOOT_ID" >&3
		while IFS= read -r _req <&3; do
			handle "$_req" >&3
		done
		# EOF: the host went away (a partial line is dropped).
		log "host disconnected"
		nap 0.05
	done
}

while :; do
	if ! find_port; then
		nap 0.1
		continue
	fi
	# A redirection on a function call is not fatal when it fails (EBUSY, ...).
	session 3<>"$PORT_DEV"
	nap 0.1
done
