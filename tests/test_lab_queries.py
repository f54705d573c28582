"""Tests for perfkit.lessons.lab.queries: plans read from both databases, sized copies, payload bytes.

Plans are the database's decision, not the clock's: they are tested exactly. SQLite always;
PostgreSQL when one answers (see test_lab_db.postgres_url).
"""

from __future__ import annotations

from datetime import datetime

import pytest

pytest.importorskip("sqlalchemy")

from sqlalchemy import text  # noqa: E402

from perfkit.lessons.lab.databases import open_seeded  # noqa: E402
from perfkit.lessons.lab.queries import QueryPlan, explain, payload_bytes, table_of_size  # noqa: E402

from test_lab_db import postgres_url  # noqa: E402

ROWS = dict(users=400, posts_per_user=0, comments_per_post=0, orders_per_user=5, wide_rows=0)
BY_USER = "SELECT id, amount FROM {} WHERE user_id = :user_id"


def _urls():
    return ["sqlite://"] + ([postgres_url()] if postgres_url() else [])


@pytest.fixture(scope="module", params=_urls(), ids=lambda u: u.split(":")[0])
def db(request):
    database = open_seeded(request.param, **ROWS)
    yield database
    database.close()


def test_a_lookup_by_an_indexed_column_reads_the_index(db):
    plan = explain(db, BY_USER.format("orders"), {"user_id": 7})
    assert plan.index == "ix_orders_user_id"
    assert not plan.full_scan
    assert plan.dialect == db.dialect and "ix_orders_user_id" in str(plan)


def test_a_filter_on_a_column_without_an_index_scans(db):
    plan = explain(db, "SELECT id FROM orders WHERE status = :status", {"status": "refunded"})
    assert plan.full_scan and plan.index is None
    assert "a full scan" in repr(plan)


def test_sized_copies_with_and_without_an_index(db):
    indexed = table_of_size(db, "orders", 1_000, index_on="user_id")
    bare = table_of_size(db, "orders", 1_000)
    assert (indexed, bare) == ("orders_1000", "orders_1000_unindexed")
    with db.engine.connect() as conn:
        counts = [conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one() for t in (indexed, bare)]
        same = conn.execute(text(f"SELECT COUNT(*) FROM {indexed} a JOIN orders b ON a.id = b.id "
                                 "AND a.user_id = b.user_id")).scalar_one()
    assert counts == [1_000, 1_000] and same == 1_000
    assert explain(db, BY_USER.format(indexed), {"user_id": 7}).index == "ix_orders_1000_user_id"
    unindexed = explain(db, BY_USER.format(bare), {"user_id": 7})
    assert unindexed.full_scan and unindexed.index is None
    assert table_of_size(db, "orders", 1_000) == bare  # made again, replacing the earlier copy


def test_sized_copies_refuse_what_is_not_there(db):
    with pytest.raises(ValueError, match="at most the 2,000 rows"):
        table_of_size(db, "orders", 5_000)
    with pytest.raises(ValueError, match="table must be one of"):
        table_of_size(db, "nope", 10)
    with pytest.raises(ValueError, match="index_on must be one of"):
        table_of_size(db, "orders", 10, index_on="colour")
    with pytest.raises(ValueError, match="rows must be"):
        table_of_size(db, "orders", 0)


def test_explain_refuses_an_empty_query(db):
    with pytest.raises(ValueError, match="sql must be"):
        explain(db, "   ")


def test_plans_are_read_from_each_databases_words():
    sqlite = QueryPlan("sqlite", "q", ("SEARCH orders USING INDEX ix_orders_user_id (user_id=?)",))
    covering = QueryPlan("sqlite", "q", ("SEARCH orders USING COVERING INDEX ix_a (a=?)",))
    rowid = QueryPlan("sqlite", "q", ("SEARCH orders USING INTEGER PRIMARY KEY (rowid=?)",))
    scan = QueryPlan("sqlite", "q", ("SCAN orders", "USE TEMP B-TREE FOR ORDER BY"))
    scan_by_index = QueryPlan("sqlite", "q", ("SCAN orders USING INDEX ix_orders_user_id",))
    assert (sqlite.index, covering.index, rowid.index) == ("ix_orders_user_id", "ix_a", "INTEGER PRIMARY KEY")
    assert scan.full_scan and scan.index is None
    assert not scan_by_index.full_scan and scan_by_index.index == "ix_orders_user_id"
    bitmap = QueryPlan("postgresql", "q", ("Bitmap Heap Scan on orders", "  ->  Bitmap Index Scan on ix_o (x)"))
    only = QueryPlan("postgresql", "q", ("Index Only Scan using orders_pkey on orders",))
    seq = QueryPlan("postgresql", "q", ("Sort", "  ->  Seq Scan on orders  (cost=0.00..20.50 rows=6 width=18)"))
    assert (bitmap.index, only.index, seq.index) == ("ix_o", "orders_pkey", None)
    assert seq.full_scan and not bitmap.full_scan


def test_payload_bytes_counts_values():
    assert payload_bytes([("héllo", 1, 2.5, None), (b"abc", datetime(2024, 1, 1), True, "")]) == 6 + 8 + 8 + 0 + 3 + 8 + 8 + 0
    assert payload_bytes([]) == 0
    with pytest.raises(TypeError, match="payload_bytes counts"):
        payload_bytes([(object(),)])
