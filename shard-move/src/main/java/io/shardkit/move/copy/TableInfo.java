package io.shardkit.move.copy;

import java.util.List;

/** A table of a shard as its database reports it: exact names, columns in order, the primary key's columns in order. */
public record TableInfo(String name, List<String> columns, List<String> primaryKey) {
    public TableInfo {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
    }
}
