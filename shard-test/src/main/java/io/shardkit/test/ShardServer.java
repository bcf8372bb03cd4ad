package io.shardkit.test;

import java.util.List;

/** A running database server (or, for H2, the JVM itself) that creates and drops empty databases. */
interface ShardServer {

    /** Creates one empty database per name; on failure drops what it created and throws. */
    List<TestDatabase> create(List<String> names);

    /** Drops the databases, best effort: logs and carries on, never throws. */
    void drop(List<TestDatabase> databases);

    /** Stops the server, best effort: never throws, also when already stopped. */
    void stop();
}
