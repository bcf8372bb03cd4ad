package io.shardkit.query.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.test.EmbeddedShards;
import io.shardkit.test.Engine;
import java.sql.Connection;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

/**
 * What {@link DifferentialFanOutTest} assumes of MariaDB: the embedded server's default collation is case- and
 * accent-insensitive with PAD SPACE, and {@link CollationEquality} asks the server under that collation.
 */
class DifferentialCollationTest {

    @Test
    void mariaDbsDefaultCollationIgnoresCaseAccentsAndTrailingBlanks() throws Exception {
        try (EmbeddedShards dbs = EmbeddedShards.start(Engine.MARIADB, 1); Connection c = dbs.database(0).open()) {
            DSLContext dsl = DSL.using(c, SQLDialect.MARIADB);
            assertEquals("latin1_swedish_ci", dsl.fetchValue("select @@collation_server"), "the server default");
            assertEquals("latin1_swedish_ci", dsl.fetchValue("select @@collation_database"), "a new database's default");
            CollationEquality collation = new CollationEquality(dsl);
            assertTrue(collation.equal("new", "NEW"));
            assertTrue(collation.equal("échec", "Échec"));
            assertTrue(collation.equal("paid", "paid "));
            assertFalse(collation.equal("new", "paid"));
            assertFalse(collation.equal("straße", "STRASSE"), "latin1_swedish_ci does not expand ß");
            assertEquals("NEW", collation.apply("NEW"));
            assertEquals("NEW", collation.apply("new"), "one class: the first string met represents it");
            assertEquals("straße", collation.apply("straße"));
            assertEquals("STRASSE", collation.apply("STRASSE"));
        }
    }
}
