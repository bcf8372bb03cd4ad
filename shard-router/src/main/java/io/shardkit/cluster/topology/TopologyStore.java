package io.shardkit.cluster.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardkit.cluster.config.ShardMap;
import io.shardkit.router.ShardException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.exception.DataAccessException;
import org.jooq.exception.IntegrityConstraintViolationException;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The shard map's versions in a control database: {@code shardkit_topology} holds each published version (never
 * changed once written), {@code shardkit_instances} the version each instance last said it runs. Publishing is a
 * compare-and-set on the version number, so two movers can never both publish "the next" version. On PostgreSQL a
 * publish also sends {@code NOTIFY shardkit_topology}.
 */
public final class TopologyStore {
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Table<Record> VERSIONS = DSL.table(DSL.name("shardkit_topology"));
    private static final Field<Long> VERSION = DSL.field(DSL.name("version"), SQLDataType.BIGINT.notNull());
    private static final Field<String> MAP = DSL.field(DSL.name("shard_map"), SQLDataType.CLOB.notNull());
    private static final Field<String> REASON = DSL.field(DSL.name("reason"), SQLDataType.VARCHAR(500));
    private static final Field<LocalDateTime> PUBLISHED = DSL.field(DSL.name("published_at"), SQLDataType.LOCALDATETIME(3).notNull());
    private static final Table<Record> INSTANCES = DSL.table(DSL.name("shardkit_instances"));
    private static final Field<String> INSTANCE = DSL.field(DSL.name("instance_id"), SQLDataType.VARCHAR(200).notNull());
    private static final Field<LocalDateTime> SEEN = DSL.field(DSL.name("seen_at"), SQLDataType.LOCALDATETIME(3).notNull());
    /** The channel a publish notifies on PostgreSQL. */
    public static final String CHANNEL = "shardkit_topology";

    private final DSLContext dsl;

