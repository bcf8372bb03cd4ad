create table orders (customer_id bigint not null, item varchar(100) not null);
