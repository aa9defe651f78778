"""Peak memory and speed of export_site and import_site as the archive grows: flat memory.

    python bench/archive_export.py                      (or: make bench)
    BENCH_ARCHIVE_SIZES=1000,5000,20000 python bench/archive_export.py
    BENCH_BASELINE=356a47f python bench/archive_export.py   # ... and that revision's commands

For each size (articles: the first one and a generated corpus, bench/corpus.py, at 100 a day,
built by bench/list_pages.make_site in a throw-away SQLite site), each step runs in a child
process of its own, and its peak resident memory (VmHWM in /proc/self/status) is read at its
end:

- baseline: Django set up, one query: what any manage.py command costs before it works;
- export: `manage.py export_site` of the site;
- import: `manage.py import_site` of that archive into a fresh, migrated, empty database.

Reported: time, articles/s, the archive's MB, the peak memory above the baseline, and the
ratio of each size's to the smallest size's: flat memory keeps it near 1 while the archive
grows five times. With BENCH_BASELINE (a git revision, extracted with `git archive`), the
same export and import of that revision run on the same sites, for contrast.

The corpus's figures share the first article's photo files (bench/corpus.py), so the media in
the archive stay a few dozen files at every size: what grows is the rows (articles, sections,
figures, renditions, bylines), which is what held the old export in memory.
"""

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = [int(n) for n in os.environ.get("BENCH_ARCHIVE_SIZES", "1000,5000").split(",")]
BASELINE = os.environ.get("BENCH_BASELINE", "")
RESULTS = ROOT / "bench" / "results"


def peak_kb():
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))


def env_for(folder, tree=ROOT, database="db.sqlite3"):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qiantang_site.settings",
        "DJANGO_DEBUG": "",
        "DJANGO_SECRET_KEY": "bench-" + secrets.token_hex(24),
        "DJANGO_HTTPS": "off",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_MEDIA_ROOT": str(folder / ("media" if database == "db.sqlite3" else "media2")),
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "SQLITE_PATH": str(folder / database),
        "CACHE_URL": "dummy://",
        "PYTHONPATH": str(tree),
    }
    env.pop("DJANGO_SECRET_KEY_FILE", None)
    env.pop("DATABASE_URL", None)
    return env


def child(step, argument):
    """One step, in its own process; prints a JSON line with its peak memory and time."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.monotonic()
    result = {}
    if step == "build":
        sys.path.append(str(ROOT / "bench"))
        from list_pages import make_site

        result["made"] = make_site(int(argument), Path(os.environ["BENCH_FOLDER"]))
    elif step == "migrate":
        call_command("migrate", verbosity=0)
    elif step == "baseline":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    elif step in ("export", "import"):
        out = open(os.devnull, "w")  # noqa: SIM115 - the commands' own report is not needed
        if step == "export":
            call_command("export_site", argument, stdout=out, stderr=out)
        else:
            # --replace: a baseline from before the import took a freshly migrated site (its
            # one front page counted as content) imports too; here it empties an empty site.
            call_command("import_site", argument, "--replace", stdout=out, stderr=out)
    result.update(seconds=time.monotonic() - started, peak_kb=peak_kb())
    print(json.dumps(result))


def step(name, argument, env, tree=ROOT):
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", name, str(argument)],
        env=env,
        cwd=tree,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def baseline_tree(folder):
    """The revision BENCH_BASELINE names, extracted for this run."""
    tree = folder / "baseline-tree"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "archive", BASELINE], cwd=ROOT, check=True, stdout=subprocess.PIPE
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def archived_rows(archive):
    """How many rows the archive holds (its manifest says, in either format)."""
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            if member.name == "manifest.json":
                return json.load(tar.extractfile(member))["data"]["rows"]
    return 0


def measure_tree(folder, size, tree, label):
    """Export the site in folder with tree's code, import it into an empty database."""
    archive = folder / f"site-{label}.tar.gz"
    database = f"import-{label}.sqlite3"
    exported = step("export", archive, env_for(folder, tree), tree)
    target = env_for(folder, tree, database)
    step("migrate", "", target, tree)
    imported = step("import", archive, target, tree)
    (folder / database).unlink()
    shutil.rmtree(folder / "media2", ignore_errors=True)
    megabytes = archive.stat().st_size / 1e6
    rows = archived_rows(archive)
    archive.unlink()
    return {
        "export_s": exported["seconds"],
        "import_s": imported["seconds"],
        "export_peak_kb": exported["peak_kb"],
        "import_peak_kb": imported["peak_kb"],
        "archive_mb": megabytes,
        "rows": rows,
        "articles_per_s_export": size / exported["seconds"],
        "articles_per_s_import": size / imported["seconds"],
    }


def run_size(size, old_tree):
    folder = Path(tempfile.mkdtemp(prefix=f"qiantang-archive-{size}-"))
    try:
        env = {**env_for(folder), "BENCH_FOLDER": str(folder)}
        built = step("build", size, env)
        base = step("baseline", "", env_for(folder))
        found = {"size": size, "made": built["made"], "baseline_kb": base["peak_kb"]}
        found["now"] = measure_tree(folder, size, ROOT, "now")
        if old_tree is not None:
            found["before"] = measure_tree(folder, size, old_tree, "before")
        return found
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def report(runs):
    first = runs[0]
    trees = [("now", "this tree")] + ([("before", f"{BASELINE}")] if "before" in first else [])
    lines = [
        "| tree | articles | rows | archive MB | export s (articles/s) | import s "
        "(articles/s) | export peak MB above baseline | import peak MB above baseline | "
        "export / import peak ratio to the smallest |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for key, label in trees:
        for run in runs:
            found, ref = run[key], first[key]

            def above(found, which, run=run):
                return (found[f"{which}_peak_kb"] - run["baseline_kb"]) / 1024

            ratio = [
                above(found, w) / max(above(ref, w, first), 1e-9) for w in ("export", "import")
            ]
            lines.append(
                f"| {label} | {run['size']:,} | {found['rows']:,} | {found['archive_mb']:.1f} | "
                f"{found['export_s']:.1f} ({found['articles_per_s_export']:,.0f}) | "
                f"{found['import_s']:.1f} ({found['articles_per_s_import']:,.0f}) | "
                f"{above(found, 'export'):.1f} | {above(found, 'import'):.1f} | "
                f"{ratio[0]:.2f} / {ratio[1]:.2f} |"
            )
    base = ", ".join(f"{r['size']:,}: {r['baseline_kb'] / 1024:.0f} MB" for r in runs)
    return (
        "Peak resident memory (VmHWM) of each command's process, less that of a process that "
        f"only set Django up ({base}); SQLite.\n"
        "Rows: every row in the archive (articles, sections, figures, renditions, bylines...).\n\n"
        + "\n".join(lines)
        + "\n"
    )


def main():
    holder = Path(tempfile.mkdtemp(prefix="qiantang-archive-trees-"))
    try:
        old_tree = baseline_tree(holder) if BASELINE else None
        runs = []
        for size in SIZES:
            started = time.monotonic()
            runs.append(run_size(size, old_tree))
            print(f"{size:,} articles measured in {time.monotonic() - started:.0f} s", flush=True)
        text = report(runs)
        print(text)
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "archive-export.md").write_text(text)
    finally:
        shutil.rmtree(holder, ignore_errors=True)


if __name__ == "__main__":
    # This folder holds bench/epaper.py and bench/search.py: the project's packages come first.
    sys.path[0:1] = [os.environ.get("PYTHONPATH") or str(ROOT)]
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
    else:
        main()
