-- The orders table on every shard, applied by the starter at start-up (shardkit.migration.on-startup=migrate).
CREATE TABLE orders (
    id          BIGINT        NOT NULL,
    customer_id BIGINT        NOT NULL,
    status      VARCHAR(16)   NOT NULL,
    total       DECIMAL(12,2) NOT NULL,
    created_at  TIMESTAMP     NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX orders_by_customer ON orders (customer_id);
