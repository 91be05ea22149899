from storage.database import Database


async def test_pool_round_trip(db: Database) -> None:
    assert await db.pool.fetchval("SELECT 1") == 1
    assert await db.pool.fetchval("SELECT '{\"a\": 1}'::jsonb") == {"a": 1}
