package io.shardkit.cluster;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.config.ClusterConfig.DatabaseConfig;
import io.shardkit.cluster.config.ClusterConfig.ReplicaConfig;
import io.shardkit.cluster.config.ClusterConfig;
import io.shardkit.router.KeyHash;
import io.shardkit.router.ShardException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Repositories whose methods carry a {@code @ShardKey}, on real H2 shards (and H2 "replicas" we can tell apart). */
class ShardedRepositoryTest {
    static final Table<Record> ORDERS = table(name("orders"));
    static final Field<Long> ID = field(name("id"), SQLDataType.BIGINT);
    static final Field<Long> CUSTOMER = field(name("customer_id"), SQLDataType.BIGINT);
    static final Field<String> NOTE = field(name("note"), SQLDataType.VARCHAR(40));

    public record Order(long id, long customerId, String note) {
    }

    /** The repository a service would write. */
    public interface OrderRepository {
        Optional<Order> find(@ShardKey long customerId, long orderId);

        void save(@ShardKey("customerId") Order order);

        @ReadOnly
        List<Order> recent(@ShardKey long customerId, int limit);

        int countAll(@ShardKey Long anyKeyOnTheShard);

        default boolean exists(long customerId, long orderId) {
            return find(customerId, orderId).isPresent();
        }
    }

    /** Plain jOOQ, bound to one shard's DSLContext. */
    static final class JooqOrderRepository implements OrderRepository {
        final DSLContext dsl;

        JooqOrderRepository(DSLContext dsl) {
            this.dsl = dsl;
        }

        @Override
        public Optional<Order> find(long customerId, long orderId) {
            return dsl.select(ID, CUSTOMER, NOTE).from(ORDERS).where(ID.eq(orderId).and(CUSTOMER.eq(customerId)))
                    .fetchOptional(r -> new Order(r.value1(), r.value2(), r.value3()));
        }

        @Override
        public void save(Order order) {
            dsl.insertInto(ORDERS, ID, CUSTOMER, NOTE).values(order.id(), order.customerId(), order.note()).execute();
        }

        @Override
        public List<Order> recent(long customerId, int limit) {
            return dsl.select(ID, CUSTOMER, NOTE).from(ORDERS).where(CUSTOMER.eq(customerId)).orderBy(ID.desc()).limit(limit)
                    .fetch(r -> new Order(r.value1(), r.value2(), r.value3()));
        }

        @Override
        public int countAll(Long anyKeyOnTheShard) {
            return dsl.fetchCount(ORDERS);
        }
    }

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final AtomicInteger made = new AtomicInteger();
    private ShardCluster cluster;
    private OrderRepository orders;

    private String url(String what) {
        return "jdbc:h2:mem:repo_" + run + "_" + what + ";DB_CLOSE_DELAY=-1";
    }

    /** Two shards; each database has a "replica" that is really another H2 database, so a test can tell which was read. */
    private ClusterConfig config(boolean replicas) {
        ShardClusterBuilder b = ShardCluster.builder();
        for (int i = 0; i < 2; i++) {
            List<ReplicaConfig> r = replicas ? List.of(new ReplicaConfig(url("r" + i), "sa", "", null)) : List.of();
            b.database("db" + i, new DatabaseConfig(url("p" + i), "sa", "", null, null, r)).shard("s" + i, "db" + i);
        }
        return b.modulo(KeyHash.MURMUR3).toConfig();
    }

