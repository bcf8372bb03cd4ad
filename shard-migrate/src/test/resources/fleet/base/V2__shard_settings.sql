-- One row per shard, written through ShardMigrator's per-shard placeholders.
CREATE TABLE shard_settings (shard_id VARCHAR(63) NOT NULL, shard_index INT NOT NULL, divisor INT NOT NULL);
INSERT INTO shard_settings (shard_id, shard_index, divisor) VALUES ('${shard_id}', ${shard_index}, ${shard_index} - 5);
