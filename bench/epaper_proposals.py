"""How well regions proposed from a PDF's text positions match where stories were printed.

Generated pages (epaper.pdfwrite) in eight layouts a desk uses: a lead over three columns, a
lead over two, a story wrapped round another, a grid of five, stories with photos, briefs of
one paragraph, every story signed by the same reporter, and a story jumping between blocks
on both sides of another. Each page is written as a PDF with real text, read as the site
reads uploads (epaper.pagefiles.read_pdf: pdfium in the child process), and proposals are made
from its text lines and the stories' texts (epaper.proposals.propose). The layout's own
record of where each story went is the truth.

Per story, on a 400x600 grid over the page: IoU (the overlap of proposed and true area over
their union), coverage (the share of the story's true area that its proposals cover), and
spill (the share of the proposals' area lying on other stories). Found: stories with at least
one proposal. The texts given are the stories' own (as the drafts hold them after a correct
reading of the page's text): this measures the geometry, not the print-page reader.

    python bench/epaper_proposals.py
"""

import io
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiantang_site.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from articles.printpage import decode, parse  # noqa: E402
from epaper.pagefiles import read_pdf  # noqa: E402
from epaper.pdfwrite import PdfPage, Story, layout_page, write_pdf  # noqa: E402
from epaper.proposals import propose  # noqa: E402

GRID = (400, 600)
SEED_TEXT = ROOT / "articles" / "seed" / "qiantang-print-page.txt"
CORPUS = ROOT / "tests" / "printpages" / "corpus"

LAYOUTS = {
    "lead over three": [
        (0, 36, 50, 728, 520),
        (1, 36, 590, 236, 570),
        (2, 282, 590, 236, 570),
        (3, 528, 590, 236, 570),
    ],
    "lead over two": [(0, 36, 50, 728, 600), (1, 36, 670, 356, 490), (2, 408, 670, 356, 490)],
    "wrapped round": [(0, 36, 50, 360, 1100), (0, 408, 50, 356, 500), (1, 408, 570, 356, 580)],
    "grid of five": [
        (0, 36, 50, 728, 380),
        (1, 36, 450, 356, 340),
        (2, 408, 450, 356, 340),
        (3, 36, 810, 356, 340),
        (4, 408, 810, 356, 340),
    ],
    "with photos": [(0, 36, 50, 500, 700), (1, 548, 50, 216, 700), (2, 36, 770, 728, 390)],
    "briefs": [(n, 36 + (n % 3) * 246, 50 + (n // 3) * 280, 236, 260) for n in range(12)],
    "same byline": [(0, 36, 50, 728, 520), (1, 36, 590, 356, 570), (2, 408, 590, 356, 570)],
    "jump both sides": [
        (0, 36, 50, 236, 1100),
        (1, 282, 50, 236, 1100),
        (0, 528, 50, 236, 1100),
    ],
}


def stories_for(name, paragraphs, rng):
    """Stories of distinct paragraphs (a paragraph printed in two stories is no real page)."""
    count = max(story for story, *_ in LAYOUTS[name]) + 1
    pool = paragraphs[:]
    rng.shuffle(pool)
    stories = []
    for n in range(count):
        length = 1 if name == "briefs" else rng.randrange(4, 9)
        if name == "wrapped round" and n == 0 or name == "jump both sides" and n == 0:
            length = 18
        chosen, pool = pool[:length], pool[length:]
        byline = "本报记者 王强" if name == "same byline" else f"本报记者 记者{n + 1}号"
        caption = f"第{n + 1}篇稿件的现场照片（本报记者 王强 摄）" if name == "with photos" else ""
        stories.append(
            Story(
                f"第{n + 1}篇：{chosen[0][:12]}",
                chosen,
                byline=byline,
                caption=caption,
            )
        )
    return stories


def cells(boxes):
    """The grid cells a list of (x0, y0, x1, y1) boxes covers."""
    out = set()
    for x0, y0, x1, y1 in boxes:
        for gx in range(int(x0 * GRID[0]), int(x1 * GRID[0])):
            for gy in range(int(y0 * GRID[1]), int(y1 * GRID[1])):
                out.add((gx, gy))
    return out


def measure(name, paragraphs, rng):
    stories = stories_for(name, paragraphs, rng)
    page = PdfPage()
    truth = layout_page(page, stories, LAYOUTS[name], header="杭州日报 A05 城市")
    lines = read_pdf(io.BytesIO(write_pdf([page])), "bench.pdf")[0].lines
    texts = ["\n".join([s.title, s.byline, *s.paragraphs, s.caption]) for s in stories]
    found = propose(lines, texts)
    true_cells = {n: cells([b for s, b in truth if s == n]) for n in range(len(stories))}
    rows = []
    for n in range(len(stories)):
        boxes = [(x, y, x + w, y + h) for s, (x, y, w, h) in found if s == n]
        mine = cells(boxes)
        others = set().union(*(c for m, c in true_cells.items() if m != n))
        true = true_cells[n]
        union = mine | true
        rows.append(
            {
                "found": bool(boxes),
                "iou": len(mine & true) / len(union) if union else 0,
                "coverage": len(mine & true) / len(true) if true else 0,
                "spill": len(mine & others) / len(mine) if mine else 0,
                "boxes": len(boxes),
                "blocks": sum(1 for s, *_ in LAYOUTS[name] if s == n),
            }
        )
    return rows


def main():
    # Distinct paragraphs of real print pages: the first article's and the importer's dev set
    # (never its held-out pages, which are kept unread for measuring the reader).
    paragraphs = []
    for path in [SEED_TEXT, *sorted((CORPUS / "dev").glob("*.txt"))]:
        for section in parse(decode(path.read_bytes())).sections:
            paragraphs += [p for p in section["paragraphs"] if len(p) >= 20]
    paragraphs = list(dict.fromkeys(paragraphs))
    rng = random.Random(17)
    print(
        "| layout | stories | found | mean IoU | IoU >= 0.8 | mean coverage | max spill | boxes / printed blocks |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    everything = []
    for name in LAYOUTS:
        rows = measure(name, paragraphs, rng)
        everything += rows
        print(
            f"| {name} | {len(rows)} | {sum(r['found'] for r in rows)} "
            f"| {sum(r['iou'] for r in rows) / len(rows):.2f} "
            f"| {sum(r['iou'] >= 0.8 for r in rows)} "
            f"| {sum(r['coverage'] for r in rows) / len(rows):.2f} "
            f"| {max(r['spill'] for r in rows):.2f} "
            f"| {sum(r['boxes'] for r in rows)} / {sum(r['blocks'] for r in rows)} |"
        )
    rows = everything
    print(
        f"| all | {len(rows)} | {sum(r['found'] for r in rows)} "
        f"| {sum(r['iou'] for r in rows) / len(rows):.2f} | {sum(r['iou'] >= 0.8 for r in rows)} "
        f"| {sum(r['coverage'] for r in rows) / len(rows):.2f} "
        f"| {max(r['spill'] for r in rows):.2f} "
        f"| {sum(r['boxes'] for r in rows)} / {sum(r['blocks'] for r in rows)} |"
    )


if __name__ == "__main__":
    main()
