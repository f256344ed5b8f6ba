#!/usr/bin/env python3
"""Writes REPOS synthetic git repositories into FOLDER with git fast-import: IDENTITIES people (each repository's
block of them, and a few drawn by a Zipf-like law: people in hundreds of projects), every person one commit or more and
up to 300 more a repository, over 2015-2024.
Deterministic (seeded).    relate-scale-repos.py FOLDER REPOS IDENTITIES"""
import os, random, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

folder, repos, identities = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(folder, exist_ok=True)
START, SPAN = 1420070400, 10 * 365 * 86400  # 2015-01-01, ten years

def make(r):
    rnd = random.Random(r)
    path = os.path.join(folder, f"p{r:05d}")
    subprocess.run(["git", "init", "-q", "-b", "main", path], check=True)
    # Each repository's own people: most from its block of the identity space (one repository's regulars; every
    # identity is someone's), some from anywhere by a Zipf-like law (the people who are everywhere). Everyone commits.
    block = max(1, identities // repos)
    people = rnd.sample(range(r * block, (r + 1) * block), max(1, block * 9 // 10)) if block > 1 else [r % identities]
    people += [min(int(rnd.paretovariate(0.8)) - 1, identities - 1) for _ in range(rnd.randint(5, 25))]
    order = people + [people[min(int(rnd.paretovariate(1.0)) - 1, len(people) - 1)] for _ in range(rnd.randint(0, 300))]
    rnd.shuffle(order)
    commits = len(order)
    begin = START + rnd.randrange(SPAN // 2)
    lines = []
    for i in range(commits):
        who = order[i]
        t = begin + (i * (SPAN // 2)) // commits
        msg = f"c{r}-{i}\n"
        lines.append(f"commit refs/heads/main\nmark :{i + 1}\nauthor Person {who} <p{who}@example.org> {t} +0000\n"
                     f"committer Person {who} <p{who}@example.org> {t} +0000\ndata {len(msg)}\n{msg}\n")
    subprocess.run(["git", "fast-import", "--quiet"], input="".join(lines).encode(), cwd=path, check=True)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=path, check=True)
    return commits

with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
    total = sum(pool.map(make, range(repos)))
print(f"{repos} repositories, {total} commits", file=sys.stderr)
