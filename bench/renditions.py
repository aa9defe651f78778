"""Time and peak memory to make every rendition of a 24-megapixel camera JPEG.

Three ways to make the same outputs (WebP at 480/800/1200/1600, the 1200 JPEG fallback, the
1200x630 social crop and the 16:9, 4:3 and 1:1 structured-data crops) from one generated 6000x4000 JPEG, each in a fresh process so its
peak memory (the process's max RSS above what it held after its imports) is its own:

- pipeline: articles.images.render.render_renditions, as a figure's save runs it (draft mode, one
  decode, each width resized from the one before).
- thumbnail: the plain baseline: open the original and Image.thumbnail() once per output.
- full decode: decode the whole original with no draft, then resize it once per output.

Also reported: "upload check", what articles.images.fields.check_photo costs when the file arrives
(header checks, verify, a draft-mode decode to catch truncation); it makes no files.

Time is the best of three runs. Results are printed and written to bench/results/.

    python bench/renditions.py          (or: make bench)
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageFilter  # noqa: E402

from articles.images.fields import check_photo  # noqa: E402
from articles.images.render import (  # noqa: E402
    _encode,
    render_renditions,
    rendition_specs,
    spec_crop_box,
)

SIZE = (6000, 4000)
REPEAT = 3
METHODS = ["pipeline", "thumbnail", "full decode", "upload check"]


def make_camera_jpeg(path):
    """A 24-megapixel JPEG with texture like a photo's (noise over gradients), EXIF and all."""
    small = Image.merge(
        "RGB",
        [
            Image.linear_gradient("L").resize((750, 500)),
            Image.radial_gradient("L").resize((750, 500)),
            Image.effect_noise((750, 500), 60),
        ],
    )
    image = small.resize(SIZE, Image.Resampling.BICUBIC)
    grain = Image.effect_noise(SIZE, 24).filter(ImageFilter.GaussianBlur(0.6))
    image = Image.blend(image, Image.merge("RGB", [grain] * 3), 0.25)
    exif = Image.Exif()
    exif[0x010F] = "BenchCamera"
    image.save(path, "JPEG", quality=92, exif=exif)


def outputs():
    return rendition_specs(*SIZE)


def run_pipeline(path):
    with open(path, "rb") as fp:
        return len(render_renditions(fp))


def run_thumbnail(path):
    made = 0
    for spec in outputs():
        with Image.open(path) as image:
            box = spec_crop_box(spec, *SIZE)
            if box:
                image = image.crop(box)
            image.thumbnail((spec.width, spec.height))
            _encode(image, spec.kind)
        made += 1
    return made


def run_full_decode(path):
    with Image.open(path) as image:
        image.load()
        made = 0
        for spec in outputs():
            box = spec_crop_box(spec, *SIZE)
            resized = image.resize((spec.width, spec.height), Image.Resampling.LANCZOS, box=box)
            _encode(resized, spec.kind)
            made += 1
    return made


def run_upload_check(path):
    from django.core.files import File

    # The project's limits (25 MB, 50 megapixels unless the environment says otherwise).
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiantang_site.settings")
    with open(path, "rb") as fp:
        check_photo(File(fp))
    return 0


RUNNERS = {
    "pipeline": run_pipeline,
    "thumbnail": run_thumbnail,
    "full decode": run_full_decode,
    "upload check": run_upload_check,
}


def peak_rss_kb():
    # VmHWM belongs to this process image; ru_maxrss would carry over the parent's peak
    # across fork and exec, and the parent has just generated a 24-megapixel picture.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(method, path):
    """Runs in its own process: report best time and peak memory above the imports."""
    before = peak_rss_kb()
    best = float("inf")
    for _ in range(REPEAT):
        start = time.perf_counter()
        made = RUNNERS[method](path)
        best = min(best, time.perf_counter() - start)
    peak = peak_rss_kb()
    print(
        json.dumps(
            {"method": method, "seconds": best, "peak_mb": (peak - before) / 1024, "files": made}
        )
    )


def main():
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "camera-24mp.jpg"
        make_camera_jpeg(path)
        size_mb = path.stat().st_size / 1024 / 1024
        rows = []
        for method in METHODS:
            out = subprocess.run(
                [sys.executable, __file__, "--child", method, str(path)],
                check=True,
                capture_output=True,
                text=True,
            )
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    base = next(r for r in rows if r["method"] == "thumbnail")
    lines = [
        f"Renditions of a {SIZE[0]}x{SIZE[1]} JPEG ({size_mb:.1f} MB): "
        f"{rows[0]['files']} files each; best of {REPEAT}; memory is peak RSS above imports.",
        f"{'method':<14}{'seconds':>9}{'x thumbnail':>13}{'peak MB':>10}{'x thumbnail':>13}",
    ]
    for r in rows:
        lines.append(
            f"{r['method']:<14}{r['seconds']:>9.2f}{r['seconds'] / base['seconds']:>13.2f}"
            f"{r['peak_mb']:>10.0f}{r['peak_mb'] / max(base['peak_mb'], 1):>13.2f}"
        )
    report = "\n".join(lines)
    print(report)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (results / f"renditions-{stamp}.txt").write_text(report + "\n", encoding="utf-8")
    (results / f"renditions-{stamp}.json").write_text(
        json.dumps(
            {"image": list(SIZE), "bytes": int(size_mb * 1024 * 1024), "runs": rows}, indent=2
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main()