    private TopologyStore(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** The store in {@code control}, creating its two tables when they are missing. */
    public static TopologyStore open(DataSource control, SQLDialect dialect) {
        DSLContext dsl = DSL.using(Objects.requireNonNull(control, "control"), dialect);
        try {
            dsl.createTableIfNotExists(VERSIONS).columns(VERSION, MAP, REASON, PUBLISHED).primaryKey(VERSION).execute();
            dsl.createTableIfNotExists(INSTANCES).columns(INSTANCE, VERSION, SEEN).primaryKey(INSTANCE).execute();
        } catch (DataAccessException e) {
            throw failure("cannot create the topology tables", e);
        }
        return new TopologyStore(dsl);
    }

    /** The newest version, if any was ever published. */
    public Optional<TopologyVersion> latest() {
        try {
            Long newest = dsl.select(DSL.max(VERSION)).from(VERSIONS).fetchOne(0, Long.class);
            return newest == null ? Optional.empty() : version(newest);
        } catch (DataAccessException e) {
            throw failure("cannot read the newest topology version", e);
        }
    }

    /** The newest version's number, 0 when none was published: one indexed read, for polling. */
    public long latestNumber() {
        try {
            Long newest = dsl.select(DSL.max(VERSION)).from(VERSIONS).fetchOne(0, Long.class);
            return newest == null ? 0 : newest;
        } catch (DataAccessException e) {
            throw failure("cannot read the newest topology version", e);
        }
    }

    /** Version {@code number}, if it exists. */
    public Optional<TopologyVersion> version(long number) {
        try {
            return dsl.select(VERSION, MAP, REASON, PUBLISHED).from(VERSIONS).where(VERSION.eq(number)).fetchOptional()
                    .map(r -> new TopologyVersion(r.value1(), parse(r.value2(), r.value1()), r.value3(),
                            r.value4().toInstant(ZoneOffset.UTC)));
        } catch (DataAccessException e) {
            throw failure("cannot read topology version " + number, e);
        }
    }

    /** Every version, oldest first. */
    public List<TopologyVersion> history() {
        try {
            return dsl.select(VERSION, MAP, REASON, PUBLISHED).from(VERSIONS).orderBy(VERSION).fetch()
                    .map(r -> new TopologyVersion(r.value1(), parse(r.value2(), r.value1()), r.value3(),
                            r.value4().toInstant(ZoneOffset.UTC)));
        } catch (DataAccessException e) {
            throw failure("cannot read the topology history", e);
        }
    }

    /**
     * Publishes {@code map} as version {@code expected + 1}, if the newest version is still {@code expected}.
     *
     * @return the version published, or empty when another publisher got there first (nothing was written)
     */
    public Optional<TopologyVersion> publish(long expected, ShardMap map, String reason) {
        String text = write(map);
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
        try {
            return dsl.transactionResult(cfg -> {
                DSLContext tx = DSL.using(cfg);
                long newest = Optional.ofNullable(tx.select(DSL.max(VERSION)).from(VERSIONS).fetchOne(0, Long.class)).orElse(0L);
                if (newest != expected) return Optional.<TopologyVersion>empty();
                tx.insertInto(VERSIONS, VERSION, MAP, REASON, PUBLISHED).values(expected + 1, text, reason, now).execute();
                if (tx.dialect().family() == SQLDialect.POSTGRES) {
                    tx.execute("select pg_notify({0}, {1})", DSL.inline(CHANNEL), DSL.inline(Long.toString(expected + 1)));
                }
                return Optional.of(new TopologyVersion(expected + 1, map, reason, now.toInstant(ZoneOffset.UTC)));
            });
        } catch (IntegrityConstraintViolationException e) {
            return Optional.empty(); // a concurrent publisher inserted the same number first
        } catch (DataAccessException e) {
            throw failure("cannot publish topology version " + (expected + 1), e);
        }
    }

    /** Records that {@code instance} runs {@code version} (now). */
    public void reportRunning(String instance, long version) {
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
        try {
            int updated = dsl.update(INSTANCES).set(VERSION, version).set(SEEN, now).where(INSTANCE.eq(instance)).execute();
            if (updated == 0) {
                try {
                    dsl.insertInto(INSTANCES, INSTANCE, VERSION, SEEN).values(instance, version, now).execute();
                } catch (IntegrityConstraintViolationException raced) {
                    dsl.update(INSTANCES).set(VERSION, version).set(SEEN, now).where(INSTANCE.eq(instance)).execute();
                }
            }
        } catch (DataAccessException e) {
            throw failure("cannot record the version instance " + instance + " runs", e);
        }
    }

    /** Every instance's last report, by name. */
    public List<InstanceVersion> instances() {
        try {
            return dsl.select(INSTANCE, VERSION, SEEN).from(INSTANCES).orderBy(INSTANCE).fetch()
                    .map(r -> new InstanceVersion(r.value1(), r.value2(), r.value3().toInstant(ZoneOffset.UTC)));
        } catch (DataAccessException e) {
            throw failure("cannot read the instances' versions", e);
        }
    }

    /** Forgets an instance that is gone for good (so a mover no longer waits for it). */
    public void forget(String instance) {
        try {
            dsl.deleteFrom(INSTANCES).where(INSTANCE.eq(instance)).execute();
        } catch (DataAccessException e) {
            throw failure("cannot forget instance " + instance, e);
        }
    }

    private static String write(ShardMap map) {
        try {
            return JSON.writeValueAsString(Objects.requireNonNull(map, "map"));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write the shard map: " + e.getOriginalMessage(), e);
        }
    }

    private static ShardMap parse(String text, long version) {
        try {
            return JSON.readValue(text, ShardMap.class);
        } catch (JsonProcessingException e) {
            throw new ShardException(ShardException.Code.CONFIG, "topology version " + version + " in the store is not a"
                    + " shard map (" + e.getOriginalMessage() + ") — publish a corrected version", e);
        }
    }

    private static ShardException failure(String what, DataAccessException e) {
        return new ShardException(ShardException.Code.DATABASE, "topology store: " + what + ": "
                + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + " — check the control database", e);
    }
}
