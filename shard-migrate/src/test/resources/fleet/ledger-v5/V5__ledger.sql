-- Divides by shard_settings.divisor (the index minus 5, unless a test changes it).
CREATE TABLE ledger (amount INT NOT NULL);
INSERT INTO ledger (amount) SELECT 100 / divisor FROM shard_settings;
