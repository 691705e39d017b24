#!/usr/bin/env bash
# Builds the Nephele QEMU guest from Debian packages only:
#
#   scripts/make-guest-image.sh [--force] [OUT_DIR]
#
# OUT_DIR (default ${NEPHELE_GUEST_DIR:-<repo>/.cache/guest/nephele-guest}) gets
#   vmlinux            uncompressed kernel (ELF with a PVH note: qemu -M microvm -kernel vmlinux)
#                      taken from Debian's linux-image-cloud-amd64
#   initramfs.cpio.gz  busybox-static + virtio modules + /init + guest agent + appliance
#   data.qcow2         base data disk (ext4, 64 MiB virtual): /config/*, /www/index.html
#   manifest.json      versions, sha256 of the files above, boot args, ports, inputsHash
#
# The build is skipped when OUT_DIR/manifest.json records the same inputsHash
# (sha256 of this script, scripts/guest/**, and the versions of the Debian
# packages used) and the files still have the recorded sha256; --force
# rebuilds anyway. Outputs are bit-for-bit reproducible from the same inputs.
# Downloaded .debs are cached in ${NEPHELE_GUEST_DEBS:-OUT_DIR/../debs}.
# Missing tools are installed with apt-get (needs root).
#
# Logs go to stderr; the only stdout line is the absolute OUT_DIR.
#
# Environment:
#   NEPHELE_GUEST_DIR      default OUT_DIR
#   NEPHELE_GUEST_DEBS     .deb cache directory
#   NEPHELE_GUEST_KERNEL   kernel package (default linux-image-cloud-amd64, a
#                          metapackage; a real linux-image-<ver>-... works too)
#   SOURCE_DATE_EPOCH      timestamp stamped into the images (default 2024-01-01)
set -euo pipefail
umask 022

SELF=$(readlink -f "${BASH_SOURCE[0]}")
REPO=$(dirname "$(dirname "$SELF")")
GUEST_SRC=$REPO/scripts/guest

KERNEL_META=${NEPHELE_GUEST_KERNEL:-linux-image-cloud-amd64}
EPOCH=${SOURCE_DATE_EPOCH:-1704067200}
# Modules the guest needs (plus their dependencies), if not built in.
GUEST_MODULES="virtio_mmio virtio_blk virtio_net virtio_console ext4"
BOOT_ARGS="console=ttyS0 mitigations=off quiet panic=-1"
AGENT_PORT=org.nephele.agent
DATA_SIZE_MIB=64
DATA_FS_UUID=4e657068-656c-4500-8000-646174613031
# Measured (TCG, this kernel + initramfs): 80 MiB OOM-kills during boot, 88 boots; the
# Debian cloud kernel alone keeps ~37 MiB resident.
MIN_MEMORY_MIB=96
FORMAT=1 # bump when the layout of the outputs changes

log() { echo "make-guest-image: $*" >&2; }
die() {
	log "error: $*"
	exit 1
}

FORCE=0
OUT_DIR=
while [ $# -gt 0 ]; do
	case $1 in
	--force | -f) FORCE=1 ;;
	-h | --help)
		sed -n '2,/^set -euo/p' "$SELF" | sed '$d; s/^# \{0,1\}//'
		exit 0
		;;
	-*) die "unknown option $1 (usage: $0 [--force] [OUT_DIR])" ;;
	*)
		[ -z "$OUT_DIR" ] || die "only one OUT_DIR, please"
		OUT_DIR=$1
		;;
	esac
	shift
done
OUT_DIR=${OUT_DIR:-${NEPHELE_GUEST_DIR:-$REPO/.cache/guest/nephele-guest}}
mkdir -p "$OUT_DIR"
OUT_DIR=$(readlink -f "$OUT_DIR")
PARENT=$(dirname "$OUT_DIR")
DEBS=${NEPHELE_GUEST_DEBS:-$PARENT/debs}
mkdir -p "$DEBS"
DEBS=$(readlink -f "$DEBS")

# One build per OUT_DIR at a time; a second caller waits and then sees a cache hit.
exec 9>"$OUT_DIR.lock"
if ! flock -n 9; then
	log "waiting for another build of $OUT_DIR"
	flock 9
fi

