package io.shardkit.query.differential;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;

/**
 * The {@code orders} table of the differential test and a deterministic generator of its rows: the same seed gives
 * the same orders on every JDK ({@link Random} is specified bit for bit). The values are chosen to trip a merge:
 * NULLs in every column but the keys, many duplicate sort keys, negative and very large numbers, mixed-case and
 * non-ASCII strings, and dates from 1970 to 2099.
 */
final class OrdersData {
    static final Table<Record> ORDERS = table(name("orders"));
    static final Field<Long> ID = field(name("id"), SQLDataType.BIGINT.notNull());
    /** The shard key. */
    static final Field<Long> CUSTOMER_ID = field(name("customer_id"), SQLDataType.BIGINT.notNull());
    static final Field<String> STATUS = field(name("status"), SQLDataType.VARCHAR(20));
    static final Field<BigDecimal> TOTAL = field(name("total"), SQLDataType.NUMERIC(12, 2));
    static final Field<Integer> QUANTITY = field(name("quantity"), SQLDataType.INTEGER);
    static final Field<LocalDate> CREATED_ON = field(name("created_on"), SQLDataType.LOCALDATE);
    static final Field<LocalDateTime> CREATED_AT = field(name("created_at"), SQLDataType.LOCALDATETIME(0));
    static final Field<String> REGION = field(name("region"), SQLDataType.VARCHAR(8));
    /** A blank-padded CHAR(10): how each engine pads, compares and returns it is part of the answer. */
    static final Field<String> SHIP_MODE = field(name("ship_mode"), SQLDataType.CHAR(10));
    /** A TEXT column (CLOB in jOOQ: {@code text} on PostgreSQL, {@code longtext} on MariaDB, {@code clob} on H2). */
    static final Field<String> NOTE = field(name("note"), SQLDataType.CLOB);
    static final Field<BigDecimal> WEIGHT = field(name("weight"), SQLDataType.NUMERIC(15, 4));
    static final Field<BigDecimal> POINTS = field(name("points"), SQLDataType.NUMERIC(10, 0));
    static final List<Field<?>> COLUMNS = List.of(ID, CUSTOMER_ID, STATUS, TOTAL, QUANTITY, CREATED_ON, CREATED_AT, REGION,
            SHIP_MODE, NOTE, WEIGHT, POINTS);

    /** Order lines, colocated with their orders: placed by the same shard key, {@code customer_id}. */
    static final Table<Record> ORDER_LINES = table(name("order_lines"));
    static final Field<Long> LINE_ORDER_ID = field(name("order_id"), SQLDataType.BIGINT.notNull());
    static final Field<Integer> LINE_NO = field(name("line_no"), SQLDataType.INTEGER.notNull());
    static final Field<Long> LINE_CUSTOMER_ID = field(name("customer_id"), SQLDataType.BIGINT.notNull());
    static final Field<String> SKU = field(name("sku"), SQLDataType.VARCHAR(12));
    static final Field<Integer> LINE_QTY = field(name("qty"), SQLDataType.INTEGER);
    static final Field<BigDecimal> PRICE = field(name("price"), SQLDataType.NUMERIC(10, 2));
    static final List<Field<?>> LINE_COLUMNS = List.of(LINE_ORDER_ID, LINE_NO, LINE_CUSTOMER_ID, SKU, LINE_QTY, PRICE);

    static final List<String> SHIP_MODES = Arrays.asList("MAIL", "AIR", "TRUCK", "RAIL", "mail", "Air", "truck ", "SHIP", null);
    private static final int[] SHIP_MODE_WEIGHTS = {20, 20, 15, 10, 4, 4, 3, 10, 14};
    static final List<String> SKUS = Arrays.asList("A-1", "a-1", "B-22", "C-333", "ç-9", "Ç-9", "D-4 ", null);
    private static final int[] SKU_WEIGHTS = {20, 5, 20, 20, 4, 4, 3, 10};
    static final List<String> NOTES = Arrays.asList("", "fragile", "FRAGILE", "leave at door", "Leave at door ",
            "café", "cafe", "appel", "Ärger", null);
    private static final int[] NOTE_WEIGHTS = {5, 15, 5, 15, 5, 5, 5, 5, 5, 35};

