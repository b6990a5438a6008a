"""Reads compiled once and raw SQL live in selectors only (docs/architecture.md, "One way to read the
database"): this finds any elsewhere in the portal's code."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE_THE_PORTAL = {".venv", "tests", "bench", "migrations", "node_modules"}
MECHANISM = ROOT / "customs_portal" / "prepared.py"
SQL = re.compile(r"\bPrepared(Query|List)\(|\bRawSQL\(|\.raw\(|\.cursor\(|\bcursor\.execute|\.extra\(")


def _in_a_selector(path: Path) -> bool:
    return path.name == "selectors.py" or "selectors" in path.relative_to(ROOT).parts[:-1]


def test_compiled_and_raw_sql_only_in_selectors():
    found = []
    for path in ROOT.rglob("*.py"):
        if OUTSIDE_THE_PORTAL & set(path.relative_to(ROOT).parts) or path == MECHANISM or _in_a_selector(path):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if SQL.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "move these into a named selector of the app's selectors:\n" + "\n".join(found)


def test_the_check_sees_what_it_looks_for():
    assert SQL.search('    with connection.cursor() as cursor:')
    assert SQL.search('queryset.annotate(relevance=RawSQL(score_sql, params))')
    assert SQL.search('_token = PreparedQuery(lambda digest: ...)')
    assert not SQL.search('from customs_portal.prepared import PreparedQueryError')
