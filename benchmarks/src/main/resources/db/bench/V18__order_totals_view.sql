-- MigrateBenchmark: migration 18 of 20 (PostgreSQL).
CREATE VIEW customer_totals AS
SELECT customer_id, COUNT(*) AS orders, SUM(total) AS total FROM orders GROUP BY customer_id;