# --- tools -------------------------------------------------------------------
apt_install() {
	[ "$(id -u)" = 0 ] || die "missing packages: $* (run as root or install them: apt-get install $*)"
	log "installing $*"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q --no-install-recommends "$@" >&2 ||
		{ apt-get update -q >&2 && apt-get install -y -q --no-install-recommends "$@" >&2; } ||
		die "apt-get install $* failed"
}

pkg_version() { # installed version of a package, or nothing
	dpkg-query -W -f='${db:Status-Status} ${Version}\n' "$1" 2>/dev/null | sed -n 's/^installed //p'
}

missing=()
command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
command -v qemu-img >/dev/null || missing+=(qemu-utils)
command -v cpio >/dev/null || missing+=(cpio)
command -v mke2fs >/dev/null || missing+=(e2fsprogs)
# Only busybox-static's binary runs without a libc in the initramfs.
[ -n "$(pkg_version busybox-static)" ] || missing+=(busybox-static)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

# --- inputs ------------------------------------------------------------------
apt_field() { # package field: from the candidate version
	apt-cache show --no-all-versions "$1" 2>/dev/null | sed -n "s/^$2: //p" | head -n1
}
manifest_value() { # key -> string value from OUT_DIR/manifest.json (one key per line)
	[ -r "$OUT_DIR/manifest.json" ] || return 0
	sed -n "s/^ *\"$1\": \"\([^\"]*\)\",\{0,1\}$/\1/p" "$OUT_DIR/manifest.json" | head -n1
}
# apt-cache re-reads all package lists when its binary cache is disabled (as in
# Docker images): ~1-3 s. While the lists and apt's configuration are unchanged
# the candidate is too, so the last build's answer is reused.
apt_fingerprint() {
	{
		echo "$KERNEL_META"
		stat -c '%n %s %Y' /var/lib/apt/lists/*Packages* /var/lib/apt/lists/*Release \
			/etc/apt/sources.list /etc/apt/sources.list.d/* /etc/apt/preferences /etc/apt/preferences.d/* 2>/dev/null || true
	} | sha256sum | cut -d' ' -f1
}
APT_FP=$(apt_fingerprint)
META_VERSION=
if [ "$(manifest_value aptFingerprint)" = "$APT_FP" ] && [ "$(manifest_value kernelMetaPackage)" = "$KERNEL_META" ]; then
	META_VERSION=$(manifest_value kernelMetaVersion)
fi
[ -n "$META_VERSION" ] || META_VERSION=$(apt_field "$KERNEL_META" Version)
if [ -z "$META_VERSION" ]; then
	[ "$(id -u)" = 0 ] || die "apt does not know $KERNEL_META (apt-get update?)"
	log "apt does not know $KERNEL_META: apt-get update"
	apt-get update -q >&2 || die "apt-get update failed"
	META_VERSION=$(apt_field "$KERNEL_META" Version)
	[ -n "$META_VERSION" ] || die "no package $KERNEL_META"
fi
BUSYBOX_VERSION=$(pkg_version busybox-static)
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || die "$BUSYBOX missing although busybox-static is installed"

guest_files() { (cd "$GUEST_SRC" && find . -type f -print | LC_ALL=C sort); }

inputs() {
	echo "format $FORMAT"
	echo "script $(sha256sum <"$SELF" | cut -d' ' -f1)"
	guest_files | while IFS= read -r f; do
		echo "guest $f $(sha256sum <"$GUEST_SRC/$f" | cut -d' ' -f1)"
	done
	echo "kernel $KERNEL_META $META_VERSION"
	echo "busybox-static $BUSYBOX_VERSION"
	for p in e2fsprogs qemu-utils cpio gzip; do echo "$p $(pkg_version "$p")"; done
	echo "epoch $EPOCH"
}
INPUTS_HASH=$(inputs | sha256sum | cut -d' ' -f1)
FILES=(vmlinux initramfs.cpio.gz data.qcow2)

up_to_date() {
	[ -r "$OUT_DIR/manifest.json" ] || return 1
	[ "$(manifest_value inputsHash)" = "$INPUTS_HASH" ] || return 1
	local f want
	for f in "${FILES[@]}"; do
		want=$(manifest_value "$f")
		[ -n "$want" ] && [ -f "$OUT_DIR/$f" ] || return 1
		[ "$(sha256sum <"$OUT_DIR/$f" | cut -d' ' -f1)" = "$want" ] || {
			log "$OUT_DIR/$f does not match the manifest"
			return 1
		}
	done
}

if [ "$FORCE" = 0 ] && up_to_date; then
	log "cache hit: $OUT_DIR is up to date (inputs $INPUTS_HASH); --force rebuilds"
	echo "$OUT_DIR"
	exit 0
fi
T0=$(date +%s.%N)
log "building $OUT_DIR (inputs $INPUTS_HASH)"

WORK=$(mktemp -d "$PARENT/.build.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# --- kernel package ------------------------------------------------------------
deb_name() { echo "${1}_${2//:/%3a}_amd64.deb"; }

# fetch PACKAGE VERSION -> path of the cached .deb
fetch_deb() {
	local deb
	deb=$DEBS/$(deb_name "$1" "$2")
	if [ ! -s "$deb" ] || [ "$(dpkg-deb -f "$deb" Version 2>/dev/null)" != "$2" ]; then
		log "downloading $1=$2"
		local opts=(-q)
		[ "$(id -u)" = 0 ] && opts+=(-o APT::Sandbox::User=root)
		rm -f "$deb"
		(cd "$WORK" && apt-get download "${opts[@]}" "$1=$2" >&2) || die "apt-get download $1=$2 failed"
		mv "$WORK/$(deb_name "$1" "$2")" "$deb" || die "apt-get download did not produce $(deb_name "$1" "$2")"
	fi
	echo "$deb"
}

META_DEB=$(fetch_deb "$KERNEL_META" "$META_VERSION")
if [ -n "$(dpkg-deb --fsys-tarfile "$META_DEB" | tar -t | grep '^\./boot/vmlinuz-' || true)" ]; then
	KPKG=$KERNEL_META KPKG_VERSION=$META_VERSION KDEB=$META_DEB # a real kernel package
else
	# Metapackage: Depends: linux-image-6.1.0-56-cloud-amd64 (= 6.1.192-2)
	dep=$(dpkg-deb -f "$META_DEB" Depends | tr ',' '\n' | sed -n 's/^ *\(linux-image-[^ ]*\) *(= *\([^)]*\)).*/\1 \2/p' | head -n1)
	[ -n "$dep" ] || die "cannot find the kernel package in $KERNEL_META's Depends: $(dpkg-deb -f "$META_DEB" Depends)"
	KPKG=${dep% *} KPKG_VERSION=${dep#* }
	KDEB=$(fetch_deb "$KPKG" "$KPKG_VERSION")
fi
log "kernel package $KPKG=$KPKG_VERSION"
mkdir "$WORK/k"
dpkg-deb -x "$KDEB" "$WORK/k"
VMLINUZ=$(find "$WORK/k/boot" -maxdepth 1 -name 'vmlinuz-*' | head -n1)
[ -n "$VMLINUZ" ] || die "no /boot/vmlinuz-* in $KDEB"
KVER=${VMLINUZ##*/vmlinuz-}
MODDIR=
for d in "$WORK/k/lib/modules/$KVER" "$WORK/k/usr/lib/modules/$KVER"; do [ -d "$d" ] && MODDIR=$d; done
[ -n "$MODDIR" ] || die "no modules directory for $KVER in $KDEB"
KCONFIG=$WORK/k/boot/config-$KVER

# --- vmlinux: decompress the payload of the bzImage (cf. linux/scripts/extract-vmlinux) ---
le_uint() { # file offset bytes -> unsigned little-endian integer
	od -An -t "u$3" -j "$2" -N "$3" --endian=little "$1" | tr -d ' '
}
is_elf() { [ -s "$1" ] && [ "$(od -An -c -N4 "$1" | tr -d ' ')" = '177ELF' ]; }

# elf_end FILE: end of the ELF section header table (= end of the image objcopy
# wrote; the bzImage payload appends relocation data after it).
elf_end() {
	local shoff shentsize shnum
	shoff=$(le_uint "$1" 40 8) shentsize=$(le_uint "$1" 58 2) shnum=$(le_uint "$1" 60 2)
	echo $((shoff + shentsize * shnum))
}

COMPRESSION=
extract_vmlinux() { # bzImage out
	local img=$1 out=$2 method magic tool pkg pos
	# Preferred method first: the one the kernel config names.
	local methods="gzip xz zstd lz4 bzip2 lzma lzo"
	if [ -r "$KCONFIG" ]; then
		local c
		c=$(sed -n 's/^CONFIG_KERNEL_\(GZIP\|XZ\|ZSTD\|LZ4\|BZIP2\|LZMA\|LZO\)=y$/\1/p' "$KCONFIG" | tr '[:upper:]' '[:lower:]')
		[ -n "$c" ] && methods="$c ${methods//$c/}"
	fi
	for method in $methods; do
		case $method in
		gzip) magic='\x1f\x8b\x08' tool=gzip pkg=gzip ;;
		xz) magic='\xfd\x37\x7a\x58\x5a\x00' tool=xz pkg=xz-utils ;;
		zstd) magic='\x28\xb5\x2f\xfd' tool=zstd pkg=zstd ;;
		lz4) magic='\x02\x21\x4c\x18' tool=lz4 pkg=lz4 ;;
		bzip2) magic='\x42\x5a\x68' tool=bzip2 pkg=bzip2 ;;
		lzma) magic='\x5d\x00\x00\x00' tool=xz pkg=xz-utils ;;
		lzo) magic='\x89\x4c\x5a' tool=lzop pkg=lzop ;;
		esac
		local offsets
		offsets=$(LC_ALL=C grep -obUaP "$magic" "$img" | cut -d: -f1 | head -n 20 || true)
		[ -n "$offsets" ] || continue
		command -v "$tool" >/dev/null || apt_install "$pkg"
		for pos in $offsets; do
			case $method in
			lzma) tail -c +$((pos + 1)) "$img" | xz -dc --format=lzma >"$out" 2>/dev/null || true ;;
			lzo) tail -c +$((pos + 1)) "$img" | lzop -dc >"$out" 2>/dev/null || true ;;
			# trailing data after the stream makes the tools exit non-zero: judge the output
			*) tail -c +$((pos + 1)) "$img" | "$tool" -dc >"$out" 2>/dev/null || true ;;
			esac
			if is_elf "$out"; then
				COMPRESSION=$method
				return 0
			fi
		done
	done
	return 1
}

