-- MigrateBenchmark: migration 17 of 20 (PostgreSQL).
CREATE TABLE shipments (order_id BIGINT PRIMARY KEY REFERENCES orders (id), carrier VARCHAR(32) NOT NULL,
    shipped_at TIMESTAMP);
