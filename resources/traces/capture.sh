#!/bin/sh
# Captures resources/traces/debian-6.12-nvme-vtd.trace: the iommu:* and dma:* tracepoints of a real
# Linux guest (Debian's 6.12 kernel) doing block I/O on an emulated NVMe disk behind QEMU's
# emulated Intel IOMMU (intel-iommu, DMA remapping on, strict invalidation), two vCPUs each
# running its own dd. Run as root on Debian 12; the test suite never runs it (the trace is
# committed). Takes a few minutes under TCG (no KVM needed).
#
#   sh resources/traces/capture.sh [OUT_DIR]     (default: the folder this script is in)
#
# What it installs (Debian packages): qemu-system-x86, busybox-static, xz-utils, cpio and the
# kernel linux-image-6.12.107+deb12-amd64-unsigned (the first Debian 12 kernel with the dma:*
# events, which Linux added in 6.12; Debian 12's default 6.1 kernel has only iommu:*).
# What it runs: a busybox initramfs whose /init mounts tracefs, enables iommu:map, iommu:unmap
# and every dma:* event, runs the I/O, stops tracing and writes the trace to the second serial
# port and the events' format files (their TP_printk strings) to the third.
set -eu

KVER=6.12.107+deb12-amd64
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE}
NAME=debian-6.12-nvme-vtd

export DEBIAN_FRONTEND=noninteractive
if [ ! -e /boot/vmlinuz-$KVER ] || ! command -v qemu-system-x86_64 >/dev/null || [ ! -x /bin/busybox ]; then
  apt-get update
  apt-get install -y --no-install-recommends qemu-system-x86 busybox-static xz-utils cpio "linux-image-$KVER-unsigned"
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
ROOT=$WORK/root
mkdir -p "$ROOT/bin" "$ROOT/proc" "$ROOT/sys" "$ROOT/dev" "$ROOT/lib/modules"
cp /bin/busybox "$ROOT/bin/busybox"
for m in nvme-auth nvme-core nvme; do
  xz -dc "$(modinfo -k "$KVER" -n "$m")" > "$ROOT/lib/modules/$m.ko"
done

cat > "$ROOT/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tracefs tracefs /sys/kernel/tracing
for m in nvme-auth nvme-core nvme; do insmod /lib/modules/$m.ko; done
i=0; while [ ! -b /dev/nvme0n1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
T=/sys/kernel/tracing
echo 8192 > $T/buffer_size_kb
echo 1 > $T/events/iommu/map/enable
echo 1 > $T/events/iommu/unmap/enable
echo 1 > $T/events/dma/enable
echo > $T/trace
echo 1 > $T/tracing_on
# CPU 0: 4 KiB direct reads; CPU 1: 64 KiB direct reads, then 16 KiB direct writes.
taskset 1 dd if=/dev/nvme0n1 of=/dev/null bs=4k count=400 iflag=direct 2>/dev/null &
taskset 2 sh -c 'dd if=/dev/nvme0n1 of=/dev/null bs=64k count=100 skip=64 iflag=direct; dd if=/dev/zero of=/dev/nvme0n1 bs=16k count=150 seek=1024 oflag=direct' 2>/dev/null &
wait
echo 0 > $T/tracing_on
cat $T/trace > /dev/ttyS1
for f in $T/events/iommu/*/format $T/events/dma/*/format; do echo "== $f"; cat "$f"; done > /dev/ttyS2
echo "kernel $(uname -r); per-CPU entries:" > /dev/ttyS2
cat $T/per_cpu/cpu*/stats > /dev/ttyS2
poweroff -f
INIT
chmod +x "$ROOT/init"
(cd "$ROOT" && find . | cpio -o -H newc 2>/dev/null | gzip -9) > "$WORK/initrd.gz"
truncate -s 64M "$WORK/disk.img"

timeout 900 qemu-system-x86_64 -machine q35 -accel tcg -cpu max -smp 2 -m 512M \
  -device intel-iommu \
  -kernel /boot/vmlinuz-$KVER -initrd "$WORK/initrd.gz" \
  -append "console=ttyS0 quiet intel_iommu=on iommu.strict=1 iommu.passthrough=0 panic=-1" \
  -drive file="$WORK/disk.img",format=raw,if=none,id=d0 -device nvme,drive=d0,serial=trace0 \
  -nic none -display none -no-reboot \
  -serial file:"$WORK/console.log" -serial file:"$WORK/trace.txt" -serial file:"$WORK/formats.txt"

tr -d '\r' < "$WORK/trace.txt" > "$OUT/$NAME.trace"
tr -d '\r' < "$WORK/formats.txt" > "$OUT/$NAME.formats"
echo "wrote $OUT/$NAME.trace ($(grep -vc '^#' "$OUT/$NAME.trace") event lines) and $OUT/$NAME.formats"
