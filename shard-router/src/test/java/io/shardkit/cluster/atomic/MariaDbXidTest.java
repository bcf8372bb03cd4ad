package io.shardkit.cluster.atomic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.router.ShardException;
import io.shardkit.router.ShardId;
import org.junit.jupiter.api.Test;

/** MariaDB xids: golden text, the 64-byte limits, and the versions that keep prepared branches. */
class MariaDbXidTest {
    @Test
    void anXidIsTheTransactionIdAndClusterDecisionShardParticipant() {
        assertEquals("'0b5c7a58-1d4e-4c43-9d3c-6c1f0a7e9b21','orders:s.0:db+1',5457995", MariaDbBranches.xid(
                new Gid("orders", "0b5c7a58-1d4e-4c43-9d3c-6c1f0a7e9b21", ShardId.of("s.0"), "db 1")));
    }

    @Test
    void aQualifierOver64BytesIsRefusedNamingItsLength() {
        ShardException e = assertThrows(ShardException.class, () -> MariaDbBranches.xid(
                new Gid("c".repeat(40), "tx", ShardId.of("s0"), "d".repeat(21))));
        assertEquals(ShardException.Code.CONFIG, e.code());
        assertTrue(e.getMessage().contains(" 65 bytes, at most 64 each — shorten the cluster, shard or database names"),
                e.getMessage());
        String bqual64 = "c".repeat(40) + ":s0:" + "d".repeat(20);
        assertEquals("'tx','" + bqual64 + "',5457995", MariaDbBranches.xid(new Gid("c".repeat(40), "tx", ShardId.of("s0"), "d".repeat(20))));
    }

    @Test
    void preparedBranchesSurviveADisconnectFrom10_5_2() {
        assertTrue(MariaDbBranches.keepsPreparedBranches("10.11.5-MariaDB"));
        assertTrue(MariaDbBranches.keepsPreparedBranches("10.5.2-MariaDB-log"));
        assertTrue(MariaDbBranches.keepsPreparedBranches("11.4.2-MariaDB"));
        assertFalse(MariaDbBranches.keepsPreparedBranches("10.5.1-MariaDB"));
        assertFalse(MariaDbBranches.keepsPreparedBranches("10.4.30-MariaDB"));
        assertFalse(MariaDbBranches.keepsPreparedBranches("garbage"));
    }
}
