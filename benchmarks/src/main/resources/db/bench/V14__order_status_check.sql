-- MigrateBenchmark: migration 14 of 20 (PostgreSQL).
ALTER TABLE orders ADD CONSTRAINT order_status_known CHECK (status IN ('NEW', 'PAID', 'SHIPPED', 'CANCELLED'));
