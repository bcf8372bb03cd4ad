CREATE INDEX accounts_by_name ON accounts (name);
