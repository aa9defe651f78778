"""How accurately the print-page reader reads the labelled corpus, for the dev and held-out sets.

For each set: pages read exactly (every field and every paragraph matches the page's .json:
print provenance, editors, furniture, and each story's badge, kicker, title, subtitle, bylines,
sections, figures with credits and photo credit) and line-role accuracy (lines given the role
their labelled source says; tests/corpus_scoring.py maps the labels to roles).

    python bench/importer_accuracy.py              # both sets
    python bench/importer_accuracy.py dev -v       # one set, with what differs on each page

The held-out set is for measuring only: the reader is never tuned on it (docs/importer.md).
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.corpus_scoring import score_set  # noqa: E402


def report(name, verbose):
    scores = score_set(name)
    exact = sum(score.exact for score in scores)
    right = sum(score.right for score in scores)
    lines = sum(score.lines for score in scores)
    print(
        f"{name:<8} pages exact {exact}/{len(scores)}   "
        f"line roles {right}/{lines} = {right / lines:.1%}"
    )
    if verbose:
        for score in scores:
            if score.exact and not score.line_errors:
                continue
            print(f"  {score.page}: {score.right}/{score.lines} lines")
            for difference in score.differences:
                print(f"    {difference[:200]}")
            for n, text, role, want, why in score.line_errors:
                print(f"    line {n} read as {role}, labelled {want}: {text[:30]} ({why})")


def main(argv):
    verbose = "-v" in argv
    names = [arg for arg in argv if not arg.startswith("-")] or ["dev", "heldout"]
    for name in names:
        report(name, verbose)


if __name__ == "__main__":
    main(sys.argv[1:])
