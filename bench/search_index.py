"""Search latency through the full-text index as the archive grows, against the old scan.

For each size (BENCH_SIZES, default 1,000 and 10,000 articles), in a throw-away database of its
own (a SQLite file, or a database made on the PostgreSQL server DATABASE_URL names and dropped
afterwards) and a process of its own:

1. migrate, the first article (load_seed), a generated corpus (bench/corpus.py: sections and
   captions cut from the first article's text, so every query below matches a large share of
   the archive: the costly case, counting and ranking many matches), then the index, built
   by articles.search.rebuild (its speed is reported).
2. For each query (one, two and four characters, two words, a rare word, one found nowhere), RUNS
   timings (after two warm-ups) of:
   - query: articles.search.search_articles() counted and its first page of ten read, as the
     search page does (one query for both, then the ten articles);
   - page: the whole search page through Django (test client, CACHE_URL=dummy://, so never
     from the page cache): the query, highlighting, snippets, template;
   - at the first size only, scan: the search before the index (a case-insensitive substring
     match of every term in the title, kicker, subtitle, summary, headings, paragraphs and
     captions, in articles.search up to this change), counted and its first page read: the
     baseline, in the same run.
3. Median and 95th percentile of each, and scan / query at the first size.

    python bench/search_index.py                    # SQLite
    .ci/with-postgres python bench/search_index.py  # PostgreSQL
    BENCH_SIZES=1000 python bench/search_index.py   # other sizes

bench-archive (100,000 articles) can reuse build_archive(size) and measure_queries().
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,10000").split(",") if s.strip()]
RUNS = int(os.environ.get("BENCH_RUNS", "30"))
# The corpus is cut from one article's text, so the first four match nearly every article:
# the costly case, every match counted and ranked. A title number is the selective case (one
# article: bench/corpus.py numbers its titles), and a phrase found nowhere the cheapest.
QUERIES = {
    "1 character": "城",
    "2 characters": "企业",
    "4 characters": "数字时尚",
    "2 words": "钱塘 上市",
    "rare word": "777",
    "found nowhere": "没有的词",
}


def build_archive(size):
    """The first article and a generated corpus of `size` articles in all, indexed: for this
    script and the archive benchmarks. Django must be set up on an empty, migrated database.
    Returns {"articles": n, "build_seconds": s, "index_seconds": s}."""
    from django.core.management import call_command

    from articles import search
    from bench.corpus import build_corpus

    started = time.perf_counter()
    call_command("load_seed", verbosity=0)
    build_corpus(count=size - 1)
    built = time.perf_counter()
    # bulk_create sends no signals: the corpus is indexed here, as rebuild_search_index does.
    indexed = sum(search.rebuild())
    done = time.perf_counter()
    return {"articles": indexed, "build_seconds": built - started, "index_seconds": done - built}


def old_scan(terms):
    """The search before the index, as it was: one substring match per term over every field
    readers see, public articles newest first."""
    from django.db.models import Exists, OuterRef, Q

    from articles.models import Article, Figure, Section

    queryset = Article.objects.published()
    for term in terms:
        in_sections = Section.objects.filter(article=OuterRef("pk")).filter(
            Q(heading__icontains=term) | Q(body__icontains=term)
        )
        in_captions = Figure.objects.filter(article=OuterRef("pk"), caption__icontains=term)
        queryset = queryset.filter(
            Q(kicker__icontains=term)
            | Q(title__icontains=term)
            | Q(subtitle__icontains=term)
            | Q(summary__icontains=term)
            | Exists(in_sections)
            | Exists(in_captions)
        )
    return queryset


def timings(fn, runs=RUNS):
    for _ in range(2):
        fn()
    found = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        found.append((time.perf_counter() - start) * 1000)
    return {"median": statistics.median(found), "p95": statistics.quantiles(found, n=20)[18]}


def measure_queries(queries=QUERIES, baseline=False, runs=RUNS):
    """{label: {"matches", "query", "page"[, "scan"]}}, times in ms (median, p95)."""
    from django.test import Client
    from django.urls import reverse

    from articles import search

    client = Client()
    url = reverse("articles:search")
    out = {}
    for label, text in queries.items():
        query = search.Query(text)

        def run_query(query=query):
            # As the search page does: the count and the first page of ten.
            found = search.search_articles(query)
            found.count()
            found[0:10]

        def run_page(text=text):
            assert client.get(url, {"q": text}).status_code == 200

        found = search.search_articles(query)
        row = {
            "matches": found.count(),
            "capped": found.capped,
            "query": timings(run_query, runs),
            "page": timings(run_page, runs),
        }
        if baseline:

            def run_scan(terms=query.terms):
                found = old_scan(terms)
                found.count()
                list(found.values_list("pk", flat=True)[:10])

            row["scan"] = timings(run_scan, max(5, runs // 3))
            row["scan_matches"] = old_scan(query.terms).count()
        out[label] = row
    return out


def database_size():
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size")
            total = cursor.fetchone()[0]
            cursor.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'articles_search%'")
            return total, cursor.fetchone()[0]
        cursor.execute("SELECT pg_database_size(current_database())")
        total = cursor.fetchone()[0]
        cursor.execute("SELECT pg_total_relation_size('articles_search')")
        return total, cursor.fetchone()[0]


def one_size(size, baseline):
    """Runs in a child process whose environment names a fresh database."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    built = build_archive(size)
    connection.close()
    total, index = database_size()
    return {
        "size": size,
        "engine": connection.vendor,
        **built,
        "database_bytes": total,
        "index_bytes": index,
        "queries": measure_queries(baseline=baseline),
    }