extract_vmlinux "$VMLINUZ" "$WORK/vmlinux.full" || die "could not find an ELF kernel inside $VMLINUZ"
END=$(elf_end "$WORK/vmlinux.full")
SIZE=$(stat -c %s "$WORK/vmlinux.full")
[ "$END" -le "$SIZE" ] || die "truncated vmlinux: ELF ends at $END but only $SIZE bytes were decompressed"
head -c "$END" "$WORK/vmlinux.full" >"$WORK/vmlinux"
rm -f "$WORK/vmlinux.full"
if command -v file >/dev/null; then
	file -b "$WORK/vmlinux" | grep -q '^ELF 64-bit LSB executable, x86-64' || die "vmlinux is not an x86-64 ELF: $(file -b "$WORK/vmlinux")"
fi
if command -v readelf >/dev/null; then # XEN_ELFNOTE_PHYS32_ENTRY (18) = PVH entry point
	readelf -n "$WORK/vmlinux" | grep -q 'Xen .*(0x00000012)' || die "vmlinux has no PVH entry note: QEMU cannot boot it directly"
fi
log "vmlinux $KVER: $COMPRESSION payload, $END bytes"

# --- modules -------------------------------------------------------------------
norm() { echo "${1//-/_}"; }
declare -A KO=() BUILTIN=() SEEN=()
while IFS= read -r p; do
	b=${p##*/}
	BUILTIN[$(norm "${b%.ko}")]=1
done <"$MODDIR/modules.builtin"
while IFS= read -r p; do
	b=${p##*/}
	b=${b%.xz} b=${b%.zst} b=${b%.gz}
	KO[$(norm "${b%.ko}")]=$p
done < <(find "$MODDIR/kernel" -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' -o -name '*.ko.gz')

mkdir -p "$WORK/mods"
ORDER=()
# add_module NAME: decompresses it into $WORK/mods, after its dependencies.
add_module() {
	local m
	m=$(norm "$1")
	[ -z "${SEEN[$m]:-}" ] || return 0
	SEEN[$m]=1
	[ -z "${BUILTIN[$m]:-}" ] || return 0
	local src=${KO[$m]:-}
	[ -n "$src" ] || die "module $m is neither built in nor in $KPKG"
	case $src in
	*.xz) xz -dc "$src" >"$WORK/mods/$m.ko" ;;
	*.zst) zstd -qdc "$src" >"$WORK/mods/$m.ko" ;;
	*.gz) gzip -dc "$src" >"$WORK/mods/$m.ko" ;;
	*) cp "$src" "$WORK/mods/$m.ko" ;;
	esac
	local info deps softpre d
	info=$(tr '\0' '\n' <"$WORK/mods/$m.ko" | LC_ALL=C grep -a -E '^(depends|softdep)=' || true)
	deps=$(sed -n 's/^depends=//p' <<<"$info" | tr ',' ' ')
	# "softdep=pre: crc32c post: foo" -> crc32c (needed before, e.g. ext4's checksums)
	softpre=$(sed -n 's/^softdep=//p' <<<"$info" | sed 's/post:.*//; s/pre://g')
	for d in $deps; do add_module "$d"; done
	for d in $softpre; do
		d=$(norm "$d")
		[ -n "${KO[$d]:-}" ] && add_module "$d"
	done
	ORDER+=("$m")
}
for m in $GUEST_MODULES; do add_module "$m"; done
log "modules to load: ${ORDER[*]:-none} (built in: $(for m in $GUEST_MODULES; do [ -n "${BUILTIN[$(norm "$m")]:-}" ] && printf '%s ' "$m"; done))"

