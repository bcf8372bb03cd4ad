package io.shardkit.query;

import io.shardkit.router.ShardId;
import java.util.Iterator;
import org.jooq.Record;

/**
 * One shard's rows as they arrive, in the order the shard sends them. {@link #hasNext()} blocks until a row, the
 * end, or a failure; under {@link FailurePolicy#FAIL_FAST} it throws {@link FanOutException} once any shard of the
 * fan-out failed, under {@link FailurePolicy#PARTIAL} a failed shard's stream ends after the rows it sent.
 * One thread reads a stream at a time; different streams may be read by different threads.
 */
interface ShardStream extends Iterator<Record> {
    ShardId shard();
}
