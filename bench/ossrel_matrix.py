#!/usr/bin/env python3
"""The 2013 pipeline's matrix step, re-implemented for the benchmark from its documented behaviour:
split each ranking line on ASCII whitespace, count first, a later line of a name replaces an earlier one,
relatedness = sqrt(sum of min counts over shared names), diagonal the integer 0, printed as `var matrix = [...]`."""
import math
import sys


def read(path):
    ranking = {}
    with open(path, "rb") as f:
        for line in f:
            tokens = line.split()
            ranking[b" ".join(tokens[1:])] = int(tokens[0])
    return ranking


def main(paths):
    ranks = [read(p) for p in paths]
    n = len(ranks)
    matrix = [[0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            small, large = sorted((ranks[i], ranks[j]), key=len)
            matrix[i][j] = matrix[j][i] = math.sqrt(sum(min(c, large[k]) for k, c in small.items() if k in large))
    print("var matrix = " + str(matrix))


if __name__ == "__main__":
    main(sys.argv[1:])
