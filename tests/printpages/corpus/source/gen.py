"""Assemble a print page .txt and its hand-labelled .json from one source.

Each source line is either a directive (@...), a story break (===), an empty
line (a blank line on the page), or LABEL|text where LABEL is my own reading
of that line:
  F  furniture            B<n> badge block n      K kicker     T title
  S  subtitle             Y byline line           H sub-heading
  P  new paragraph        J continuation of the story's last paragraph
  C  caption (an inline credit follows '||')      R credit of the last figure
  R* a credit printed once for a group of figures (one （记者 X 摄） under the
     captions of 图① and 图②): the credit of every figure since the last credited one
  PC page photo credit line
An R line that opens with a group pointer (图①②, also inside brackets) is the
credit of the story's figures whose captions open with 图① and 图②; the credit
kept for them is the rest of the line.
LABEL@k|text assigns the line to story k (1-based) instead of the current one.
"""

import json
import pathlib
import re
import sys

WS = " \t\u3000\r\n\ufeff"


def unbracket(s):
    s = s.strip(WS)
    if (s.startswith("（") and s.endswith("）")) or (s.startswith("(") and s.endswith(")")):
        return s[1:-1].strip(WS)
    return s


def build(src):
    eol, bom = "\n", False
    doc = {"print": {}, "editors": [], "furniture": [], "stories": []}
    out = []
    stories = []
    cur = 0
    page_credit = None
    for raw in src.read_text(encoding="utf-8").split("\n"):
        if raw.startswith("#"):
            continue
        if raw.startswith("@"):
            key, _, val = raw.partition(" ")
            if key == "@eol":
                eol = {"crlf": "\r\n", "lf": "\n"}[val.strip()]
            elif key == "@bom":
                bom = True
            elif key == "@print":
                doc["print"] = json.loads(val)
            elif key == "@editors":
                doc["editors"] = json.loads(val)
            elif key == "@badge":
                stories[cur - 1]["badge"] = {str(i): b for i, b in enumerate(json.loads(val))}
            elif key == "@by":
                bl = []
                for tok in val.split():
                    name, _, role = tok.partition("/")
                    bl.append({"name": name, "role": role})
                stories[cur - 1]["bylines"] = bl
            else:
                raise SystemExit(f"{src}: bad directive {raw}")
            continue
        if raw.startswith("==="):
            stories.append(
                {
                    "badge": {},
                    "kicker": "",
                    "title": "",
                    "subtitle": "",
                    "bylines": [],
                    "sections": [],
                    "figures": [],
                    "photo_credit": "",
                }
            )
            cur = len(stories)
            continue
        if raw == "":
            out.append("")
            continue
        m = re.match(r"^(PC|R\*|[FBKTSYHPJCR])(\d*)(?:@(\d+))?\|(.*)$", raw)
        if not m:
            raise SystemExit(f"{src}: bad line {raw!r}")
        lab, num, at, text = m.group(1), m.group(2), m.group(3), m.group(4)
        out.append(text.replace("||", ""))
        t = text.strip(WS)
        if lab == "F":
            doc["furniture"].append(text)
            continue
        if lab == "PC":
            assert page_credit is None, src
            page_credit = unbracket(t)
            continue
        st = stories[(int(at) if at else cur) - 1]
        if lab == "B":
            st["badge"].setdefault(num, "")
            st["badge"][num] += t
        elif lab == "K":
            st["kicker"] += t
        elif lab == "T":
            st["title"] += t
        elif lab == "S":
            st["subtitle"] += t
        elif lab == "Y":
            st.setdefault("_y", []).append(t)
        elif lab == "H":
            st["sections"].append({"heading": t, "paragraphs": []})
        elif lab == "P":
            if not st["sections"]:
                st["sections"].append({"heading": "", "paragraphs": []})
            st["sections"][-1]["paragraphs"].append(t)
        elif lab == "J":
            st["sections"][-1]["paragraphs"][-1] += t
        elif lab == "C":
            cap, _, cred = t.partition("||")
            st["figures"].append(
                {"caption": cap.strip(WS), "credit": unbracket(cred) if cred else ""}
            )
        elif lab == "R":
            g = re.match(r"^图([\u2460-\u2473]+)(.*)$", unbracket(t), re.S)
            if g:
                for mark in g.group(1):
                    figs = [f for f in st["figures"] if f["caption"].startswith("图" + mark)]
                    assert len(figs) == 1 and figs[0]["credit"] == "", (src, t)
                    figs[0]["credit"] = g.group(2).strip(WS)
                continue
            assert st["figures"][-1]["credit"] == "", src
            st["figures"][-1]["credit"] = unbracket(t)
        elif lab == "R*":
            group = 0
            for fig in reversed(st["figures"]):
                if fig["credit"]:
                    break
                fig["credit"] = unbracket(t)
                group += 1
            assert group, src
    for st in stories:
        st["badge"] = [st["badge"][k] for k in sorted(st["badge"])]
        if st.pop("_y", None) is not None:
            assert st["bylines"], f"{src}: byline line without @by"
        if st["figures"] and page_credit:
            st["photo_credit"] = page_credit
        for sec in st["sections"]:
            assert sec["paragraphs"], f"{src}: empty section {sec['heading']}"
    doc["stories"] = stories
    while out and out[0] == "":
        out.pop(0)
    while out and out[-1] == "":
        out.pop()
    txt = eol.join(out) + eol
    if bom:
        txt = "\ufeff" + txt
    return txt, doc


if __name__ == "__main__":
    srcdir, dstdir = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    for src in sorted(srcdir.glob("*/*.page")):
        txt, doc = build(src)
        d = dstdir / src.parent.name
        d.mkdir(parents=True, exist_ok=True)
        (d / (src.stem + ".txt")).write_bytes(txt.encode("utf-8"))
        (d / (src.stem + ".json")).write_text(
            json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        print(d / src.stem)
