"""The throwaway PostgreSQL cluster the tests use: it starts, takes connections, makes databases, goes away."""

from __future__ import annotations

import asyncpg
import pytest

from tests.pg_cluster import PgCluster, process_alive, require_postgres, running_cluster


async def test_the_session_cluster_accepts_connections_on_its_socket_only(pg_cluster: PgCluster) -> None:
    conn = await asyncpg.connect(pg_cluster.dsn)
    try:
        assert await conn.fetchval("SELECT current_database()") == "kansou"
        assert await conn.fetchval("SHOW listen_addresses") == ""  # no TCP port to collide on
        assert await conn.fetchval("SHOW fsync") == "off"
        assert await conn.fetchval("SHOW synchronous_commit") == "off"
        assert await conn.fetchval("SHOW server_encoding") == "UTF8"
        assert await conn.fetchval("SELECT 'B' < 'a'") is True  # byte order, as SQLite compares text
    finally:
        await conn.close()
    assert str(pg_cluster.root) in pg_cluster.admin_dsn


async def test_create_database_makes_an_empty_one_or_a_copy_of_a_template(pg_cluster: PgCluster) -> None:
    template_dsn = pg_cluster.create_database("cluster_template")
    conn = await asyncpg.connect(template_dsn)
    try:
        await conn.execute("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1), (2)")
    finally:
        await conn.close()
    copy_dsn = pg_cluster.create_database("cluster_copy", template="cluster_template")
    empty_dsn = pg_cluster.create_database("cluster_empty")
    try:
        copy = await asyncpg.connect(copy_dsn)
        empty = await asyncpg.connect(empty_dsn)
        try:
            assert await copy.fetchval("SELECT count(*) FROM t") == 2
            assert await empty.fetchval("SELECT to_regclass('t')") is None
        finally:
            await copy.close()
            await empty.close()
    finally:
        for name in ("cluster_copy", "cluster_empty", "cluster_template"):
            pg_cluster.drop_database(name)
    assert pg_cluster.sql("SELECT count(*) FROM pg_database WHERE datname LIKE 'cluster_%'") == "0"


def test_create_database_refuses_a_name_that_is_not_plain(pg_cluster: PgCluster) -> None:
    with pytest.raises(ValueError, match="plain database name"):
        pg_cluster.create_database("x; DROP DATABASE kansou")


async def test_clusters_side_by_side_are_separate_and_stop_leaves_nothing_behind() -> None:
    require_postgres()
    with running_cluster() as first, running_cluster({"max_connections": "20"}) as second:
        assert first.root != second.root  # as two pytest processes on one machine get
        pids = [first.server_pid(), second.server_pid()]
        assert all(pid is not None for pid in pids)
        a, b = await asyncpg.connect(first.dsn), await asyncpg.connect(second.dsn)
        try:
            await a.execute("CREATE TABLE only_in_first (x int)")
            assert await b.fetchval("SELECT to_regclass('only_in_first')") is None
            assert await b.fetchval("SHOW max_connections") == "20"
        finally:
            await a.close()
            await b.close()
    for cluster, pid in zip((first, second), pids, strict=True):
        assert not cluster.root.exists()
        assert pid is not None
        assert not process_alive(pid)
        with pytest.raises((OSError, asyncpg.PostgresError)):
            await asyncpg.connect(cluster.dsn, timeout=5)
