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
#   mon                        ok app=<running|stopped> ver=<v> lic=<id>,<seats>,<in_use>,<expires>
#                                 users=<a,b> net=<rx>,<tx> cf=<name>,<sha256>... p=<pid>,<starttime>,<exe sha256|->,<comm>,<cmdline>...
#                              (one poll of the appliance; values %-encoded (% space tab CR LF ,);
#                              capped: 256 processes, cmdlines of 512 bytes, 64 config files;
#                              exe hashes cached by pid + start time; one fork for the new hashes)
#   exec <timeout_s> <word>... ok <exit code> <base64 of the first 256 bytes of output> | err timeout
#                              (argv as given, no shell; a word "b64:<base64>" is decoded;
#                              timeout 1-60 s: requests are served one at a time)
#   kill <pid> [sha256]        ok killed (refuses pid 1, the agent, and a pid whose exe has another sha256)
#   app-update <version>       ok running|stopped (records config appliance_version, restarts the app)
#   bus-deliver <topic> <seq> <from_vm|-> <from_scheme|-> <time_ms> <base64|->
#                              ok   (a bus message for a topic this guest subscribed to: appended to
#                              $RUN/nephele-bus/in/<topic>, read with bus.sh recv|cat; each file rotated
#                              past 1 MiB, one old generation kept; lines up to MAX_BUS_LINE)
#   bus-subs                   ok <t1,t2,...|->   (the topics guest programs subscribed to)
# Anything else: <id> err unknown command.
#
# Guest -> host on its own, while a host is connected (a watcher beside the session):
#   event fault app-exited     the app stopped without being told to
#   event state app-running    it runs again without being told to
#   bus pub <topic> <base64|-> a guest program published (bus.sh pub, through $RUN/nephele-bus.fifo)
#   bus subs <t1,t2,...|->     the guest's whole subscription list: after every ready, and on each change
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
# A bus-deliver line: a 64 KiB payload in base64 plus its header (agent/drivers/bus-lines.ts MAX_BUS_LINE).
MAX_BUS_LINE=87640
BUS_DIR=${NEPHELE_RUN:-/run}/nephele-bus
BUS_FIFO=${NEPHELE_RUN:-/run}/nephele-bus.fifo
BUS_SUBS=$BUS_DIR/subs
# Bytes delivered since the files were last checked for rotation (a fork only every 512 KiB).
BUS_BYTES=0
RELAY_PID=
RUN=${NEPHELE_RUN:-/run}
APP_PIDFILE=${NEPHELE_APP_PIDFILE:-/run/nephele-appliance.pid}
# Present while the app is stopped on request: the watcher then stays quiet.
EXPECT_STOP=$RUN/nephele-app.expect-stop
EXEC_OUT=$RUN/nephele-exec.out
ASKED_FILE=$RUN/nephele-app.asked
APP_ASKED=0
MAX_PROCS=256
WATCH_PID=
# " pid:starttime:sha256 ..." of the processes seen by the last mon.
EXE_CACHE=' '

CR=$(printf '\r')
TAB=$(printf '\t')
NL='
'
BOOT_ID=unknown
read -r BOOT_ID </proc/sys/kernel/random/boot_id

log() { echo "nephele-agent: $*" >&2; }

# nap SECONDS: sleep without forking (a timed read on a FIFO nobody writes):
# the agent polls while no host is connected, and under TCG every fork counts.
NAP_FIFO=$RUN/nephele-agent.nap
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
	net_counts
	reply "$1 ok $_rx $_tx"
}

# net_counts: sets _rx and _tx.
net_counts() {
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
}

app() { # start|stop|status -> running|stopped
	# A stop asked for is no fault: the watcher stays quiet until the next start.
	[ "$1" = stop ] && : >"$EXPECT_STOP"
	_s=$("$APP" "$1" </dev/null 2>/dev/null 3>&- 4>&-)
	[ "$1" = start ] && rm -f "$EXPECT_STOP"
	case $_s in running | stopped) ;; *) _s=stopped ;; esac
	# Tells the watcher the state this left the app in (however quick the stop + start was).
	if [ "$1" != status ]; then
		APP_ASKED=$((APP_ASKED + 1))
		echo "$APP_ASKED $_s" >"$ASKED_FILE"
	fi
	echo "$_s"
}

