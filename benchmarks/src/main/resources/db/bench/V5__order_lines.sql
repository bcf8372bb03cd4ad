-- MigrateBenchmark: migration 5 of 20 (PostgreSQL).
CREATE TABLE order_lines (order_id BIGINT NOT NULL REFERENCES orders (id), line INT NOT NULL, sku VARCHAR(32) NOT NULL,
    quantity INT NOT NULL, PRIMARY KEY (order_id, line));
