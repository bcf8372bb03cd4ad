-- MigrateBenchmark: migration 19 of 20 (PostgreSQL).
CREATE TABLE audit_log (id BIGSERIAL PRIMARY KEY, entity VARCHAR(32) NOT NULL, entity_id BIGINT NOT NULL,
    change TEXT NOT NULL, at TIMESTAMP NOT NULL DEFAULT now());
