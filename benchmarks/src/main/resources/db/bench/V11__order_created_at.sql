-- MigrateBenchmark: migration 11 of 20 (PostgreSQL).
ALTER TABLE orders ADD COLUMN created_at TIMESTAMP NOT NULL DEFAULT now();
