"""The archive benchmark: 1,000, 10,000 and 100,000 articles, on SQLite and PostgreSQL.

    make bench-archive                       # both engines, every size, then the table
    .venv/bin/python bench/archive.py sqlite                         # one engine
    QIANTANG_PG_DIR=var/bench-archive/pg .ci/with-postgres .venv/bin/python bench/archive.py postgresql
    .venv/bin/python bench/archive.py report                         # the table from what was measured
    BENCH_ARCHIVE_SIZES=1000,10000 BENCH_ARCHIVE_PARTS=search,pages ... # fewer sizes or parts

For each engine and size, a corpus (the first article and bench/corpus.py's generated ones, at
100 a day: realistic Chinese text cut from the first article, sections, figures with captions
and renditions; the same generator on both engines) is built once and kept in var/bench-archive/
(a SQLite file; a database on a PostgreSQL server whose data lives there), with the search index
built by articles.search.rebuild. It is built again when the generator or the migrations
change, and only the index when the tokeniser or the search backends change. Then, each part in
a child process of its own, on the cached corpus:

- search: bench/search_index.measure_queries: one-, two- and four-character queries, two words,
  a rare word and one found nowhere, median and p95 of the search itself (count and first page)
  and of the whole results page through Django, never from the page cache;
- pages: bench/list_pages.measure_pages: home, a column's first page and its page 500 (a cursor
  at that depth: the column's last page at 100,000), an author's, the archive by date, the
  sitemap index and files, the admin's article list and one filtered by column, median CPU per
  request through Django's WSGI handler, uncached;
- export: `manage.py export_site` of the corpus, then `import_site` of that archive into an
  empty database of the same engine, each in a process of its own: time, articles/s, peak
  resident memory above a process that only set Django up;
- size: the database's and the search index's bytes.

Each part's figures are written to bench/results/archive/<engine>-<size>-<part>.json with the
commit they were measured at; `report` makes bench/results/archive.md, one table, from them.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("BENCH_ARCHIVE_CACHE", ROOT / "var" / "bench-archive"))
RESULTS = ROOT / "bench" / "results" / "archive"
SIZES = [int(n) for n in os.environ.get("BENCH_ARCHIVE_SIZES", "1000,10000,100000").split(",")]
PARTS = os.environ.get("BENCH_ARCHIVE_PARTS", "search,pages,export,size").split(",")
PER_DAY = 100
# Search: the script's queries (bench/search_index.py); fewer runs at the larger sizes would
# be noisier, so the same number everywhere.
SEARCH_RUNS = int(os.environ.get("BENCH_SEARCH_RUNS", "30"))
# import_site --replace over the imported site (every row deleted, then loaded again) at the
# sizes up to this one: at 100,000 it would add as long again as the import.
REPLACE_MAX = int(os.environ.get("BENCH_REPLACE_MAX", "10000"))


def digest(paths):
    sha = hashlib.sha256()
    for path in paths:
        for file in (
            sorted(Path(ROOT, path).rglob("*.py"))
            if Path(ROOT, path).is_dir()
            else [Path(ROOT, path)]
        ):
            sha.update(file.relative_to(ROOT).as_posix().encode())
            sha.update(file.read_bytes())
    return sha.hexdigest()[:16]


def corpus_key():
    """What the corpus depends on: the generator. (A new migration is applied to the cached
    corpus before it is measured: ensure_corpus runs migrate.)"""
    return digest(["bench/corpus.py"])


def index_key():
    """What the index depends on: how text is cut (a change to how rows are stored comes with
    a migration, which rebuilds the corpus; otherwise remove var/bench-archive)."""
    return digest(["articles/search/tokens.py"])


def engine_of(env):
    return "postgresql" if env.get("DATABASE_URL") else "sqlite"


def site_env(engine, size, database=None):
    """Production settings for the cached corpus of this engine and size (or `database`):
    bench/list_pages.py's, every cache off, with this corpus's database."""
    from bench.list_pages import site_env as throwaway_site

    folder = CACHE / f"{engine}-{size}"
    env = throwaway_site(folder)
    env["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,testserver"
    env["SQLITE_PATH"] = str(folder / (database or "db.sqlite3"))
    if engine == "postgresql":
        base, _, _ = os.environ["DATABASE_URL"].rpartition("/")
        env["DATABASE_URL"] = f"{base}/{database or f'archive_{size}'}"
    return env


def postgres_admin(sql):
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as connection:
        done = connection.execute(sql)
        return done.fetchall() if sql.lstrip().startswith("SELECT") else None


def fresh_database(engine, size, name):
    """An empty database for an import: a file beside the corpus, or one on the server."""
    if engine == "postgresql":
        postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        postgres_admin(f'CREATE DATABASE "{name}"')
    else:
        (CACHE / f"{engine}-{size}" / name).unlink(missing_ok=True)


def drop_database(engine, size, name):
    if engine == "postgresql":
        postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        (CACHE / f"{engine}-{size}" / name).unlink(missing_ok=True)
    shutil.rmtree(CACHE / f"{engine}-{size}" / f"media-{name}", ignore_errors=True)


def run_child(args, env):
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", *map(str, args)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"bench/archive.py --child {' '.join(map(str, args))} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- in a child process: Django set up on one corpus ------------------------------------


def child(part, size):
    sys.path[0:1] = [str(ROOT), str(ROOT / "bench")]
    import django

    django.setup()
    if part == "build":
        return build(size)
    if part == "index":
        return index()
    if part == "search":
        from search_index import measure_queries

        return {"queries": measure_queries(runs=SEARCH_RUNS)}
    if part == "pages":
        from list_pages import measure_pages

        return {"pages": measure_pages(size)}
    if part == "size":
        from search_index import database_size

        total, index_bytes = database_size()
        return {"database_bytes": total, "index_bytes": index_bytes}
    if part == "migrate":
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        return {}
    raise SystemExit(f"unknown part {part}")


def build(size):
    from corpus import build_corpus
    from django.core.management import call_command

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("load_seed", verbosity=0)

    def progress(made):
        print(f"  {made + 1:,} / {size:,} articles", file=sys.stderr, flush=True)

    made = build_corpus(size - 1, per_day=PER_DAY, progress=progress)
    call_command("collectstatic", "--noinput", verbosity=0)
    built = time.monotonic() - started
    return {"made": made, "build_s": built, **index()}


def index():
    from articles import search

    started = time.monotonic()
    indexed = sum(search.rebuild())
    return {"indexed": indexed, "index_s": time.monotonic() - started}


# --- the parent: one engine, every size -----------------------------------------------------


def ensure_corpus(engine, size):
    """Build the corpus (or only its index) if the cached one is missing or out of date."""
    folder = CACHE / f"{engine}-{size}"
    stamp = folder / "stamp.json"
    known = json.loads(stamp.read_text()) if stamp.exists() else {}
    exists = (
        bool(postgres_admin(f"SELECT 1 FROM pg_database WHERE datname = 'archive_{size}'"))
        if engine == "postgresql"
        else (folder / "db.sqlite3").exists()
    )
    env = site_env(engine, size)
    if not exists or known.get("corpus") != corpus_key():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        if engine == "postgresql":
            fresh_database(engine, size, f"archive_{size}")
        print(f"{engine} {size:,}: building the corpus", file=sys.stderr, flush=True)
        built = run_child(["build", size], env)
        known = {"corpus": corpus_key(), "index": index_key(), "built": built}
    else:
        run_child(["migrate", size], env)
    if known.get("index") != index_key():
        print(f"{engine} {size:,}: rebuilding the search index", file=sys.stderr, flush=True)
        known["index"] = index_key()
        known["built"].update(run_child(["index", size], env))
    stamp.write_text(json.dumps(known))
    return known["built"]


def export_import(engine, size):
    """export_site of the corpus, import_site into an empty database: time and peak memory,
    each in its own process (bench/archive_export.py's steps)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from archive_export import archived_rows, step

    folder = CACHE / f"{engine}-{size}"
    archive = folder / "export.tar.gz"
    env = site_env(engine, size)
    baseline = step("baseline", "", env)
    exported = step("export", archive, env)
    name = "import_target" if engine == "postgresql" else "import.sqlite3"
    fresh_database(engine, size, name)
    target = site_env(engine, size, name)
    target["DJANGO_MEDIA_ROOT"] = str(folder / f"media-{name}")
    replaced = None
    try:
        step("migrate", "", target)
        imported = step("import", archive, target)
        if size <= REPLACE_MAX:
            # Again with --replace: every article deleted, then loaded again, in one
            # transaction (what an operator restoring over a live site does).
            replaced = step("import", archive, target)
    finally:
        drop_database(engine, size, name)
    found = {
        "baseline_kb": baseline["peak_kb"],
        "export_s": exported["seconds"],
        "import_s": imported["seconds"],
        "export_peak_kb": exported["peak_kb"],
        "import_peak_kb": imported["peak_kb"],
        "replace_s": replaced and replaced["seconds"],
        "replace_peak_kb": replaced and replaced["peak_kb"],
        "archive_mb": archive.stat().st_size / 1e6,
        "rows": archived_rows(archive),
    }
    archive.unlink()
    return found


def commit():
    return subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()


def save(engine, size, part, found):
    RESULTS.mkdir(parents=True, exist_ok=True)
    found = {"engine": engine, "size": size, "part": part, "commit": commit(), **found}
    (RESULTS / f"{engine}-{size}-{part}.json").write_text(json.dumps(found, indent=1))


def run_engine(engine):
    for size in SIZES:
        started = time.monotonic()
        built = ensure_corpus(engine, size)
        save(engine, size, "build", built)
        env = site_env(engine, size)
        for part in PARTS:
            print(f"{engine} {size:,}: {part}", file=sys.stderr, flush=True)
            if part == "export":
                found = export_import(engine, size)
            else:
                found = run_child([part, size], env)
            save(engine, size, part, found)
        print(f"{engine} {size:,}: done in {time.monotonic() - started:.0f} s", file=sys.stderr)


# --- the table -------------------------------------------------------------------------------


def load(engine, size, part):
    path = RESULTS / f"{engine}-{size}-{part}.json"
    return json.loads(path.read_text()) if path.exists() else None


def report():
    engines = [e for e in ("sqlite", "postgresql") if any(RESULTS.glob(f"{e}-*.json"))]
    sizes = sorted({int(p.name.split("-")[1]) for p in RESULTS.glob("*.json")})
    columns = [(e, s) for e in engines for s in sizes]
    rows = {}  # label -> {(engine, size): text}
    commits = {}  # part -> the commits it was measured at

    def put(label, key, text):
        rows.setdefault(label, {})[key] = text

    for key in columns:
        engine, size = key
        search = load(engine, size, "search")
        if search:
            commits.setdefault("search", set()).add(search["commit"])
            for label, found in search["queries"].items():
                q = found["query"]
                more = "+" if found.get("capped") else ""
                put(
                    f"search {label}: ms median / p95 (matches)",
                    key,
                    f"{q['median']:.1f} / {q['p95']:.1f} ({found['matches']:,}{more})",
                )
            for label, found in search["queries"].items():
                p = found["page"]
                put(
                    f"search page {label}: ms median / p95",
                    key,
                    f"{p['median']:.1f} / {p['p95']:.1f}",
                )
        pages = load(engine, size, "pages")
        if pages:
            commits.setdefault("pages", set()).add(pages["commit"])
            for label, found in pages["pages"].items():
                label = label.split(" (")[0] if ("old page" in label or "URLs" in label) else label
                label = (
                    label.split(" by OFFSET")[0] + " by OFFSET + COUNT"
                    if "OFFSET" in label
                    else label
                )
                queries = f" ({found['queries']})" if "queries" in found else ""
                put(f"{label}: CPU ms (queries)", key, f"{found['cpu_ms']:.1f}{queries}")
        exported = load(engine, size, "export")
        if exported:
            commits.setdefault("export", set()).add(exported["commit"])
            above = lambda which, e=exported: (e[f"{which}_peak_kb"] - e["baseline_kb"]) / 1024  # noqa: E731
            put(
                "export: s (articles/s)",
                key,
                f"{exported['export_s']:.1f} ({size / exported['export_s']:,.0f})",
            )
            put(
                "import: s (articles/s)",
                key,
                f"{exported['import_s']:.1f} ({size / exported['import_s']:,.0f})",
            )
            put(
                "export / import: peak MB above Django's own",
                key,
                f"{above('export'):.1f} / {above('import'):.1f}",
            )
            if exported.get("replace_s"):
                put(
                    "import --replace over it: s, peak MB above Django's own",
                    key,
                    f"{exported['replace_s']:.1f}, {above('replace'):.1f}",
                )
            put("archive: MB (rows)", key, f"{exported['archive_mb']:.0f} ({exported['rows']:,})")
        sized = load(engine, size, "size")
        if sized:
            put(
                "database / search index: MB",
                key,
                f"{sized['database_bytes'] / 2**20:,.0f} / {sized['index_bytes'] / 2**20:,.0f}",
            )
        built = load(engine, size, "build")
        if built:
            rate = built.get("indexed", size) / built["index_s"] if built.get("index_s") else 0
            put(
                "corpus build / index: s (articles/s indexed)",
                key,
                f"{built.get('build_s', 0):,.0f} / {built['index_s']:,.0f} ({rate:,.0f})",
            )
    head = "| | " + " | ".join(f"{e} {s:,}" for e, s in columns) + " |"
    lines = [head, "| --- |" + " ---: |" * len(columns)]
    for label, cells in rows.items():
        lines.append(f"| {label} | " + " | ".join(cells.get(k, "") for k in columns) + " |")
    measured = "; ".join(f"{part} at {', '.join(sorted(found))}" for part, found in commits.items())
    text = (
        "make bench-archive: per engine and size; search times in ms (median / p95 of "
        f"{SEARCH_RUNS}); pages' median CPU per request, uncached. Measured: {measured}.\n\n"
        + "\n".join(lines)
        + "\n"
    )
    (RESULTS.parent / "archive.md").write_text(text)
    print(text)


def main():
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child(sys.argv[2], int(sys.argv[3]))))
        return
    what = sys.argv[1] if len(sys.argv) > 1 else engine_of(os.environ)
    if what == "report":
        report()
        return
    if what != engine_of(os.environ):
        raise SystemExit(
            f"{what}: run under .ci/with-postgres for postgresql, without DATABASE_URL for sqlite"
        )
    CACHE.mkdir(parents=True, exist_ok=True)
    run_engine(what)


if __name__ == "__main__":
    sys.path[0:1] = [str(ROOT)]
    main()
