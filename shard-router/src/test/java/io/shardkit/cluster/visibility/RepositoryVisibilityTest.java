package io.shardkit.cluster.visibility;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardClusterBuilder;
import io.shardkit.cluster.ShardKey;
import io.shardkit.router.KeyHash;
import io.shardkit.router.ShardException;
import java.util.UUID;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Repository interfaces declared in a service's own package (not Shardkit's), as a user writes them: a package-private
 * one works, and a public one that names a package-private type is refused when the proxy is made, not at its first
 * call.
 */
class RepositoryVisibilityTest {

    record Note(long customerId, DSLContext readFrom) {
    }

    interface Notes {
        Note read(@ShardKey long customerId);

        default DSLContext shardOf(long customerId) {
            return read(customerId).readFrom();
        }
    }

    public interface LeakyNotes {
        Note read(@ShardKey long customerId);
    }

    private ShardCluster cluster;

    @BeforeEach
    void start() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        ShardClusterBuilder b = ShardCluster.builder().modulo(KeyHash.MURMUR3);
        for (int i = 0; i < 2; i++) {
            b.database("db" + i, "jdbc:h2:mem:visibility_" + run + "_" + i, "sa", "").shard("s" + i, "db" + i);
        }
        cluster = b.build();
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void aPackagePrivateInterfaceInAnotherPackageRoutesItsCalls() {
        Notes notes = cluster.repository(Notes.class, dsl -> new Notes() {
            @Override
            public Note read(long customerId) {
                return new Note(customerId, dsl);
            }
        });
        for (long key = 1; key <= 20; key++) {
            assertSame(cluster.dsl(key), notes.read(key).readFrom(), "key " + key);
            assertSame(cluster.dsl(key), notes.shardOf(key), "default method, key " + key);
        }
    }

    @Test
    void aPublicInterfaceNamingAPackagePrivateTypeIsRefusedWhenTheProxyIsMade() {
        ShardException e = assertThrows(ShardException.class, () -> cluster.repository(LeakyNotes.class, dsl -> null));
        assertEquals(ShardException.Code.CONFIG, e.code());
        assertEquals("cannot make a sharded repository of " + LeakyNotes.class.getName() + ":\n  - LeakyNotes.read(long): uses "
                + Note.class.getName() + ", which is not public — make it public, or make the interface package-private",
                e.getMessage());
    }
}
