package io.shardkit.query.differential;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A construct the generator put in a query that a fan-out may refuse, with the names
 * {@link io.shardkit.query.UnsupportedFanOutException#construct()} may give it. A query carries every such construct
 * it uses; a refusal naming none of them means the fan-out refused for the wrong reason, which the harness reports as
 * MISREFUSED. The names are those the planner documents: "derived table", "common table expression", "EXCEPT",
 * "INTERSECT", "join", "subquery", "window function", "LIMIT PERCENT", "WITH TIES", "DISTINCT ON", "floating-point
 * SUM", "floating-point AVG", "aggregate NAME", "function NAME", "plain SQL", "SELECT without FROM", "SELECT *",
 * "nested aggregate", "GROUPING SETS", "ROLLUP", "CUBE" and "string order".
 *
 * @param key   identifies the construct in reports and equality, e.g. {@code function LOWER}
 * @param names what a refusal may say, the first one as documented
 */
record Refusable(String key, List<String> names) {
    static final Refusable DERIVED_TABLE = of("derived table");
    static final Refusable CTE = of("common table expression", "CTE");
    static final Refusable EXCEPT = of("EXCEPT");
    static final Refusable INTERSECT = of("INTERSECT");
    static final Refusable JOIN = of("join");
    static final Refusable SUBQUERY = of("subquery");
    static final Refusable WINDOW_FUNCTION = of("window function", "window");
    static final Refusable LIMIT_PERCENT = of("LIMIT PERCENT", "PERCENT");
    static final Refusable WITH_TIES = of("WITH TIES");
    static final Refusable DISTINCT_ON = of("DISTINCT ON");
    static final Refusable FLOAT_SUM = of("floating-point SUM");
    static final Refusable FLOAT_AVG = of("floating-point AVG");
    static final Refusable PLAIN_SQL = of("plain SQL");
    static final Refusable NO_FROM = of("SELECT without FROM");
    static final Refusable SELECT_STAR = of("SELECT *");
    static final Refusable NESTED_AGGREGATE = of("nested aggregate");
    static final Refusable GROUPING_SETS = of("GROUPING SETS");
    static final Refusable ROLLUP = of("ROLLUP");
    static final Refusable CUBE = of("CUBE");
    static final Refusable STRING_ORDER = of("string order");
    static final Refusable COUNT_DISTINCT = of("COUNT(DISTINCT)", "DISTINCT aggregate");

    Refusable {
        Objects.requireNonNull(key, "key");
        names = List.copyOf(names);
        if (names.isEmpty()) throw new IllegalArgumentException("a refusable construct needs a name");
    }

    private static Refusable of(String... names) {
        return new Refusable(names[0], List.of(names));
    }

    /** An aggregate the fan-out may not merge, e.g. {@code aggregate("STRING_AGG", "LISTAGG", "GROUP_CONCAT")}. */
    static Refusable aggregate(String name, String... aliases) {
        return prefixed("aggregate ", name, aliases);
    }

    /** A scalar function the fan-out may not allowlist, with the other names a dialect renders it by. */
    static Refusable function(String name, String... aliases) {
        return prefixed("function ", name, aliases);
    }

    private static Refusable prefixed(String prefix, String name, String... aliases) {
        List<String> all = new java.util.ArrayList<>();
        all.add(prefix + name);
        for (String a : aliases) all.add(prefix + a);
        return new Refusable(prefix + name, all);
    }

    /** The name the fan-out's exception documents, e.g. {@code window function}. */
    String displayName() {
        return names.getFirst();
    }

    /**
     * Whether a refusal naming {@code construct} is a refusal of this: case, blanks and punctuation are ignored ("*"
     * reads as "star"), and the refused name may say more than one of ours ("FETCH FIRST n ROWS WITH TIES" is WITH TIES,
     * "window functions" is window function) but not less ("COUNT" is not COUNT(DISTINCT)).
     */
    boolean accepts(String construct) {
        String actual = normalize(construct);
        return names.stream().map(Refusable::normalize).anyMatch(actual::contains);
    }

    static String normalize(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT).replace("*", "star").replaceAll("[^\\p{L}\\p{N}]", "");
    }

    @Override
    public String toString() {
        return key;
    }
}
