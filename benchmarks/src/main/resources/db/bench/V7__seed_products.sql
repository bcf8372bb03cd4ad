-- MigrateBenchmark: migration 7 of 20 (PostgreSQL).
INSERT INTO products (sku, title, price)
SELECT 'SKU-' || g, 'Product ' || g, g * 1.5 FROM generate_series(1, 200) AS g;
