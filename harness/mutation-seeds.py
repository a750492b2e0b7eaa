#!/usr/bin/env python3
"""mutation-seeds.py -- writes the seeds of the case_mutator target
(targets/case_mutator.c): mutation records (certgen/case_mutator.h) of the
cases of corpus/chain_verify, named by SHA-1.

Usage: harness/mutation-seeds.py [--from DIR] [--out DIR] [--cases N]
Defaults: --from corpus/chain_verify --out corpus/case_mutator --cases 32.
The first N cases (by file name) each give two mutate records (seeds 0 and
4000 + i, max_size 65536: a structural call of the libFuzzer hook, and one
with the flag "no byte-level mutator", as the AFL++ mutator makes) and,
with the next case, one crossover record. Deterministic: the same corpus
gives the same files. Exit 0, or 2 on a usage error."""
import argparse
import hashlib
import os
import struct
import sys


def record(op, flags, seed, max_size, data1, data2=b""):
    return (b"CFMR" + bytes([1, op, flags, 0]) +
            struct.pack(">III", seed, max_size, len(data1)) + data1 + data2)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--from", dest="src", default="corpus/chain_verify")
    ap.add_argument("--out", default="corpus/case_mutator")
    ap.add_argument("--cases", type=int, default=32)
    try:
        a = ap.parse_args()
    except SystemExit as e:
        sys.exit(2 if e.code else 0)
    if not os.path.isdir(a.src) or a.cases < 1:
        print("mutation-seeds.py: --from must be a directory and --cases >= 1",
              file=sys.stderr)
        sys.exit(2)
    names = sorted(n for n in os.listdir(a.src) if not n.startswith("."))[:a.cases]
    cases = [open(os.path.join(a.src, n), "rb").read() for n in names]
    os.makedirs(a.out, exist_ok=True)
    written = 0
    for i, c in enumerate(cases):
        recs = [record(0, 0, 4 * i, 65536, c),
                record(0, 1, 4000 + i, 65536, c)]
        if i + 1 < len(cases):
            recs.append(record(1, 0, 8000 + i, 65536, c, cases[i + 1]))
        for r in recs:
            path = os.path.join(a.out, hashlib.sha1(r).hexdigest())
            if not os.path.exists(path):
                with open(path + ".tmp", "wb") as f:
                    f.write(r)
                os.replace(path + ".tmp", path)
                written += 1
    print("mutation-seeds.py: %d records from %d cases in %s (%d new)" %
          (3 * len(cases) - 1, len(cases), a.out, written))


if __name__ == "__main__":
    main()
