package io.shardkit.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class TestDatabaseTest {

    private final TestDatabase db = new TestDatabase("shard_1_0", "jdbc:h2:mem:tdt_shard_1_0;DB_CLOSE_DELAY=-1", "sa", "s3cr3t", Engine.H2);

    @Test
    void toStringMasksThePassword() {
        assertEquals("TestDatabase[name=shard_1_0, jdbcUrl=jdbc:h2:mem:tdt_shard_1_0;DB_CLOSE_DELAY=-1, username=sa,"
                + " password=****, engine=H2]", db.toString());
        assertFalse(db.toString().contains("s3cr3t"));
    }

    @Test
    void emptyPasswordIsMaskedToo() {
        TestDatabase noPassword = new TestDatabase("a", "jdbc:h2:mem:a", "sa", "", Engine.H2);
        assertTrue(noPassword.toString().contains("password=****"), noPassword.toString());
    }

    @Test
    void componentsAreRequired() {
        assertEquals("password", assertThrows(NullPointerException.class,
                () -> new TestDatabase("a", "jdbc:h2:mem:a", "sa", null, Engine.H2)).getMessage());
        assertEquals("engine", assertThrows(NullPointerException.class,
                () -> new TestDatabase("a", "jdbc:h2:mem:a", "sa", "", null)).getMessage());
    }

    @Test
    void openConnectsWithTheCredentials() throws SQLException {
        try (Connection c = db.open()) {
            assertEquals("SA", c.getMetaData().getUserName());
        }
    }
}
