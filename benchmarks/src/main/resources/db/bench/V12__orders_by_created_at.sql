-- MigrateBenchmark: migration 12 of 20 (PostgreSQL).
CREATE INDEX orders_by_created_at ON orders (created_at);
