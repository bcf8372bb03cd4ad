package io.shardkit.query;

import io.shardkit.cluster.Shard;
import io.shardkit.query.StopControl.Wait;
import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard task's connection: taken within the fan-out's share of its database, in a wait that a stop interrupts
 * (so never past the deadline), and given back — to the pool, and its permit to the share — whatever happened.
 */
final class ConnectionLease {
    private static final Logger LOG = LoggerFactory.getLogger(ShardTask.class); // one logger for a shard task's parts

    private final Shard shard;
    private final DatabaseShare share;
    private boolean permit;
    private Connection connection;

    ConnectionLease(Shard shard, DatabaseShare share) {
        this.shard = shard;
        this.share = share;
    }

    Connection acquire(StopControl control) throws InterruptedException, SQLException {
        control.waitFor(Wait.PERMIT);
        share.permits.acquire(); // the watchdog interrupts this wait at the deadline
        permit = true;
        control.waitFor(Wait.POOL);
        connection = shard.dataSource().getConnection(); // and this one: HikariCP's own timeout may be far longer
        return connection;
    }

    /** Gives back what {@link #acquire} got, if anything; after the job has ended its use of the connection. */
    void giveBack() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.warn("[shard {}] could not return its connection: {}", shard.id(), e.toString());
            }
        }
        if (permit) share.permits.release();
    }
}
