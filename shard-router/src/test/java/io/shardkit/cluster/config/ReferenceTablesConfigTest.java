package io.shardkit.cluster.config;

import static io.shardkit.cluster.config.ConfigValidationTest.MODULO;
import static io.shardkit.cluster.config.ConfigValidationTest.TWO_DATABASES;
import static io.shardkit.cluster.config.ConfigValidationTest.TWO_SHARDS;
import static io.shardkit.cluster.config.ConfigValidationTest.assertProblems;
import static io.shardkit.cluster.config.ConfigValidationTest.compile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The {@code tables:} section of shards.yml: which tables every shard holds whole, and each way to get it wrong. */
class ReferenceTablesConfigTest {
    private static final String CLUSTER = TWO_DATABASES + TWO_SHARDS + MODULO;

    @Test
    void referenceTablesAreReadInDeclarationOrder() {
        var plan = compile(CLUSTER + """
                tables:
                  currency: { reference: true }
                  orders: { reference: false }
                  country: { reference: true }
                """);
        assertEquals(List.of("currency", "country"), List.copyOf(plan.referenceTables()));
    }

    @Test
    void withoutTheSectionThereAreNone() {
        assertEquals(Set.of(), compile(CLUSTER).referenceTables());
        assertEquals(Map.of(), ShardsYaml.parse(CLUSTER, k -> null).tables(), "absent: empty, not null");
    }

    @Test
    void everyBadEntryIsReportedAtOnce() {
        assertProblems(CLUSTER + """
                tables:
                  public.currency: { reference: true }
                  country: { reference: true }
                  Country: { reference: true }
                  region: {}
                  "rate-table": { reference: true }
                """,
                "tables.public.currency: not a plain table name — write the table's unquoted name (letters, digits, '_'),"
                        + " without a schema: every shard's schema holds its own copy",
                "tables.Country: the same table as tables.country (names are compared without case, as the databases"
                        + " fold them) — keep one entry",
                "tables.region.reference: missing — write reference: true for a table every shard holds whole, or"
                        + " remove the entry",
                "tables.rate-table: not a plain table name — write the table's unquoted name (letters, digits, '_'),"
                        + " without a schema: every shard's schema holds its own copy");
    }

    @Test
    void anEmptyEntryIsMissingItsReference() {
        assertProblems(CLUSTER + "tables:\n  currency:\n",
                "tables.currency.reference: missing — write reference: true for a table every shard holds whole, or"
                        + " remove the entry");
    }

    @Test
    void referenceMustBeTrueOrFalse() {
        ShardConfigException e = assertThrows(ShardConfigException.class,
                () -> ShardsYaml.parse(CLUSTER + "tables:\n  currency: { reference: always }\n", k -> null));
        assertEquals(List.of("tables.currency.reference: 'always' is not true or false — write true or false here"), e.problems());
    }

    @Test
    void aTableDeclaredTwiceIsRefused() {
        ShardConfigException e = assertThrows(ShardConfigException.class, () -> ShardsYaml.parse(CLUSTER + """
                tables:
                  currency: { reference: true }
                  currency: { reference: true }
                """, k -> null));
        assertEquals(1, e.problems().size(), e.problems().toString());
        assertEquals(true, e.problems().getFirst().contains("Duplicate field 'currency'"), e.problems().toString());
    }

    @Test
    void anUnknownPropertyOfATableNamesWhatIsKnown() {
        ShardConfigException e = assertThrows(ShardConfigException.class,
                () -> ShardsYaml.parse(CLUSTER + "tables:\n  currency: { refrence: true }\n", k -> null));
        assertEquals(List.of("tables.currency.refrence: unknown property 'refrence' — known here: [reference]"), e.problems());
    }
}
