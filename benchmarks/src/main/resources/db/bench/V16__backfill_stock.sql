-- MigrateBenchmark: migration 16 of 20 (PostgreSQL).
UPDATE products SET stock = 100 WHERE price < 100;
