create table app_settings (name varchar(50) primary key, val varchar(200));
