create table orders (id bigint primary key, customer_id bigint not null, note varchar(20));
