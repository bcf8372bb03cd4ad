-- MigrateBenchmark: migration 8 of 20 (PostgreSQL).
ALTER TABLE customers ADD COLUMN email VARCHAR(200);
