"""Reads one PDF in a process of its own: `python -m epaper.pdfworker PDF OUTDIR WIDTH MAX_PAGES`.

Run by epaper.pdf, never imported by the site. A PDF is a program of sorts: streams that inflate
to gigabytes, images of absurd size, pages a kilometre wide, or a malformed file that crashes
the C library reading it. Here, that costs a process with limits on its memory and CPU time,
not a web worker: the parent turns an exit, a signal or an error code into a Chinese message.

Without a directory (OUTDIR "-") nothing is rendered: only the page count and sizes are checked.
Output: one JSON object on stdout, {"pages": [...]} or {"error": code, ...}.
"""

import json
import resource
import sys

# Enough for pdfium and a page rendered at the site's width, with room to spare; a PDF that
# needs more is a bomb as far as a newspaper page is concerned.
MEMORY_BYTES = 1536 * 1024 * 1024
CPU_SECONDS = 120

# A page's side in points (1/72 inch): from 70 mm to 1.76 m, and no thinner than
# 1:4. Beyond that it is no newspaper page, and rendering it at our width would make a picture
# of tens of millions of pixels.
MIN_SIDE, MAX_SIDE, MAX_ASPECT = 200, 5000, 4.0


def fail(code, **extra):
    print(json.dumps({"error": code, **extra}))
    sys.exit(0)


def main(path, outdir, width, max_pages):
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as error:
        message = str(error).lower()
        fail("encrypted" if "password" in message else "broken")
    count = len(document)
    if count == 0:
        fail("no_pages")
    if count > max_pages:
        fail("too_many_pages", pages=count, limit=max_pages)
    pages = []
    for index in range(count):
        page = document[index]
        w, h = page.get_size()
        if min(w, h) < MIN_SIDE or max(w, h) > MAX_SIDE or max(w, h) / min(w, h) > MAX_ASPECT:
            fail("page_size", page=index + 1, width=round(w), height=round(h))
        pages.append({"width": w, "height": h})
    if outdir == "-":
        print(json.dumps({"pages": pages}))
        return
    for index, info in enumerate(pages):
        page = document[index]
        w, h = info["width"], info["height"]
        bitmap = page.render(scale=width / w, may_draw_forms=False)
        image = bitmap.to_pil().convert("RGB")
        name = f"page-{index + 1}.png"
        image.save(f"{outdir}/{name}", compress_level=1)
        info["image"] = name
        info["lines"] = text_lines(page, w, h)
    print(json.dumps({"pages": pages}, ensure_ascii=False))


def text_lines(page, width, height):
    """The page's text, a box per run of characters on one line, in 0..1 from the top left."""
    textpage = page.get_textpage()
    lines = []
    for index in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(index)
        text = textpage.get_text_bounded(left, bottom, right, top).strip()
        if not text:
            continue
        lines.append(
            [
                round(max(0.0, left / width), 5),
                round(max(0.0, (height - top) / height), 5),
                round(min(1.0, right / width), 5),
                round(min(1.0, (height - bottom) / height), 5),
                text,
            ]
        )
    return lines


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
