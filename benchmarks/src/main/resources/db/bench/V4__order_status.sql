-- MigrateBenchmark: migration 4 of 20 (PostgreSQL).
ALTER TABLE orders ADD COLUMN status VARCHAR(16) NOT NULL DEFAULT 'NEW';
