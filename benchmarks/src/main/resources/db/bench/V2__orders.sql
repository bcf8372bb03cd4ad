-- MigrateBenchmark: migration 2 of 20 (PostgreSQL).
CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL REFERENCES customers (id), total DECIMAL(12,2) NOT NULL);
