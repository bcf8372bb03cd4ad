package io.shardkit.samples.orders;

import io.shardkit.cluster.ConsistencyToken;
import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardSession;
import io.shardkit.router.ShardException;

/**
 * Read-your-writes across requests: a response carries the session's {@link ConsistencyToken} in the
 * {@value #NAME} header, and a request that sends it back reads through a session seeded with it, so it sees the
 * writes of the request that returned it — on a replica once the replica has replayed them, else on the primary.
 */
final class ConsistencyHeader {
    static final String NAME = "Shardkit-Consistency";

    private ConsistencyHeader() {
    }

    /** A session for one request, continuing from the token the client sent, if any. */
    static ShardSession session(ShardCluster cluster, String header) {
        if (header == null || header.isBlank()) return cluster.session();
        try {
            return cluster.session(ConsistencyToken.parse(header.strip()));
        } catch (ShardException e) {
            throw new BadRequestException(NAME + " header: " + e.getMessage()
                    + " — send back the header of an earlier response unchanged, or none");
        }
    }
}