# app_running: the appliance's httpd is alive (appliance.sh's test, without a fork).
app_running() {
	_ap=
	read -r _ap 2>/dev/null <"$APP_PIDFILE" || return 1
	case $_ap in '' | *[!0-9]*) return 1 ;; esac
	_as=
	read -r _ _ _as _ 2>/dev/null <"/proc/$_ap/stat" || return 1
	[ "$_as" != Z ] && [ "$_as" != X ] || return 1
	_ac=
	read -r _ac 2>/dev/null <"/proc/$_ap/comm"
	[ "$_ac" = httpd ]
}

# enc VALUE: sets _e to VALUE with % space tab CR LF and comma %-encoded (no fork).
enc() {
	_e=${1//[%]/%25}
	_e=${_e// /%20}
	_e=${_e//$TAB/%09}
	_e=${_e//$CR/%0D}
	_e=${_e//$NL/%0A}
	_e=${_e//,/%2C}
}

# cfg KEY: sets _v to the first line of config KEY ('' when none; no fork).
cfg() {
	_v=
	IFS= read -r _v 2>/dev/null <"$DATA/config/$1"
	_v=${_v%"$CR"}
}

# cmd_mon: sets _out to the mon answer (see the header). Runs in the agent's own
# shell so EXE_CACHE survives between polls; forks once, for new hashes and the config.
cmd_mon() {
	if app_running; then _out="app=running"; else _out="app=stopped"; fi
	cfg appliance_version
	enc "$_v"
	_out="$_out ver=$_e"
	_l=
	for _k in licence_id licence_seats licence_seats_in_use licence_expires; do
		cfg $_k
		enc "$_v"
		_l=$_l,$_e
	done
	_l=${_l#,}
	cfg users
	enc "$_v"
	_out="$_out lic=$_l users=$_e"
	net_counts
	_out="$_out net=$_rx,$_tx"
	_ps=
	_new=
	_newp=
	_cache=' '
	_n=0
	for _d in /proc/[0-9]*; do
		[ $_n -lt $MAX_PROCS ] || break
		[ -e "$_d/exe" ] || continue # kernel threads have no executable
		_p=${_d#/proc/}
		_stat=
		read -r _stat 2>/dev/null <"$_d/stat" || continue
		set -f
		# shellcheck disable=SC2086
		set -- ${_stat##*) }
		set +f
		_start=${20}
		_comm=
		read -r _comm 2>/dev/null <"$_d/comm"
		_cl=
		while IFS= read -r -d '' _a; do
			_cl=$_cl${_cl:+ }$_a
			[ ${#_cl} -lt 512 ] || break
		done 2>/dev/null <"$_d/cmdline"
		# shellcheck disable=SC3057 # busybox ash has substrings
		_cl=${_cl:0:512}
		case $EXE_CACHE in
		*" $_p:$_start:"*)
			_h=${EXE_CACHE#*" $_p:$_start:"}
			_h=${_h%% *}
			;;
		*)
			_h="@H$_p@"
			_new="$_new $_d/exe"
			_newp="$_newp $_p:$_start"
			;;
		esac
		enc "$_comm"
		_ec=$_e
		enc "$_cl"
		_ps="$_ps p=$_p,$_start,$_h,$_ec,$_e"
		_cache="$_cache$_p:$_start:$_h "
		_n=$((_n + 1))
	done
	_cf=
	_nc=0
	for _f in "$DATA"/config/*; do
		if valid_key "${_f##*/}" && [ -f "$_f" ] && [ $_nc -lt 64 ]; then
			_cf="$_cf $_f"
			_nc=$((_nc + 1))
		fi
	done
	_sums=
	set -f
	# shellcheck disable=SC2086
	[ -n "$_new$_cf" ] && _sums=$(sha256sum $_new $_cf 2>/dev/null)
	set +f
	_cfo=
	while read -r _h _f; do
		case $_f in
		/proc/*/exe)
			_p=${_f#/proc/}
			_p=${_p%/exe}
			_ps=${_ps//@H$_p@/$_h}
			_cache=${_cache//@H$_p@/$_h}
			;;
		"$DATA"/config/*) _cfo="$_cfo cf=${_f##*/},$_h" ;;
		esac
	done <<SUMS
$_sums
SUMS
	# Unreadable ones (gone, or not hashable): '-' now, tried again next poll.
	for _np in $_newp; do
		_p=${_np%%:*}
		_ps=${_ps//@H$_p@/-}
		_cache=${_cache//" $_np:@H$_p@ "/ }
	done
	EXE_CACHE=$_cache
	_out="$_out$_cfo$_ps"
}

# cmd_exec ID TIMEOUT WORD...: runs argv (no shell) under timeout; answers exit code and output head.
cmd_exec() {
	_xid=$1
	_t=$2
	shift 2
	case $_t in '' | *[!0-9]*) _t=0 ;; esac
	if [ "$_t" -lt 1 ] || [ "$_t" -gt 60 ] || [ $# -lt 1 ]; then
		reply "$_xid err usage: exec <timeout_s 1-60> <word>..."
		return 0
	fi
	_n=0
	for _w; do
		_n=$((_n + 1))
		case $_w in
		b64:*)
			if ! _w=$(printf '%s' "${_w#b64:}" | base64 -d 2>/dev/null); then
				reply "$_xid err bad base64 word"
				return 0
			fi
			;;
		esac
		eval "_x$_n=\$_w"
	done
	set --
	_i=1
	while [ $_i -le $_n ]; do
		eval "set -- \"\$@\" \"\$_x$_i\""
		_i=$((_i + 1))
	done
	read -r _u0 _ </proc/uptime
	timeout -s KILL "$_t" "$@" </dev/null >"$EXEC_OUT" 2>&1 3>&- 4>&-
	_rc=$?
	read -r _u1 _ </proc/uptime
	_o=$(head -c 256 "$EXEC_OUT" | base64 -w 0)
	rm -f "$EXEC_OUT"
	# Killed by the timeout (SIGKILL after the whole time), not by itself.
	if [ $_rc -eq 137 ] && [ $((${_u1%.*} - ${_u0%.*})) -ge $((_t - 1)) ]; then
		reply "$_xid err timeout after $_t s"
	else
		reply "$_xid ok $_rc $_o"
	fi
}

# cmd_kill ID PID [SHA256]
cmd_kill() {
	_kid=$1
	case ${2:-} in '' | *[!0-9]*)
		reply "$_kid err usage: kill <pid> [sha256]"
		return 0
		;;
	esac
	if [ "$2" = 1 ] || [ "$2" = "$$" ] || [ "$2" = "$WATCH_PID" ] || [ "$2" = "$RELAY_PID" ]; then
		reply "$_kid err refused: pid $2 is init or the agent"
		return 0
	fi
	if [ ! -e "/proc/$2/exe" ]; then
		reply "$_kid err no such process"
		return 0
	fi
	if [ -n "${3:-}" ]; then
		_h=$(sha256sum "/proc/$2/exe" 2>/dev/null)
		if [ "${_h%% *}" != "$3" ]; then
			reply "$_kid err refused: its executable differs"
			return 0
		fi
	fi
	if kill -9 "$2" 2>/dev/null; then reply "$_kid ok killed"; else reply "$_kid err cannot kill"; fi
}

# watch_app: beside the session while a host is connected (output: the port).
# Reports the app stopping, or starting again, on its own. No fork per tick.
watch_app() {
	_was=
	_lg=
	while :; do
		if app_running; then _now=running; else _now=stopped; fi
		_g=
		_gs=
		read -r _g _gs 2>/dev/null <"$ASKED_FILE"
		if [ "$_g" != "$_lg" ]; then
			_lg=$_g
			_was=$_gs
		fi
		if [ -e "$EXPECT_STOP" ]; then
			_was=
		elif [ "$_now" != "$_was" ]; then
			[ "$_was" = running ] && printf 'event fault app-exited\n'
			[ "$_was" = stopped ] && printf 'event state app-running\n'
			_was=$_now
		fi
		nap 0.5
	done
}

# ---- the messaging bus (issue 16) ----
bus_topic_ok() {
	case $1 in '' | [!a-z0-9]* | *[!a-z0-9._-]*) return 1 ;; esac
	[ "${#1}" -le 63 ]
}

# bus_list: sets _bl to the subscribed topics, comma-separated ("-" for none). No fork.
bus_list() {
	_bl=
	while IFS= read -r _t; do [ -n "$_t" ] && _bl=$_bl${_bl:+,}$_t; done <"$BUS_SUBS"
	_bl=${_bl:--}
}

bus_sub() {
	_n=0
	while IFS= read -r _t; do
		[ "$_t" = "$1" ] && return 0
		_n=$((_n + 1))
	done <"$BUS_SUBS"
	[ $_n -lt 32 ] && printf '%s\n' "$1" >>"$BUS_SUBS"
}

bus_unsub() {
	_keep=
	while IFS= read -r _t; do [ "$_t" = "$1" ] || _keep=$_keep$_t$NL; done <"$BUS_SUBS"
	printf '%s' "$_keep" >"$BUS_SUBS"
}

# bus_relay: beside the session while a host is connected (output: the port).
# Turns what guest programs wrote to the FIFO (bus.sh) into bus lines.
bus_relay() {
	while IFS= read -r _bl_line <&5; do
		[ "${#_bl_line}" -le $MAX_BUS_LINE ] || continue
		set -f
		# shellcheck disable=SC2086
		set -- $_bl_line
		set +f
		bus_topic_ok "${2:-}" || continue
		case $1 in
		pub) [ $# -eq 3 ] && printf 'bus pub %s %s\n' "$2" "$3" ;;
		sub) [ $# -eq 2 ] && bus_sub "$2" && bus_list && printf 'bus subs %s\n' "$_bl" ;;
		unsub) [ $# -eq 2 ] && bus_unsub "$2" && bus_list && printf 'bus subs %s\n' "$_bl" ;;
		esac
	done
}

# bus_deliver ID TOPIC SEQ FROM SCHEME TIME BASE64
bus_deliver() {
	_bid=$1
	shift
	if [ $# -ne 6 ] || ! bus_topic_ok "$1"; then
		reply "$_bid err usage: bus-deliver <topic> <seq> <from> <scheme> <time> <base64>"
		return 0
	fi
	_bf=$BUS_DIR/in/$1
	BUS_BYTES=$((BUS_BYTES + ${#6} + 64))
	shift
	if printf '%s\n' "$*" >>"$_bf"; then reply "$_bid ok"; else reply "$_bid err cannot write"; fi
	[ $BUS_BYTES -gt 524288 ] || return 0
	BUS_BYTES=0
	for _f in "$BUS_DIR"/in/*; do
		case $_f in *.1) continue ;; esac
		[ -f "$_f" ] || continue
		_sz=$(wc -c <"$_f")
		[ "$_sz" -gt 1048576 ] && mv -f "$_f" "$_f.1"
	done
	return 0
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
	if [ "${#_line}" -gt $MAX_LINE ] && { [ "$2" != bus-deliver ] || [ "${#_line}" -gt $MAX_BUS_LINE ]; }; then
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
	mon)
		cmd_mon
		reply "$_id ok $_out"
		;;
	exec) cmd_exec "$_id" "$@" ;;
	kill) cmd_kill "$_id" "$@" ;;
	bus-deliver) bus_deliver "$_id" "$@" ;;
	bus-subs)
		bus_list
		reply "$_id ok $_bl"
		;;
	app-update)
		case ${1:-} in '' | *[!A-Za-z0-9._+-]*) _v= ;; *) _v=$1 ;; esac
		if [ $# -ne 1 ] || [ -z "$_v" ] || [ ${#_v} -gt 64 ]; then
			reply "$_id err usage: app-update <version>"
		elif mkdir -p "$DATA/config" 2>/dev/null && write_file "$DATA/config/appliance_version" "$_v"; then
			app stop >/dev/null
			reply "$_id ok $(app start)"
		else
			reply "$_id err cannot write config"
		fi
		;;
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
		bus_list
		reply "bus subs $_bl" >&3
		watch_app >&3 &
		WATCH_PID=$!
		bus_relay >&3 &
		RELAY_PID=$!
		while IFS= read -r _req <&3; do
			handle "$_req" >&3
		done
		# EOF: the host went away (a partial line is dropped).
		kill "$WATCH_PID" "$RELAY_PID" 2>/dev/null
		WATCH_PID=
		RELAY_PID=
		log "host disconnected"
		nap 0.05
	done
}

# Sourced for its functions only (the host-side tests of the protocol).
[ "${NEPHELE_AGENT_LIB:-}" = 1 ] && return 0

# The bus's FIFO, held open read-write so a writer (bus.sh) never blocks on open and no line is lost between sessions.
mkdir -p "$BUS_DIR/in"
: >>"$BUS_SUBS"
rm -f "$BUS_FIFO"
if mkfifo -m 0600 "$BUS_FIFO" 2>/dev/null; then exec 5<>"$BUS_FIFO"; else log "no bus FIFO"; fi

while :; do
	if ! find_port; then
		nap 0.1
		continue
	fi
	# A redirection on a function call is not fatal when it fails (EBUSY, ...).
	session 3<>"$PORT_DEV"
	nap 0.1
done
