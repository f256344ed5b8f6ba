#!/usr/bin/env python3
"""Generated perf script inputs for bench/trace: large, diverse profiles (never committed; made on each run).

  trace-inputs.py tree N        N distinct stacks over a random tree of 200,000 functions, depth 10-60, shared prefixes
  trace-inputs.py frames N      N samples, each with its own leaf: N distinct frames (leaf_i; mid_(i%97); main)
  trace-inputs.py deep D S      S samples of one D-frame stack of D distinct frames
"""
import random
import sys

out = sys.stdout
write = out.write
kind = sys.argv[1]
if kind == "tree":
    n, functions = int(sys.argv[2]), 200_000
    rnd = random.Random(20261126)
    # 50 hot paths from main; each stack keeps a prefix of one and goes its own way below it.
    paths = [[f"fn_{rnd.randrange(functions)}" for _ in range(60)] for _ in range(50)]
    seen = set()
    while len(seen) < n:
        base = paths[rnd.randrange(50)]
        depth = rnd.randint(10, 60)
        keep = rnd.randint(3, depth - 1)
        stack = base[:keep] + [f"fn_{rnd.randrange(functions)}" for _ in range(depth - keep)]
        key = ";".join(stack)
        if key in seen:
            continue
        seen.add(key)
        write(f"svc {1000 + rnd.randrange(8)} [00{rnd.randrange(8)}] {len(seen) / 1000:.6f}: {rnd.randint(1, 100000)} cycles:\n")
        write("".join(f"\t{rnd.randrange(1 << 40):x} {f}+0x{rnd.randrange(4096):x} (/usr/lib/libsvc.so)\n" for f in reversed(stack)))
        write("\n")
elif kind == "frames":
    for i in range(int(sys.argv[2])):
        write(f"comm 1234 [000] 1.000000: cycles:\n\tffff leaf_{i} (/bin/x)\n\tffff mid_{i % 97} (/bin/x)\n\tffff main (/bin/x)\n\n")
elif kind == "deep":
    depth, samples = int(sys.argv[2]), int(sys.argv[3])
    frames = "".join(f"\t{d:x} f_{d} (/bin/x)\n" for d in range(depth))
    for i in range(samples):
        write(f"comm 1234 [000] {i}.000000: 1 cycles:\n{frames}\n")
else:
    sys.exit(__doc__)
