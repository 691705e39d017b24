#!/bin/sh
# A guest program's end of the Nephele messaging bus (issue 16), through the
# guest agent (agent.sh relays to the host over the guest channel):
#   bus.sh pub <topic> <message...>   publish (the words joined by spaces; "-" reads stdin); at most 64 KiB
#   bus.sh sub <topic> | unsub <topic>
#   bus.sh recv <topic>               what was delivered, a line each: <seq> <from_vm|-> <from_scheme|-> <time_ms> <base64|->
#   bus.sh cat <topic>                the payloads only, decoded, a line each
# Topics: 1-63 of [a-z0-9._-], starting with a letter or digit; at most 32 subscribed.
# Exit status: 0 done, 2 usage or bad input, 1 the agent is not there.
RUN=${NEPHELE_RUN:-/run}
FIFO=$RUN/nephele-bus.fifo
IN=$RUN/nephele-bus/in
MAX_PAYLOAD=65536

usage() {
	echo "usage: bus.sh pub <topic> <message...> | sub <topic> | unsub <topic> | recv <topic> | cat <topic>" >&2
	exit 2
}
topic_ok() {
	case $1 in '' | [!a-z0-9]* | *[!a-z0-9._-]*) return 1 ;; esac
	[ "${#1}" -le 63 ]
}

[ $# -ge 2 ] || usage
verb=$1
topic=$2
shift 2
topic_ok "$topic" || {
	echo "bus.sh: bad topic: 1-63 of [a-z0-9._-]" >&2
	exit 2
}
[ -p "$FIFO" ] || {
	echo "bus.sh: the guest agent is not running" >&2
	exit 1
}
case $verb in
pub)
	[ $# -ge 1 ] || usage
	if [ "$*" = - ]; then msg=$(head -c $((MAX_PAYLOAD + 1))); else msg=$*; fi
	if [ "${#msg}" -gt $MAX_PAYLOAD ]; then
		echo "bus.sh: message over $MAX_PAYLOAD bytes" >&2
		exit 2
	fi
	b64=$(printf '%s' "$msg" | base64 -w 0)
	printf 'pub %s %s\n' "$topic" "${b64:--}" >"$FIFO"
	;;
sub | unsub)
	[ $# -eq 0 ] || usage
	printf '%s %s\n' "$verb" "$topic" >"$FIFO"
	;;
recv)
	[ -f "$IN/$topic" ] && cat "$IN/$topic"
	exit 0
	;;
cat)
	[ -f "$IN/$topic" ] || exit 0
	while read -r _seq _from _scheme _time b64; do
		[ "$b64" = - ] || printf '%s' "$b64" | base64 -d
		echo
	done <"$IN/$topic"
	;;
*) usage ;;
esac
