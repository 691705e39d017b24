#!/bin/sh
# Nephele guest /init (PID 1 of the initramfs; busybox sh). Never exits.
#
#  1. mounts proc, sys, devtmpfs, debugfs (the agent reads virtio-ports there), /run, /tmp
#  2. insmods the modules in /lib/modules/load.order (dependencies first);
#     "<module>.<param>=<value>" words on the kernel command line are passed on,
#     as modprobe would
#  3. network: lo, and eth0 = nephele.ip (default 10.0.2.15/24) via nephele.gw
#     (default 10.0.2.2), QEMU user-net defaults
#  4. mounts /dev/vda (ext4/ext2) at /data; an all-zero disk is formatted (ext2)
#     and seeded from /usr/lib/nephele/defaults; without a disk /data is a
#     tmpfs seeded the same way
#  5. starts the appliance, then runs the guest agent forever (restarted if it exits)
#
# Kernel command line knobs: nephele.ip=ADDR/PREFIX nephele.gw=ADDR
# nephele.disk=/dev/vdX nephele.noapp (do not start the appliance at boot).

export PATH=/usr/sbin:/usr/bin:/sbin:/bin
umask 022
LIB=/usr/lib/nephele

log() { echo "nephele-init: $*"; }
# stamp NAME: remembers the uptime at the end of a boot stage, for the "up" line.
STAMPS=
stamp() {
	read -r _t _ </proc/uptime
	STAMPS="$STAMPS $1@$_t"
}

mount -t proc -o nosuid,nodev,noexec proc /proc
mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
mount -t devtmpfs -o nosuid devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mkdir -p /dev/pts /dev/shm /run /tmp /data
mount -t devpts -o nosuid,noexec devpts /dev/pts 2>/dev/null
mount -t debugfs -o nosuid,nodev,noexec debugfs /sys/kernel/debug 2>/dev/null
mount -t tmpfs -o nosuid,nodev,mode=0755 tmpfs /run
mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /tmp
[ -r /etc/hostname ] && hostname -F /etc/hostname

CMDLINE=$(cat /proc/cmdline)
# arg NAME DEFAULT: value of NAME=... on the kernel command line.
arg() {
	for _w in $CMDLINE; do
		case $_w in "$1"=*) echo "${_w#*=}"; return 0 ;; esac
	done
	echo "$2"
}
has_flag() {
	for _w in $CMDLINE; do [ "$_w" = "$1" ] && return 0; done
	return 1
}

stamp init
# --- modules ---------------------------------------------------------------
if [ -r /lib/modules/load.order ]; then
	while read -r _m; do
		[ -n "$_m" ] || continue
		_params=
		for _w in $CMDLINE; do
			case $_w in "$_m".*=*) _params="$_params ${_w#"$_m".}" ;; esac
		done
		# shellcheck disable=SC2086
		insmod "/lib/modules/$_m.ko" $_params || log "insmod $_m failed"
	done </lib/modules/load.order
fi

stamp modules
# --- network -----------------------------------------------------------------
ip link set lo up
_ip=$(arg nephele.ip 10.0.2.15/24)
_gw=$(arg nephele.gw 10.0.2.2)
_i=0
while [ ! -e /sys/class/net/eth0 ] && [ $_i -lt 20 ]; do sleep 0.05; _i=$((_i + 1)); done
if [ -e /sys/class/net/eth0 ]; then
	ip addr add "$_ip" dev eth0
	ip link set eth0 up
	[ -n "$_gw" ] && ip route add default via "$_gw"
else
	log "no eth0"
fi

stamp net
# --- data disk ---------------------------------------------------------------
seed_defaults() {
	[ -d "$LIB/defaults" ] && cp -a "$LIB/defaults/." /data/
	sync
}
_disk=$(arg nephele.disk /dev/vda)
_i=0
while [ ! -b "$_disk" ] && [ $_i -lt 40 ]; do sleep 0.05; _i=$((_i + 1)); done
if [ -b "$_disk" ]; then
	if mount -t ext4 -o noatime "$_disk" /data 2>/dev/null || mount -t ext2 -o noatime "$_disk" /data 2>/dev/null; then
		:
	elif cmp -s -n 1048576 "$_disk" /dev/zero; then
		log "$_disk is blank: formatting (ext2)"
		if mke2fs -q -L nephele-data "$_disk" >/dev/null && mount -t ext2 -o noatime "$_disk" /data; then
			seed_defaults
		else
			log "cannot format $_disk"
		fi
	else
		log "$_disk holds something that is not ext2/ext4: not touching it"
	fi
fi
if ! grep -q ' /data ' /proc/mounts; then
	log "no data disk: /data is a tmpfs (nothing persists)"
	mount -t tmpfs -o mode=0755 tmpfs /data
	seed_defaults
fi

stamp disk
# --- services ----------------------------------------------------------------
if ! has_flag nephele.noapp; then
	"$LIB/appliance.sh" start >/dev/null || log "appliance did not start"
fi
stamp app
log "up in ${_t}s (stage@uptime:$STAMPS)"

# PID 1 must never exit (that panics the kernel); while it waits for the agent
# it also reaps orphans (busybox sh waits for any child).
while :; do
	"$LIB/agent.sh"
	log "agent exited ($?), restarting"
	sleep 1
done
