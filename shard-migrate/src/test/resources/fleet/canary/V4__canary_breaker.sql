-- Divides by ${shard_index}: fails on the first shard (index 0), the canary.
CREATE TABLE ledger (amount INT NOT NULL);
INSERT INTO ledger (amount) VALUES (100 / ${shard_index});
