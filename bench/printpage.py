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
    # One paragraph wrapped at a narrow column, 2,500 to 20,000 lines (the most a page may
    # have): the reader's time per line must not grow with the paragraph (it once did, as the
    # square of the lines: 315 s for a 1 MB paste).
    print(f"\n{'narrow column, lines':<22}{'reader ms':>12}{'µs per line':>14}{'vs 2,500':>10}")
    first = None
    for lines in (2_500, 5_000, 10_000, 19_990):
        data = ("窄栏 标题\n\n本报记者 张 三\n\n" + "窄栏折行文字，\n" * lines + "完。\n").encode()
        reader = best_of(lambda d=data: parse(decode(d)), 2)
        per_line = reader / lines
        first = first or per_line
        print(f"{lines:<22,}{reader * 1000:>12.0f}{per_line * 1e6:>14.1f}{per_line / first:>10.2f}")


if __name__ == "__main__":
    main()
