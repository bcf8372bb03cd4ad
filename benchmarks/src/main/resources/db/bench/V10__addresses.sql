-- MigrateBenchmark: migration 10 of 20 (PostgreSQL).
CREATE TABLE addresses (customer_id BIGINT NOT NULL REFERENCES customers (id), kind VARCHAR(16) NOT NULL,
    line1 VARCHAR(200) NOT NULL, city VARCHAR(100) NOT NULL, PRIMARY KEY (customer_id, kind));