def child_env(folder, size):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qiantang_site.settings",
        "DJANGO_DEBUG": "1",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
        "CACHE_URL": "dummy://",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "SQLITE_PATH": str(folder / "bench.sqlite3"),
    }
    drop = None
    url = os.environ.get("DATABASE_URL")
    if url:
        import psycopg

        name = f"bench_search_{size}"
        base, _, _ = url.rpartition("/")
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')

        def drop():
            with psycopg.connect(url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        env["DATABASE_URL"] = f"{base}/{name}"
    return env, drop


def report(rows):
    lines = []
    engine = rows[0]["engine"]
    lines.append(f"Search on {engine}; times in ms, median / p95 of {RUNS} runs.")
    for row in rows:
        lines.append(
            f"\n{row['size']:,} articles: corpus built in {row['build_seconds']:.1f} s, indexed in "
            f"{row['index_seconds']:.1f} s ({row['articles'] / row['index_seconds']:.0f} "
            f"articles/s); database {row['database_bytes'] / 2**20:.1f} MB, of which the index "
            f"{row['index_bytes'] / 2**20:.1f} MB"
        )
        baseline = "scan" in next(iter(row["queries"].values()))
        header = f"{'query':<22} {'matches':>8} {'query ms':>14} {'page ms':>14}"
        if baseline:
            header += f" {'old scan ms':>14} {'scan/query':>10}"
        lines.append(header)
        for label, q in row["queries"].items():
            text = f"{label} ({QUERIES[label]})"
            line = (
                f"{text:<22} {q['matches']:>8} {q['query']['median']:>6.1f} / "
                f"{q['query']['p95']:<6.1f} {q['page']['median']:>6.1f} / {q['page']['p95']:<6.1f}"
            )
            if baseline:
                ratio = q["scan"]["median"] / q["query"]["median"]
                line += f" {q['scan']['median']:>6.1f} / {q['scan']['p95']:<6.1f} {ratio:>9.1f}x"
                if q["scan_matches"] != q["matches"]:
                    line += f"  (scan found {q['scan_matches']})"
            lines.append(line)
    return "\n".join(lines)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--size":
        size, baseline = int(sys.argv[2]), os.environ.get("BENCH_BASELINE_SCAN") == "1"
        print(json.dumps(one_size(size, baseline)))
        return
    rows = []
    for number, size in enumerate(SIZES):
        with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
            env, drop = child_env(Path(tmp), size)
            env["BENCH_BASELINE_SCAN"] = "1" if number == 0 else "0"
            try:
                done = subprocess.run(
                    [sys.executable, __file__, "--size", str(size)],
                    env=env,
                    capture_output=True,
                    text=True,
                    cwd=ROOT,
                )
            finally:
                if drop:
                    drop()
            if done.returncode:
                sys.stderr.write(done.stderr)
                sys.exit(done.returncode)
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    text = report(rows)
    print(text)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"search-{rows[0]['engine']}.txt").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
