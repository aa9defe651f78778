"""How fast the print-page reader is, as ratios against a baseline measured in the same run.

Baseline: decoding the bytes and splitting them into stripped lines, the least any reader of
the page must do. The reader's cost is reported as a multiple of that, for the shipped page and
for a page at the 1 MB upload limit (the seed repeated), so a rule that turns quadratic shows
up as the big page's ratio growing well past the small one's.

    python bench/printpage.py
"""

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from articles.printpage import MAX_BYTES, decode, parse  # noqa: E402


def best_of(fn, repeat):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def baseline(data):
    return [line.strip() for line in data.decode("utf-8").split("\n")]


def main():
    seed = (ROOT / "articles" / "seed" / "qiantang-print-page.txt").read_bytes()
    big = (seed * (MAX_BYTES // len(seed) + 1))[:MAX_BYTES]
    big = big[: big.rfind(b"\n")]
    print(f"{'page':<22}{'bytes':>10}{'baseline ms':>14}{'reader ms':>12}{'ratio':>8}")
    for name, data, repeat in [("seed", seed, 200), ("1 MB (seed repeated)", big, 5)]:
        base = best_of(lambda d=data: baseline(d), repeat)
        reader = best_of(lambda d=data: parse(decode(d)), repeat)
        print(
            f"{name:<22}{len(data):>10}{base * 1000:>14.2f}{reader * 1000:>12.2f}"
            f"{reader / base:>8.1f}"
        )


if __name__ == "__main__":
    main()
