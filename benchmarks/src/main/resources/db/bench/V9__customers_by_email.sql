-- MigrateBenchmark: migration 9 of 20 (PostgreSQL).
CREATE UNIQUE INDEX customers_by_email ON customers (email);