    /** Statuses by weight; mixed case, accents, sharp s, CJK, the empty string, a trailing blank, and NULL. */
    static final List<String> STATUSES = Arrays.asList("new", "NEW", "New", "paid", "PAID", "paid ", "shipped",
            "Shipped", "cancelled", "échec", "Échec", "zürich", "Zürich", "straße", "STRASSE", "日本", "", null);
    private static final int[] STATUS_WEIGHTS = {15, 4, 3, 15, 4, 1, 12, 3, 6, 3, 2, 2, 2, 2, 2, 2, 2, 10};
    static final List<String> REGIONS = Arrays.asList("eu", "EU", "us", "apac", "latam", "mena", null);
    private static final int[] REGION_WEIGHTS = {25, 5, 25, 15, 10, 8, 12};
    /** Totals that many orders share, so sorts and groups on {@code total} have ties. */
    static final List<BigDecimal> COMMON_TOTALS = List.of(new BigDecimal("0.00"), new BigDecimal("9.99"),
            new BigDecimal("10.00"), new BigDecimal("19.99"), new BigDecimal("100.00"), new BigDecimal("-5.00"),
            new BigDecimal("1234.56"), new BigDecimal("-0.01"));
    static final BigDecimal LARGEST_TOTAL = new BigDecimal("9999999999.99");
    static final List<LocalDate> EDGE_DATES = List.of(LocalDate.of(1970, 1, 1), LocalDate.of(1999, 12, 31),
            LocalDate.of(2000, 2, 29), LocalDate.of(2099, 12, 31));
    static final LocalDate FIRST_DAY = LocalDate.of(2024, 1, 1);
    static final int DAYS = 3 * 365;

    /** One row of {@code orders}; null components are SQL NULLs. */
    record Order(long id, long customerId, String status, BigDecimal total, Integer quantity, LocalDate createdOn,
                 LocalDateTime createdAt, String region, String shipMode, String note, BigDecimal weight,
                 BigDecimal points) {
        Object[] values() {
            return new Object[] {id, customerId, status, total, quantity, createdOn, createdAt, region, shipMode, note,
                    weight, points};
        }
    }

    /** One row of {@code order_lines}: the customer of its order, so it lives on the order's shard. */
    record Line(long orderId, int lineNo, long customerId, String sku, Integer qty, BigDecimal price) {
        Object[] values() {
            return new Object[] {orderId, lineNo, customerId, sku, qty, price};
        }
    }

    private final List<Order> orders;
    private final List<Line> lines;

    private OrdersData(List<Order> orders, List<Line> lines) {
        this.orders = List.copyOf(orders);
        this.lines = List.copyOf(lines);
    }

    /**
     * The same data with every string MariaDB's server default character set, latin1, cannot store replaced by one it
     * can (only the CJK status): MariaDB tables are created with the server's defaults, and STRICT_TRANS_TABLES
     * rejects what latin1 cannot hold.
     */
    OrdersData latin1() {
        java.nio.charset.CharsetEncoder latin1 = java.nio.charset.StandardCharsets.ISO_8859_1.newEncoder();
        java.util.function.UnaryOperator<String> fix = s -> s == null || latin1.canEncode(s) ? s : "Øre";
        List<Order> fixed = orders.stream().map(o -> new Order(o.id, o.customerId, fix.apply(o.status), o.total,
                o.quantity, o.createdOn, o.createdAt, o.region, o.shipMode, fix.apply(o.note), o.weight, o.points)).toList();
        return new OrdersData(fixed, lines);
    }

