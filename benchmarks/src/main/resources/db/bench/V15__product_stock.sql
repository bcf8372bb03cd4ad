-- MigrateBenchmark: migration 15 of 20 (PostgreSQL).
ALTER TABLE products ADD COLUMN stock INT NOT NULL DEFAULT 0;
