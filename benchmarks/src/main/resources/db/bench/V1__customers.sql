-- MigrateBenchmark: migration 1 of 20 (PostgreSQL).
CREATE TABLE customers (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, created_at TIMESTAMP NOT NULL DEFAULT now());
