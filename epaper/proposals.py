"""Story regions proposed from a PDF's text positions (no Django: plain data in, boxes out).

A PDF made by a layout system carries its text with positions: one box per run of characters
on a line (epaper.pdfworker). The stories of the page are known from its text (the print-page
reader made them into drafts). A line belongs to a story when its characters appear, in order,
in that story's text and in no other's; the lines of a story are then gathered into as few
rectangles as possible, each growing only while it takes in no line of another story. The
editor confirms the result in the admin: proposals are never shown to readers until then.

How well it does on generated pages, and where it fails: docs/epaper.md.
"""

import re
import unicodedata
from dataclasses import dataclass

# Characters compared: letters and digits of any script; spaces and punctuation differ too
# often between a PDF's text and the typed one (full- and half-width, padded names).
_NOT_COMPARED = re.compile(r"[^\w]|_", re.UNICODE)
# A line this short ("图①", "本报讯") says too little to be placed on its own.
MIN_LINE_CHARS = 3
# Margin added around a proposed box, in page widths/heights.
PADDING = 0.004


def key(text):
    return _NOT_COMPARED.sub("", unicodedata.normalize("NFKC", text or ""))


@dataclass
class Line:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    story: int | None = None


@dataclass
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def union(self, other):
        return Box(
            min(self.x0, other.x0),
            min(self.y0, other.y0),
            max(self.x1, other.x1),
            max(self.y1, other.y1),
        )

    def contains_centre(self, line):
        cx, cy = (line.x0 + line.x1) / 2, (line.y0 + line.y1) / 2
        return self.x0 <= cx <= self.x1 and self.y0 <= cy <= self.y1

    def overlaps(self, line):
        return not (
            line.x1 <= self.x0 or line.x0 >= self.x1 or line.y1 <= self.y0 or line.y0 >= self.y1
        )

    def as_xywh(self):
        x0, y0 = max(0.0, self.x0 - PADDING), max(0.0, self.y0 - PADDING)
        x1, y1 = min(1.0, self.x1 + PADDING), min(1.0, self.y1 + PADDING)
        return (round(x0, 5), round(y0, 5), round(x1 - x0, 5), round(y1 - y0, 5))


def assign(lines, story_texts):
    """Give each line the index of the one story whose text holds it (else None)."""
    keys = [key(text) for text in story_texts]
    for line in lines:
        k = key(line.text)
        if len(k) < MIN_LINE_CHARS:
            continue
        holders = [index for index, text in enumerate(keys) if k in text]
        if len(holders) == 1:
            line.story = holders[0]
    return lines


def _runs(own, foreign):
    """A story's lines gathered into column runs: lines under one another, close together."""
    runs = []
    for line in sorted(own, key=lambda item: (item.y0, item.x0)):
        height = line.y1 - line.y0
        for index, run in enumerate(runs):
            overlap = min(run.x1, line.x1) - max(run.x0, line.x0)
            narrower = min(run.x1 - run.x0, line.x1 - line.x0)
            if overlap > 0.5 * narrower and -height < line.y0 - run.y1 < 2.5 * height:
                candidate = run.union(Box(line.x0, line.y0, line.x1, line.y1))
                if not any(candidate.overlaps(other) for other in foreign):
                    runs[index] = candidate
                    break
        else:
            runs.append(Box(line.x0, line.y0, line.x1, line.y1))
    return runs


def _grow(boxes, foreign):
    """Merge boxes pairwise while the merged box holds none of the foreign lines."""
    merged = True
    while merged and len(boxes) > 1:
        merged = False
        # Nearest pairs first, so a story's columns join before its far-away pieces.
        pairs = sorted(
            ((i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes))),
            key=lambda p: _gap(boxes[p[0]], boxes[p[1]]),
        )
        for i, j in pairs:
            candidate = boxes[i].union(boxes[j])
            if not any(candidate.overlaps(line) for line in foreign):
                boxes = [b for n, b in enumerate(boxes) if n not in (i, j)] + [candidate]
                merged = True
                break
    return boxes


def _gap(a, b):
    dx = max(0.0, max(a.x0, b.x0) - min(a.x1, b.x1))
    dy = max(0.0, max(a.y0, b.y0) - min(a.y1, b.y1))
    return dx + dy


def propose(raw_lines, story_texts):
    """[(story index, (x, y, width, height)), ...] in reading order of the stories.

    raw_lines: [[x0, y0, x1, y1, text], ...] in 0..1 page coordinates from the top left
    (Page.text_lines); story_texts: one string per story, all of its text.
    """
    lines = assign([Line(*line) for line in raw_lines], story_texts)
    proposals = []
    for story in range(len(story_texts)):
        own = [line for line in lines if line.story == story]
        if not own:
            continue
        foreign = [line for line in lines if line.story is not None and line.story != story]
        boxes = _grow(_runs(own, foreign), foreign)
        # Top to bottom, then left to right: the order a reader meets the pieces.
        for box in sorted(boxes, key=lambda b: (round(b.y0, 2), b.x0)):
            proposals.append((story, box.as_xywh()))
    return proposals


def story_text(article):
    """All the words of an article as print shows them, for assign()."""
    parts = [article.kicker, article.title, article.subtitle]
    parts += [f"{b.role}{b.author.name}" for b in article.bylines.all()]
    for section in article.sections.all():
        parts += [section.heading, section.body]
    for figure in article.figures.all():
        parts += [figure.caption, figure.credit]
    parts.append(article.photo_credit)
    return "\n".join(p for p in parts if p)
