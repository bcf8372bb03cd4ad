create table account (id bigint primary key, balance numeric(12, 2) not null check (balance >= 0));
create table transfer_leg (transfer_id varchar(64) not null, account_id bigint not null, delta numeric(12, 2) not null,
    primary key (transfer_id, account_id));