# --- initramfs -----------------------------------------------------------------
R=$WORK/initramfs
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,run,tmp,data,root,var/log,lib/modules,usr/lib/nephele}
cp "$BUSYBOX" "$R/bin/busybox"
chmod 0755 "$R/bin/busybox"
while IFS= read -r applet; do
	case $applet in '' | bin/busybox | linuxrc) continue ;; esac
	[ -e "$R/$applet" ] || ln -s /bin/busybox "$R/$applet"
done < <("$BUSYBOX" --list-full)
[ -e "$R/bin/sh" ] || ln -s /bin/busybox "$R/bin/sh"
install -m 0755 "$GUEST_SRC/init.sh" "$R/init"
for f in "$GUEST_SRC"/*; do
	[ -f "$f" ] || continue
	case ${f##*/} in init.sh) continue ;; esac
	# Modes from the file name, not the checkout: *.sh are executables.
	if [ "${f##*.}" = sh ]; then install -m 0755 "$f" "$R/usr/lib/nephele/"; else install -m 0644 "$f" "$R/usr/lib/nephele/"; fi
done
for m in "${ORDER[@]}"; do install -m 0644 "$WORK/mods/$m.ko" "$R/lib/modules/$m.ko"; done
printf '%s\n' "${ORDER[@]}" >"$R/lib/modules/load.order"

