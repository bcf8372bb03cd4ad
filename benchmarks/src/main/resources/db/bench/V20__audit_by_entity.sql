-- MigrateBenchmark: migration 20 of 20 (PostgreSQL).
CREATE INDEX audit_by_entity ON audit_log (entity, entity_id);
