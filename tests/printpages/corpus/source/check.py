"""Independent check of a print-page corpus: reads only the .txt/.json pairs."""

import json
import pathlib
import re
import subprocess
import sys
import unicodedata

WS = re.compile(r"[\s\u3000\ufeff]+")
SENT_END = "。！？…”』）!?"
POINTER = re.compile(r"^（?图[\u2460-\u2473]+")  # 图①② before a credit shared by a group
CN_NUM = "零一二三四五六七八九十"


def cn(n):
    """1..99 in Chinese numerals, as a page number is printed (第五版, 第十二版)"""
    tens, ones = divmod(n, 10)
    return (
        (CN_NUM[tens] if tens > 1 else "") + ("十" if tens else "") + (CN_NUM[ones] if ones else "")
    )


def norm(s):
    return WS.sub("", s)


def strings(doc):
    """(kind, string) for every text the json claims is on the page."""
    for f in doc["furniture"]:
        yield "furniture", f
    for st in doc["stories"]:
        for b in st["badge"]:
            yield "badge", b
        if st["kicker"]:
            yield "kicker", st["kicker"]
        yield "title", st["title"]
        if st["subtitle"]:
            yield "subtitle", st["subtitle"]
        for sec in st["sections"]:
            if sec["heading"]:
                yield "heading", sec["heading"]
            for p in sec["paragraphs"]:
                yield "paragraph", p
        for fig in st["figures"]:
            yield "caption", fig["caption"]
            if fig["credit"]:
                yield "credit", fig["credit"]
        if st["photo_credit"]:
            yield "photo_credit", st["photo_credit"]


def body_len(st):
    return sum(len(norm(p)) for sec in st["sections"] for p in sec["paragraphs"])


