#!/bin/sh
# Nephele guest appliance: busybox httpd serving $NEPHELE_DATA/www.
#
#   appliance.sh start|stop|status|render
#
# start/stop/status print exactly one word, "running" or "stopped" (exit 0
# unless start could not get httpd listening). render (re)writes
# www/index.html from index.html.tmpl with the title in config/title; it only
# overwrites a page that still carries the "nephele:generated" marker, so a
# hand-made page survives. The build script runs "render" on the host (with
# busybox sh) to produce the data disk's initial page, so there is one
# implementation of it.
#
# Config (one value per file, first line): config/port (default 8080),
# config/title (default "Nephele appliance").

DATA=${NEPHELE_DATA:-/data}
LIB=${NEPHELE_LIB:-/usr/lib/nephele}
PIDFILE=${NEPHELE_APP_PIDFILE:-/run/nephele-appliance.pid}
DEFAULT_PORT=8080
DEFAULT_TITLE='Nephele appliance'
MARKER='nephele:generated'

# first_line FILE: prints the first line of FILE without a trailing CR; fails if unreadable.
first_line() {
	[ -r "$1" ] || return 1
	_l=
	IFS= read -r _l <"$1" || [ -n "$_l" ] || return 1
	printf '%s' "${_l%"$(printf '\r')"}"
}

app_port() {
	_p=$(first_line "$DATA/config/port") || _p=
	case $_p in '' | *[!0-9]*) _p=$DEFAULT_PORT ;; esac
	if [ "${#_p}" -gt 5 ] || [ "$_p" -lt 1 ] || [ "$_p" -gt 65535 ]; then _p=$DEFAULT_PORT; fi
	echo "$_p"
}

# html_escape TEXT
html_escape() {
	_s=$1
	_s=${_s//&/&amp;}
	_s=${_s//</&lt;}
	_s=${_s//>/&gt;}
	_s=${_s//\"/&quot;}
	printf '%s' "$_s"
}

render() {
	_page=$DATA/www/index.html
	if [ -e "$_page" ] && ! grep -q "$MARKER" "$_page" 2>/dev/null; then
		return 0 # hand-made page: leave it alone
	fi
	_tmpl=$LIB/index.html.tmpl
	[ -r "$_tmpl" ] || return 1
	_title=$(first_line "$DATA/config/title") || _title=
	[ -n "$_title" ] || _title=$DEFAULT_TITLE
	_title=$(html_escape "$_title")
	# Plain string substitution (no sed), so nothing in the title is special.
	_t=$(cat "$_tmpl") || return 1
	_out=
	while :; do
		case $_t in
		*@TITLE@*)
			_out=$_out${_t%%@TITLE@*}$_title
			_t=${_t#*@TITLE@}
			;;
		*)
			_out=$_out$_t
			break
			;;
		esac
	done
	mkdir -p "$DATA/www" || return 1
	printf '%s\n' "$_out" >"$_page.tmp" && mv -f "$_page.tmp" "$_page"
}

# proc_alive PID: the process exists and is not a zombie.
proc_alive() {
	[ -r "/proc/$1/stat" ] || return 1
	_st=
	read -r _ _ _st _ <"/proc/$1/stat" 2>/dev/null || return 1
	[ "$_st" != Z ] && [ "$_st" != X ]
}

# pid_alive PID: PID is a live httpd.
pid_alive() {
	proc_alive "$1" || return 1
	_c=
	read -r _c <"/proc/$1/comm" 2>/dev/null
	[ "$_c" = httpd ]
}

app_pid() {
	[ -r "$PIDFILE" ] || return 1
	_pid=
	read -r _pid <"$PIDFILE" 2>/dev/null || return 1
	case $_pid in '' | *[!0-9]*) return 1 ;; esac
	pid_alive "$_pid" && echo "$_pid"
}

listening() { # port
	netstat -ltn 2>/dev/null | grep -q "[:.]$1 "
}

start() {
	if app_pid >/dev/null; then
		echo running
		return 0
	fi
	stray_stop
	render || true
	mkdir -p "$DATA/www" "${PIDFILE%/*}"
	_port=$(app_port)
	# Detach from whoever called us (the agent's serial port is fd 3 there).
	httpd -f -p "$_port" -h "$DATA/www" </dev/null >/dev/null 2>&1 3>&- &
	_pid=$!
	echo "$_pid" >"$PIDFILE"
	_i=0
	# Until it listens (up to ~5 s); it may not even have exec'd httpd yet.
	while proc_alive "$_pid" && [ $_i -lt 250 ]; do
		if listening "$_port"; then
			echo running
			return 0
		fi
		sleep 0.02
		_i=$((_i + 1))
	done
	if pid_alive "$_pid"; then
		echo running
		return 0
	fi
	rm -f "$PIDFILE"
	echo stopped
	return 1
}

# kill_wait PID: TERM, then KILL after ~3 s.
kill_wait() {
	kill "$1" 2>/dev/null || return 0
	_i=0
	while proc_alive "$1" && [ $_i -lt 30 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	proc_alive "$1" && kill -9 "$1" 2>/dev/null
	return 0
}

# Any httpd we do not track (a lost pid file): in this guest httpd is only ever the appliance.
stray_stop() {
	for _p in $(pidof httpd); do kill_wait "$_p"; done
}

stop() {
	if _pid=$(app_pid); then kill_wait "$_pid"; fi
	rm -f "$PIDFILE"
	stray_stop
	echo stopped
}

status() {
	if app_pid >/dev/null; then echo running; else echo stopped; fi
}

case ${1:-} in
start) start ;;
stop) stop ;;
status) status ;;
render) render ;;
*)
	echo "usage: $0 start|stop|status|render" >&2
	exit 2
	;;
esac
