-- MigrateBenchmark: migration 13 of 20 (PostgreSQL).
CREATE TABLE payments (id BIGINT PRIMARY KEY, order_id BIGINT NOT NULL REFERENCES orders (id), amount DECIMAL(12,2) NOT NULL,
    paid_at TIMESTAMP NOT NULL);