def check(txtp, jsonp):
    errs, notes = [], []
    r = subprocess.run([sys.executable, "-m", "json.tool", str(jsonp)], capture_output=True)
    if r.returncode:
        errs.append("json.tool: " + r.stderr.decode())
        return errs, notes
    raw = txtp.read_bytes()
    txt = raw.decode("utf-8")
    if txt.startswith("\ufeff"):
        txt = txt[1:]
    doc = json.loads(jsonp.read_text(encoding="utf-8"))
    assert set(doc) == {"print", "editors", "furniture", "stories"}, doc.keys()
    flat = norm(txt)
    lines = [norm(line) for line in txt.split("\n") if norm(line)]
    side = set()
    for st in doc["stories"]:
        for f in st["figures"]:
            side.add(norm(f["caption"]))
            side.add(norm(f["credit"]))
            side.add(norm(f["caption"]) + "（" + norm(f["credit"]) + "）")
            side.add("（" + norm(f["credit"]) + "）")
            side.add(norm(st["photo_credit"]))
            side.add("（" + norm(st["photo_credit"]) + "）")
    side |= {norm(f) for f in doc["furniture"]}

    def unpointed(line):
        """a group credit line (图①② 记者 王强 摄) as the credit it carries"""
        return POINTER.sub("", line).removesuffix("）") if POINTER.match(line) else line

    def pieced(p):
        """p is made of consecutive lines, with only captions/credits/furniture between pieces"""
        p = norm(p)
        for i, line in enumerate(lines):
            if not p.startswith(line):
                continue
            rest, j = p[len(line) :], i + 1
            while rest and j < len(lines):
                if rest.startswith(lines[j]):
                    rest = rest[len(lines[j]) :]
                elif lines[j] not in side and unpointed(lines[j]) not in side:
                    break
                j += 1
            if not rest:
                return True
        return False

    for kind, s in strings(doc):
        if kind == "paragraph" and not pieced(s):
            errs.append(f"paragraph not made of txt lines: {s[:40]!r}")
        if not s or (norm(s) not in flat and kind != "paragraph"):
            errs.append(f"{kind} not in txt: {s[:40]!r}")
        if s != s.strip(" \u3000\t\r\n"):
            errs.append(f"{kind} has outer whitespace: {s[:40]!r}")
    furn = set(doc["furniture"])
    for f in furn:
        if f not in txt.replace("\r\n", "\n").split("\n"):
            errs.append(f"furniture not an exact line: {f!r}")
    # every line accounted for
    pool = [norm(s) for k, s in strings(doc) if k != "furniture"]
    names = [b["name"] for st in doc["stories"] for b in st["bylines"]]
    roles = sorted(
        {b["role"] for st in doc["stories"] for b in st["bylines"] if b["role"]},
        key=len,
        reverse=True,
    )
    credits = {norm(f["credit"]) for st in doc["stories"] for f in st["figures"] if f["credit"]}
    for line in txt.lstrip("\ufeff").replace("\r\n", "\n").split("\n"):
        if not line.strip(" \u3000"):
            continue
        if line in furn:
            continue
        n = norm(line)
        if n.startswith("（") and n.endswith("）"):
            n = n[1:-1]
        if any(n in p for p in pool):
            continue
        if POINTER.match(n) and unpointed(n) in credits:
            continue
        # a line carrying a caption plus its bracketed credit, or a bracketed credit
        if any(
            n == norm(c) + "（" + norm(cr) + "）" or n == norm(c) + norm(cr)
            for st in doc["stories"]
            for f in st["figures"]
            for c, cr in [(f["caption"], f["credit"])]
        ):
            continue
        # byline line: all of it is roles, markers and the story's names
        rest = n
        for nm in sorted(names, key=len, reverse=True):
            if nm:
                rest = rest.replace(nm, "")
        rest = re.sub(
            r"(?:本报|新华社)?(?:驻[\u4e00-\u9fff]{1,4}?)?(?:首席|特约|见习|融媒体|全媒体)?"
            r"(?:记者|评论员|通讯员|实习生)|新华社|文/摄|文|图|摄|[■●◆▲/|｜·]",
            "",
            rest,
        )
        if names and rest == "":
            continue
        # or: names and the roles the json gives them (本报驻京记者, 融媒体记者, 见习记者)
        rest = n
        for nm in sorted(names, key=len, reverse=True):
            if nm:
                rest = rest.replace(nm, "")
        for ro in roles:
            rest = rest.replace(norm(ro), "")
        rest = re.sub(r"文/图|文/摄|文|图|摄|[■●◆▲/|｜·]", "", rest)
        if names and rest == "":
            continue
        errs.append(f"line not accounted for: {line[:50]!r}")
    # page header consistency
    if doc["print"]:
        # The header may take several lines and print full-width digits (２０２６年).
        first = unicodedata.normalize("NFKC", " ".join(doc["furniture"]))
        for k, v in doc["print"].items():
            if k == "date":
                y, m, d = v.split("-")
                if not (
                    f"{y}年{int(m)}月{int(d)}日" in first or f"{y}.{m}.{d}" in first or v in first
                ):
                    errs.append(f"date {v} not in header {first!r}")
            elif k == "page" and (
                v.isdigit()
                and f"第{cn(int(v))}版" in first
                or re.search(rf"第\s*{v}\s*版|(?<![0-9]){re.escape(v)}", first)
            ):
                continue
            elif v not in first:
                errs.append(f"print {k}={v} not in header {first!r}")
    for e in doc["editors"]:
        if not any(norm(e) in norm(f) and re.search("责任编辑|本版编辑|编辑", f) for f in furn):
            errs.append(f"editor {e} not in an editors line")
    for st in doc["stories"]:
        bl = body_len(st)
        notes.append(f"  story {st['title'][:16]}: body {bl} chars")
        if not 300 <= bl <= 1500:
            # The corpus writers aimed at 300-1500; outside reviewers' pages are shorter.
            notes.append(f"  NOTE story {st['title'][:20]!r} body length {bl}")
        for b in st["bylines"]:
            if b["name"] and not re.fullmatch(r"[\u4e00-\u9fff]{2,4}", b["name"]):
                errs.append(f"odd byline name {b}")
        for sec in st["sections"]:
            for p in sec["paragraphs"]:
                if p[-1] not in SENT_END:
                    notes.append(f"  NOTE paragraph ends open: ...{p[-12:]!r}")
        for f in st["figures"]:
            if len(f["caption"]) > 80 or "。" in f["caption"].removesuffix("。"):
                errs.append(f"odd caption {f['caption']!r}")
    return errs, notes


if __name__ == "__main__":
    # The corpus (its sets are folders) or one set.
    root = pathlib.Path(sys.argv[1])
    found = sorted(root.glob("*/*.txt")) or sorted(root.glob("*.txt"))
    bad = 0
    for txtp in found:
        jsonp = txtp.with_suffix(".json")
        errs, notes = check(txtp, jsonp)
        print(("FAIL " if errs else "ok   ") + str(txtp.relative_to(txtp.parents[1])))
        for n in notes:
            print(n)
        for e in errs:
            print("   ", e)
        bad += bool(errs)
    print("failures:", bad)