    @BeforeEach
    void start() throws Exception {
        for (String db : List.of("p0", "p1", "r0", "r1")) {
            try (Connection c = DriverManager.getConnection(url(db), "sa", "")) {
                c.createStatement().execute("create table orders (id bigint primary key, customer_id bigint, note varchar(40))");
            }
        }
        cluster = ShardCluster.create(config(true));
        orders = cluster.repository(OrderRepository.class, dsl -> {
            made.incrementAndGet();
            return new JooqOrderRepository(dsl);
        });
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private long keyOn(String shard) {
        for (long k = 1; ; k++) {
            if (cluster.shardFor(k).value().equals(shard)) return k;
        }
    }

    private int rowsIn(String db, long customer) throws Exception {
        try (Connection c = DriverManager.getConnection(url(db), "sa", "");
             ResultSet rs = c.createStatement().executeQuery("select count(*) from orders where customer_id = " + customer)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void callsRunOnTheKeysShardWithInstancesMadeOncePerShardAndReplica() throws Exception {
        assertEquals(4, made.get(), "2 primaries + 2 replicas, made when the proxy was made");
        for (long customer = 1; customer <= 50; customer++) {
            orders.save(new Order(customer * 10, customer, "n" + customer));
        }
        for (long customer = 1; customer <= 50; customer++) {
            String home = cluster.shardFor(customer).value().equals("s0") ? "p0" : "p1";
            String other = home.equals("p0") ? "p1" : "p0";
            assertEquals(1, rowsIn(home, customer), "customer " + customer);
            assertEquals(0, rowsIn(other, customer), "customer " + customer);
            assertEquals(Optional.of(new Order(customer * 10, customer, "n" + customer)), orders.find(customer, customer * 10));
            assertTrue(orders.exists(customer, customer * 10), "default methods call through the proxy");
        }
        assertEquals(4, made.get(), "no instance is made per call");
    }

    @Test
    void readOnlyMethodsReadTheReplicaAndOthersThePrimary() throws Exception {
        long customer = keyOn("s1");
        orders.save(new Order(1, customer, "on the primary"));
        try (Connection c = DriverManager.getConnection(url("r1"), "sa", "")) {
            c.createStatement().execute("insert into orders values (2, " + customer + ", 'only on the replica')");
        }
        assertEquals(List.of(new Order(2, customer, "only on the replica")), orders.recent(customer, 10));
        assertEquals(Optional.of(new Order(1, customer, "on the primary")), orders.find(customer, 1));
        assertEquals(1, cluster.readDsl(customer).fetchCount(ORDERS));
        assertEquals(1, cluster.dsl(customer).fetchCount(ORDERS));
        assertEquals("only on the replica", cluster.readDsl(customer).select(NOTE).from(ORDERS).fetchOne(NOTE));
    }

    @Test
    void readsAreSpreadRoundRobinOverTheReplicas() throws Exception {
        List<ReplicaConfig> two = List.of(new ReplicaConfig(url("ra"), "sa", "", null), new ReplicaConfig(url("rb"), "sa", "", null));
        for (String db : List.of("ra", "rb")) {
            try (Connection c = DriverManager.getConnection(url(db), "sa", "")) {
                c.createStatement().execute("create table orders (id bigint primary key, customer_id bigint, note varchar(40))");
                c.createStatement().execute("insert into orders values (1, 1, '" + db + "')");
            }
        }
        try (ShardCluster c = ShardCluster.builder().database("db0", new DatabaseConfig(url("p0"), "sa", "", null, null, two))
                .shard("s0", "db0").jump().build()) {
            // Replicas are probed in the background; until then reads go to the primary.
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
            while ((c.readDsl(1L) == c.dsl(1L) || c.readDsl(1L) == c.dsl(1L)) && System.nanoTime() - deadline < 0) {
                Thread.sleep(5);
            }
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                seen.add(c.readDsl(1L).select(NOTE).from(ORDERS).fetchOne(NOTE));
            }
            assertEquals(3, seen.stream().filter("ra"::equals).count(), seen.toString());
            assertEquals(3, seen.stream().filter("rb"::equals).count(), seen.toString());
            for (int i = 1; i < seen.size(); i++) {
                assertNotEquals(seen.get(i - 1), seen.get(i), "alternates: " + seen);
            }
        }
    }

    @Test
    void aReplicaThatFailsIsSkippedAndReadsGoToThePrimary() {
        ClusterConfig.DatabaseConfig broken = new DatabaseConfig(url("p0"), "sa", "", null, null,
                List.of(new ReplicaConfig("jdbc:h2:tcp://127.0.0.1:1/nowhere", "sa", "", null)));
        try (ShardCluster c = ShardCluster.builder().database("db0", broken).shard("s0", "db0").jump().build()) {
            OrderRepository repo = c.repository(OrderRepository.class, JooqOrderRepository::new);
            repo.save(new Order(7, 70, "primary"));
            assertEquals(List.of(new Order(7, 70, "primary")), repo.recent(70, 5), "the dead replica was skipped");
            assertEquals(1, c.readDsl(70L).fetchCount(ORDERS));
        }
    }

    @Test
    void aSessionReadsItsOwnWritesFromThePrimaryWhenThePositionCannotBeRead() throws Exception {
        long customer = keyOn("s0");
        ShardSession session = cluster.session();
        OrderRepository mine = session.repository(OrderRepository.class);
        assertEquals(List.of(), mine.recent(customer, 10), "nothing written yet: the replica is used");
        mine.save(new Order(5, customer, "written in the session"));
        // H2 has no WAL position to wait for, so the written shard is read from its primary for the session's life.
        assertEquals(List.of(new Order(5, customer, "written in the session")), mine.recent(customer, 10));
        assertEquals(1, session.readDsl(customer).fetchCount(ORDERS));
        // A session that wrote nothing, and the plain proxy, still read the (stale) replica.
        assertEquals(List.of(), cluster.session().repository(OrderRepository.class).recent(customer, 10));
        assertEquals(List.of(), orders.recent(customer, 10));
        assertEquals(0, rowsIn("r0", customer));
        // The other shard was not written: it still reads from its replica.
        assertEquals(0, session.readDsl(keyOn("s1")).fetchCount(ORDERS));
    }

    @Test
    void aTransactionGivesRepositoriesBoundToItAndRefusesAnotherShard() throws Exception {
        long a = keyOn("s0");
        long b = keyOn("s1");
        cluster.inTransaction(a, tx -> {
            tx.repository(OrderRepository.class).save(new Order(1, a, "one"));
            tx.repository(OrderRepository.class).save(new Order(2, a, "two"));
            return null;
        });
        assertEquals(2, rowsIn("p0", a));

        ShardException e = assertThrows(ShardException.class, () -> cluster.inTransaction(a, tx -> {
            OrderRepository repo = tx.repository(OrderRepository.class);
            repo.save(new Order(3, a, "three"));
            repo.save(new Order(4, b, "four"));
            return null;
        }));
        assertEquals("[shard s0] OrderRepository.save(Order): key " + b + " belongs to shard s1, but this transaction "
                + "runs on shard s0 — a local transaction covers one shard; do the work for s1 in a transaction of its own",
                e.getMessage());
        assertEquals(2, rowsIn("p0", a), "order 3 was rolled back with the transaction: nothing half-written");
        assertEquals(0, rowsIn("p1", b));
    }

    @Test
    void aTransactionCanOnlyBindRegisteredRepositories() {
        interface Unregistered {
            void touch(@ShardKey long key);
        }
        ShardException e = assertThrows(ShardException.class,
                () -> cluster.inTransaction(1L, tx -> tx.repository(Unregistered.class)));
        assertTrue(e.getMessage().startsWith("no repository "), e.getMessage());
        assertTrue(e.getMessage().endsWith(" is registered — call cluster.repository(Unregistered.class, dsl -> ...) first"),
                e.getMessage());
    }

    @Test
    void aNullKeyFailsBeforeAnySql() throws Exception {
        ShardException entity = assertThrows(ShardException.class, () -> orders.save(null));
        assertEquals("OrderRepository.save(Order): the @ShardKey argument is null — pass the value that decides the shard",
                entity.getMessage());
        ShardException boxed = assertThrows(ShardException.class, () -> orders.countAll(null));
        assertEquals(ShardException.Code.KEY, boxed.code());
        assertEquals(0, rowsIn("p0", 0) + rowsIn("p1", 0));
    }

    @Test
    void objectMethodsBehave() {
        assertEquals("ShardedRepository[" + OrderRepository.class.getName() + "]", orders.toString());
        assertEquals(orders, orders);
        assertNotEquals(orders, cluster.repository(OrderRepository.class, JooqOrderRepository::new));
        assertEquals(System.identityHashCode(orders), orders.hashCode());
    }

    @Test
    void afterAReconfigureTheRepositoryUsesTheNewTopology() {
        int before = made.get();
        cluster.reconfigure(config(false));
        assertEquals(before + 2, made.get(), "made by the reconfigure: new instances for the two shards, none for the dropped replicas");
        long customer = keyOn("s1");
        orders.save(new Order(9, customer, "after"));
        assertEquals(before + 2, made.get(), "none made by the call");
        assertEquals(List.of(new Order(9, customer, "after")), orders.recent(customer, 1), "no replicas now: the primary");
    }

    // ---- mistakes caught when the proxy is made ---------------------------------------------------------------

    interface NoKey {
        void touch(long id);
    }

    interface TwoKeys {
        void touch(@ShardKey long a, @ShardKey long b);
    }

    interface MissingComponent {
        void save(@ShardKey("tenant") Order order);
    }

    interface BadKeyType {
        void touch(@ShardKey double amount);
    }

    public static final class Pojo {
        private final long tenantId;
        public String region = "eu";

        Pojo(long tenantId) {
            this.tenantId = tenantId;
        }

        public long getTenantId() {
            return tenantId;
        }
    }

    interface PojoKeys {
        long byGetter(@ShardKey("tenantId") Pojo p);

        String byField(@ShardKey("region") Pojo p);
    }

    @Test
    void mistakesAreCaughtWhenTheProxyIsMade() {
        List<String> messages = new ArrayList<>();
        for (Class<?> bad : List.of(NoKey.class, TwoKeys.class, MissingComponent.class, BadKeyType.class, Order.class)) {
            ShardException e = assertThrows(ShardException.class, () -> cluster.repository(bad, dsl -> null));
            assertEquals(ShardException.Code.CONFIG, e.code());
            messages.add(e.getMessage());
        }
        String prefix = "cannot make a sharded repository of " + ShardedRepositoryTest.class.getName();
        assertEquals(List.of(
                prefix + "$NoKey:\n  - NoKey.touch(long): no parameter is annotated @ShardKey — annotate the one that decides the shard",
                prefix + "$TwoKeys:\n  - TwoKeys.touch(long, long): 2 parameters are annotated @ShardKey — exactly one decides the shard",
                prefix + "$MissingComponent:\n  - MissingComponent.save(Order): @ShardKey(\"tenant\") on Order: Order has no record "
                        + "component, getter or field named 'tenant' — name the component that holds the key",
                prefix + "$BadKeyType:\n  - BadKeyType.touch(double): the @ShardKey parameter is of type double, which is not a "
                        + "shard key type — use long, int, String, UUID, byte[] or Instant",
                ShardedRepositoryTest.class.getName() + "$Order is not an interface — a sharded repository is declared as an interface"),
                messages);
        assertEquals(4, made.get(), "no factory was called for a refused interface");
    }

    @Test
    void keysCanComeFromAGetterOrAField() {
        List<Object> seen = new ArrayList<>();
        PojoKeys keys = cluster.repository(PojoKeys.class, dsl -> new PojoKeys() {
            @Override
            public long byGetter(Pojo p) {
                seen.add(dsl);
                return p.getTenantId();
            }

            @Override
            public String byField(Pojo p) {
                return p.region;
            }
        });
        long onS1 = keyOn("s1");
        assertEquals(onS1, keys.byGetter(new Pojo(onS1)));
        assertEquals(cluster.dsl(onS1), seen.getFirst(), "the instance bound to the key's shard was called");
        assertEquals("eu", keys.byField(new Pojo(1)), "the key read from a public field routes too");
        assertEquals(1, seen.size());
    }
}
