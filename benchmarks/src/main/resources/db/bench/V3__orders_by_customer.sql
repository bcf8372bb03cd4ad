-- MigrateBenchmark: migration 3 of 20 (PostgreSQL).
CREATE INDEX orders_by_customer ON orders (customer_id);