# The data disk's initial tree (also the defaults for a blank disk).
D=$WORK/data
mkdir -p "$D"
cp -R "$GUEST_SRC/data/." "$D/"
NEPHELE_DATA=$D NEPHELE_LIB=$GUEST_SRC "$BUSYBOX" sh "$GUEST_SRC/appliance.sh" render || die "rendering www/index.html failed"
[ -s "$D/www/index.html" ] || die "no www/index.html"
find "$D" -type d -exec chmod 0755 {} + && find "$D" -type f -exec chmod 0644 {} +
mkdir -p "$R/usr/lib/nephele/defaults"
cp -R "$D/." "$R/usr/lib/nephele/defaults/"
APP_PORT=$(head -n1 "$D/config/port" | tr -dc 0-9)
APP_PORT=${APP_PORT:-8080}

cat >"$R/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$R/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
echo nephele-guest >"$R/etc/hostname"
echo 'nameserver 10.0.2.3' >"$R/etc/resolv.conf"
cat >"$R/etc/nephele-guest" <<EOF
kernel=$KVER
kernelPackage=$KPKG=$KPKG_VERSION
busybox=$BUSYBOX_VERSION
inputs=$INPUTS_HASH
EOF
# The kernel opens /dev/console for /init before devtmpfs is mounted.
[ "$(id -u)" = 0 ] && mknod -m 0600 "$R/dev/console" c 5 1

find "$R" "$D" -exec touch -h -d "@$EPOCH" {} +
(cd "$R" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) | gzip -9n >"$WORK/initramfs.cpio.gz"

# --- data disk -----------------------------------------------------------------
truncate -s "${DATA_SIZE_MIB}M" "$WORK/data.raw"
E2FSPROGS_FAKE_TIME=$EPOCH mke2fs -q -F -t ext4 -b 4096 -m 0 -L nephele-data -U "$DATA_FS_UUID" \
	-E "hash_seed=$DATA_FS_UUID,root_owner=0:0,lazy_itable_init=0,lazy_journal_init=0" \
	-d "$D" "$WORK/data.raw" >&2 || die "mke2fs failed"