    static OrdersData generate(long seed, int count) {
        if (count < 1) throw new IllegalArgumentException("count must be positive: " + count);
        Random random = new Random(seed);
        List<Long> customers = customers(random, Math.max(4, count / 8));
        Set<Long> ids = new HashSet<>();
        List<Order> orders = new ArrayList<>(count);
        List<LocalDateTime> usedTimestamps = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long id;
            do {
                id = id(random);
            } while (!ids.add(id));
            // Skewed: a few customers own many orders, so GROUP BY customer_id has groups of every size.
            long customer = customers.get((int) (customers.size() * Math.pow(random.nextDouble(), 2)));
            LocalDate createdOn = date(random);
            LocalDateTime createdAt = timestamp(random, createdOn, usedTimestamps);
            orders.add(new Order(id, customer, pick(random, STATUSES, STATUS_WEIGHTS), total(random), quantity(random),
                    createdOn, createdAt, pick(random, REGIONS, REGION_WEIGHTS), pick(random, SHIP_MODES, SHIP_MODE_WEIGHTS),
                    pick(random, NOTES, NOTE_WEIGHTS), weight(random), points(random)));
        }
        // Drawn after every order, from its own Random: the orders stay what they were before lines existed.
        Random lineRandom = new Random(seed * 31 + 7);
        List<Line> lines = new ArrayList<>();
        for (Order o : orders) {
            int n = lineRandom.nextInt(100) < 25 ? 0 : 1 + lineRandom.nextInt(3); // some orders have no lines
            for (int l = 1; l <= n; l++) {
                Integer qty = lineRandom.nextInt(10) == 0 ? null : 1 + lineRandom.nextInt(9);
                BigDecimal price = lineRandom.nextInt(10) == 0 ? null : BigDecimal.valueOf(lineRandom.nextInt(-500, 50_000), 2);
                lines.add(new Line(o.id(), l, o.customerId(), pick(lineRandom, SKUS, SKU_WEIGHTS), qty, price));
            }
        }
        return new OrdersData(orders, lines);
    }

    List<Order> orders() {
        return orders;
    }

    List<Line> lines() {
        return lines;
    }

    private static BigDecimal weight(Random random) {
        int roll = random.nextInt(100);
        if (roll < 12) return null;
        if (roll < 40) return new BigDecimal[] {new BigDecimal("0.0000"), new BigDecimal("1.5000"), new BigDecimal("2.2500"),
                new BigDecimal("-0.0001")}[random.nextInt(4)];
        return BigDecimal.valueOf(random.nextLong(-10_000_000L, 1_000_000_000L), 4);
    }

    private static BigDecimal points(Random random) {
        int roll = random.nextInt(100);
        if (roll < 10) return null;
        if (roll < 40) return BigDecimal.valueOf(new long[] {0, 1, 10, 100, -1}[random.nextInt(5)]);
        return BigDecimal.valueOf(random.nextLong(-1_000_000L, 9_999_999_999L));
    }

    private static List<Long> customers(Random random, int count) {
        Set<Long> ids = new LinkedHashSet<>();
        while (ids.size() < count) {
            int kind = random.nextInt(10);
            ids.add(switch (kind) {
                case 0 -> -1L - random.nextInt(1_000_000);                  // negative keys
                case 1 -> 9_000_000_000_000_000L + random.nextInt(1_000);   // near Long.MAX_VALUE
                default -> 1L + random.nextInt(100_000);
            });
        }
        return new ArrayList<>(ids);
    }

    private static long id(Random random) {
        int kind = random.nextInt(20);
        return switch (kind) {
            case 0, 1 -> 4_000_000_000_000_000_000L + random.nextInt(1_000_000); // SUM(id) of two overflows a long
            case 2 -> -4_000_000_000_000_000_000L - random.nextInt(1_000_000);
            default -> random.nextInt(10_000_000) - 1_000_000L;
        };
    }

    private static BigDecimal total(Random random) {
        int roll = random.nextInt(100);
        if (roll < 15) return null;
        if (roll < 55) return COMMON_TOTALS.get(random.nextInt(COMMON_TOTALS.size()));
        if (roll < 62) return random.nextBoolean() ? LARGEST_TOTAL : LARGEST_TOTAL.negate();
        if (roll < 67) return BigDecimal.valueOf(random.nextLong(9_000_000_000_00L, 9_999_999_999_99L), 2).multiply(BigDecimal.valueOf(random.nextBoolean() ? 1 : -1));
        return BigDecimal.valueOf(random.nextLong(-100_000L, 1_000_000L), 2);
    }

    private static Integer quantity(Random random) {
        int roll = random.nextInt(100);
        if (roll < 12) return null;
        if (roll < 14) return Integer.MAX_VALUE;  // SUM(quantity) overflows an int
        if (roll < 15) return Integer.MIN_VALUE;
        if (roll < 20) return -random.nextInt(1, 6);
        if (roll < 24) return 0;
        return random.nextInt(1, 11);
    }

    private static LocalDate date(Random random) {
        int roll = random.nextInt(100);
        if (roll < 8) return null;
        if (roll < 12) return EDGE_DATES.get(random.nextInt(EDGE_DATES.size()));
        return FIRST_DAY.plusDays(random.nextInt(DAYS));
    }

    private static LocalDateTime timestamp(Random random, LocalDate day, List<LocalDateTime> used) {
        int roll = random.nextInt(100);
        if (roll < 8) return null;
        if (roll < 28 && !used.isEmpty()) return used.get(random.nextInt(used.size())); // duplicate instants
        LocalDate d = day != null ? day : FIRST_DAY.plusDays(random.nextInt(DAYS));
        // Hours 06–21 only: JDBC passes timestamps through the JVM's zone, and no zone skips or repeats those hours.
        LocalDateTime t = d.atTime(6 + random.nextInt(16), random.nextInt(60), random.nextInt(60));
        used.add(t);
        return t;
    }

    private static <T> T pick(Random random, List<T> values, int[] weights) {
        int sum = 0;
        for (int w : weights) sum += w;
        int r = random.nextInt(sum);
        for (int i = 0; i < weights.length; i++) {
            r -= weights[i];
            if (r < 0) return values.get(i);
        }
        throw new AssertionError("weights " + Arrays.toString(weights));
    }
}
