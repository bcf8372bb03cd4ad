-- MigrateBenchmark: migration 6 of 20 (PostgreSQL).
CREATE TABLE products (sku VARCHAR(32) PRIMARY KEY, title VARCHAR(200) NOT NULL, price DECIMAL(12,2) NOT NULL);
