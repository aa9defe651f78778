"""How the print-page reader does on the labelled corpus (tests/printpages/corpus).

Shared by tests/test_printpage_corpus.py and bench/importer_accuracy.py. A page's expected
structure is its .json; the expected role of each line comes from the labelled source the page
was generated from (source/<set>/<name>.page, see source/gen.py): its labels map to roles as

    F -> furniture, editor (责任编辑 / 本版编辑 … lines) or jump (（下转A06版）) by what the line is
    B badge, K kicker, T title, S subtitle, Y byline, H heading, P and J body, C caption,
    R, R* (a credit printed once for a group of figures) and PC credit

and the story of a line is the story its label belongs to (None for F and PC lines).
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from articles.printlines import editor_names, is_jump
from articles.printpage import read_page

CORPUS = Path(__file__).resolve().parent / "printpages" / "corpus"
_LABEL = re.compile(r"^(PC|R\*|[FBKTSYHPJCR])(\d*)(?:@(\d+))?\|(.*)$")
_ROLE = {
    "B": "badge",
    "K": "kicker",
    "T": "title",
    "S": "subtitle",
    "Y": "byline",
    "H": "heading",
    "P": "body",
    "J": "body",
    "C": "caption",
    "R": "credit",
    "PC": "credit",
}


def pages(name):
    """The page names of a set ("dev" or "heldout"), sorted."""
    return sorted(path.stem for path in (CORPUS / name).glob("*.txt"))


def expected_lines(name, page):
    """{line number: (role, story index or None)} from the page's labelled source."""
    source = CORPUS / "source" / name / f"{page}.page"
    out, story, figure_story = [], -1, None
    for raw in source.read_text(encoding="utf-8").split("\n"):
        if raw.startswith(("#", "@")):
            continue
        if raw.startswith("==="):
            story += 1
            continue
        if raw == "":
            out.append(None)
            continue
        match = _LABEL.match(raw)
        label, at, text = match.group(1), match.group(3), match.group(4)
        owner = int(at) - 1 if at else story
        if label == "F":
            if editor_names(text) is not None:
                role = "editor"
            elif is_jump(text):
                role = "jump"
            else:
                role = "furniture"
            out.append((role, None))
        elif label == "PC":
            out.append(("credit", None))
        elif label in ("R", "R*"):
            out.append(("credit", figure_story))
        else:
            if label == "C":
                figure_story = owner
            out.append((_ROLE[label], owner))
    while out and out[0] is None:
        out.pop(0)
    return {n: item for n, item in enumerate(out, start=1) if item is not None}


@dataclass
class PageScore:
    page: str
    differences: list = field(default_factory=list)
    lines: int = 0
    right: int = 0
    line_errors: list = field(default_factory=list)

    @property
    def exact(self):
        return not self.differences


def _story_view(story):
    return {
        "badge": story.badge,
        "kicker": story.kicker,
        "title": story.title,
        "subtitle": story.subtitle,
        "bylines": story.bylines,
        "sections": [
            {"heading": s["heading"], "paragraphs": s["paragraphs"]} for s in story.sections
        ],
        "figures": [{"caption": f["caption"], "credit": f["credit"]} for f in story.figures],
        "photo_credit": story.photo_credit,
    }


def differences(reading, expected):
    """Where a PageReading differs from a page's expected structure, one string each."""
    out = []
    for key in ("print", "editors", "furniture"):
        if getattr(reading, key) != expected[key]:
            out.append(f"{key}: {getattr(reading, key)!r} != {expected[key]!r}")
    got, want = reading.stories, expected["stories"]
    if len(got) != len(want):
        out.append(
            f"stories: {len(got)} {[s.title for s in got]!r} != "
            f"{len(want)} {[s['title'] for s in want]!r}"
        )
    for number, (story, wanted) in enumerate(zip(got, want, strict=False)):
        view = _story_view(story)
        for key, value in wanted.items():
            if key == "sections" and view[key] != value:
                out.extend(_section_differences(number, view[key], value))
            elif view[key] != value:
                out.append(f"story {number} {key}: {view[key]!r} != {value!r}")
    return out


def _section_differences(number, got, want):
    out = []
    if [s["heading"] for s in got] != [s["heading"] for s in want]:
        out.append(
            f"story {number} headings: {[s['heading'] for s in got]!r} != "
            f"{[s['heading'] for s in want]!r}"
        )
    got_paragraphs = [p for s in got for p in s["paragraphs"]]
    want_paragraphs = [p for s in want for p in s["paragraphs"]]
    for p in want_paragraphs:
        if p not in got_paragraphs:
            out.append(f"story {number} paragraph missing: {p[:30]!r}…{p[-15:]!r}")
    for p in got_paragraphs:
        if p not in want_paragraphs:
            out.append(f"story {number} paragraph not expected: {p[:30]!r}…{p[-15:]!r}")
    if not out:
        out.append(
            f"story {number} paragraphs per section: "
            f"{[len(s['paragraphs']) for s in got]} != {[len(s['paragraphs']) for s in want]}"
        )
    return out


def score_page(name, page):
    text = (CORPUS / name / f"{page}.txt").read_bytes().decode("utf-8")
    expected = json.loads((CORPUS / name / f"{page}.json").read_text(encoding="utf-8"))
    reading = read_page(text)
    score = PageScore(page, differences(reading, expected))
    roles = expected_lines(name, page)
    for line in reading.lines:
        want = roles.get(line.n)
        score.lines += 1
        if want is not None and want[0] == line.role:
            score.right += 1
        else:
            score.line_errors.append((line.n, line.text.strip(), line.role, want, line.why))
    missing = set(roles) - {line.n for line in reading.lines}
    score.lines += len(missing)
    return score


def score_set(name):
    return [score_page(name, page) for page in pages(name)]
