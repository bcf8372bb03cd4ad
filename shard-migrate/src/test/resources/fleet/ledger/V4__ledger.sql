-- Divides by shard_settings.divisor, which is 0 on the shard with index 5.
CREATE TABLE ledger (amount INT NOT NULL);
INSERT INTO ledger (amount) SELECT 100 / divisor FROM shard_settings;
