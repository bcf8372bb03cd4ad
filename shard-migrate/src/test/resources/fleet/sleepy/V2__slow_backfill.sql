-- Slow enough for a test to signal the process while this runs (PostgreSQL only).
SELECT pg_sleep(2);
CREATE TABLE backfilled (id BIGINT NOT NULL);
