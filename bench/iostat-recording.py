#!/usr/bin/env python3
"""Writes a kashika iostat recording of a made-up machine: SAMPLES samples one second apart, DISKS disks with two
partitions each, waves of reads and writes, discards and flushes now and then, one short spike per disk.

    python3 bench/iostat-recording.py SAMPLES DISKS > day.rec     (86400 1 is a day at 1 s)
"""
import math
import sys


def main():
    samples, disks = int(sys.argv[1]), int(sys.argv[2])
    names = [f"sd{chr(ord('a') + d)}" for d in range(disks)]
    counters = [[[0] * 17 for _ in range(3)] for _ in names]
    cpu = [0, 0, 0, 0, 0]
    out = sys.stdout.buffer
    out.write(b"kashika-iostat-recording 1\n")
    start = 1764150000000
    for i in range(samples):
        wave = 1 + math.sin(i / 600.0) * math.sin(i / 37.0)
        cpu[0] += int(50 + 30 * wave); cpu[1] += 20; cpu[3] += int(10 * wave); cpu[2] += int(400 - 40 * wave)
        files = [("proc/uptime", f"{1000 + i}.00 {4000 + 4 * i}.00\n"),
                 ("proc/stat", "cpu  {0} 0 {1} {2} {3} 0 0 0 0 0\ncpu0 {0} 0 {1} {2} {3} 0 0 0 0 0\n".format(cpu[0], cpu[1], cpu[2], cpu[3]))]
        diskstats, sysfs = [], []
        for d, disk in enumerate(names):
            for part in range(3):
                c = counters[d][part]
                share = (1.0, 0.7, 0.3)[part]
                spike = part == 0 and i == samples // 3 + 7 * d
                reads = int(share * (5000 if spike else 120) * wave)
                writes = int(share * 80 * (2 - wave))
                c[0] += reads; c[1] += reads // 4; c[2] += reads * 16; c[3] += reads * (40 if spike else 2)
                c[4] += writes; c[5] += writes // 2; c[6] += writes * 64; c[7] += writes * 3
                c[9] += 1000 if spike else int(400 * wave); c[10] += reads * 2 + writes * 3
                if i % 30 == 0:
                    c[11] += 2; c[13] += 4096; c[14] += 1; c[15] += 5; c[16] += 9
                name = disk if part == 0 else f"{disk}{part}"
                stat = " ".join(map(str, c)) + "\n"
                diskstats.append(f"   8 {16 * d + part:7d} {name} {stat}")
                sysfs.append((f"sys/block/{name}/stat" if part == 0 else f"sys/block/{disk}/{name}/stat", stat))
                sysfs.append((f"sys/class/block/{name}/dev", f"8:{16 * d + part}\n"))
        files.append(("proc/diskstats", "".join(diskstats)))
        files += sysfs
        chunk = [f"sample {start + 1000 * i}\n".encode()]
        for path, text in files:
            data = text.encode()
            chunk.append(f"file {path} {len(data)}\n".encode() + data + b"\n")
        chunk.append(b"end\n")
        out.write(b"".join(chunk))


main()