# mke2fs -d copies each file's ctime (which cannot be set on the source): pin
# every timestamp so the image is the same bytes on every build.
(cd "$D" && find . -mindepth 1 | LC_ALL=C sort) | {
	for p in / /lost+found; do printf 'sif "%s" %s @%s\n' "$p" ctime "$EPOCH" "$p" atime "$EPOCH" "$p" mtime "$EPOCH" "$p" crtime "$EPOCH"; done
	while IFS= read -r p; do
		p=${p#.}
		for field in ctime atime mtime crtime; do printf 'sif "%s" %s @%s\n' "$p" "$field" "$EPOCH"; done
	done
} >"$WORK/debugfs.cmds"
E2FSPROGS_FAKE_TIME=$EPOCH debugfs -w -f "$WORK/debugfs.cmds" "$WORK/data.raw" >/dev/null 2>"$WORK/debugfs.err" || die "debugfs failed: $(cat "$WORK/debugfs.err")"
! grep -v '^debugfs [0-9.]* (' "$WORK/debugfs.err" | grep -q . || die "debugfs: $(cat "$WORK/debugfs.err")"
qemu-img convert -q -f raw -O qcow2 "$WORK/data.raw" "$WORK/data.qcow2"
rm -f "$WORK/data.raw"

# --- install -------------------------------------------------------------------
declare -A SHA=() SIZES=()
for f in "${FILES[@]}"; do
	SHA[$f]=$(sha256sum <"$WORK/$f" | cut -d' ' -f1)
	SIZES[$f]=$(stat -c %s "$WORK/$f")
done
json_list() { local s="" x; for x in "$@"; do s="$s${s:+, }\"$x\""; done; echo "[$s]"; }
cat >"$WORK/manifest.json" <<EOF
{
  "format": $FORMAT,
  "kernelVersion": "$KVER",
  "kernelPackage": "$KPKG",
  "kernelPackageVersion": "$KPKG_VERSION",
  "kernelMetaPackage": "$KERNEL_META",
  "kernelMetaVersion": "$META_VERSION",
  "kernelCompression": "$COMPRESSION",
  "busyboxVersion": "$BUSYBOX_VERSION",
  "modules": $(json_list "${ORDER[@]}"),
  "files": {
    "vmlinux": "${SHA[vmlinux]}",
    "initramfs.cpio.gz": "${SHA[initramfs.cpio.gz]}",
    "data.qcow2": "${SHA[data.qcow2]}"
  },
  "sizes": {
    "vmlinux": ${SIZES[vmlinux]},
    "initramfs.cpio.gz": ${SIZES[initramfs.cpio.gz]},
    "data.qcow2": ${SIZES[data.qcow2]}
  },
  "bootArgs": "$BOOT_ARGS",
  "guestAgentPort": "$AGENT_PORT",
  "appliancePort": $APP_PORT,
  "dataDisk": { "format": "qcow2", "filesystem": "ext4", "virtualSizeBytes": $((DATA_SIZE_MIB * 1024 * 1024)), "guestDevice": "/dev/vda", "mountPoint": "/data" },
  "guestNetwork": { "address": "10.0.2.15/24", "gateway": "10.0.2.2" },
  "minMemoryMiB": $MIN_MEMORY_MIB,
  "inputsHash": "$INPUTS_HASH",
  "aptFingerprint": "$APT_FP",
  "builtAt": "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
}
EOF

# The manifest goes last: a manifest that matches means the files are complete.
# A file whose bytes did not change keeps its inode (running VMs and overlays
# keep pointing at the very same base).
rm -f "$OUT_DIR/manifest.json"
for f in "${FILES[@]}"; do
	if [ -f "$OUT_DIR/$f" ] && cmp -s "$WORK/$f" "$OUT_DIR/$f"; then continue; fi
	chmod 0444 "$WORK/$f"
	mv -f "$WORK/$f" "$OUT_DIR/$f"
done
chmod 0644 "$WORK/manifest.json"
mv -f "$WORK/manifest.json" "$OUT_DIR/manifest.json"
log "built $OUT_DIR in $(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')s:$(for f in "${FILES[@]}"; do printf ' %s %s KiB' "$f" $(( ${SIZES[$f]} / 1024 )); done)"
echo "$OUT_DIR"
