package io.shardkit.query.planner;

import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.impl.QOM;

/** What an allowlisted aggregate call is: its kind, argument (null for COUNT(*)), DISTINCT and FILTER. */
final class Aggregates {
    enum Kind { COUNT, SUM, AVG, MIN, MAX }

    record Call(Kind kind, Field<?> argument, boolean distinct, Condition filter) {
    }

    private Aggregates() {
    }

    static Call call(Field<?> f) {
        QOM.AggregateFunction<?, ?> agg = (QOM.AggregateFunction<?, ?>) f;
        Condition filter = agg.$filterWhere();
        return switch (f) {
            case QOM.Count c -> new Call(Kind.COUNT, asterisk(c.$field()) ? null : c.$field(), c.$distinct(), filter);
            case QOM.Sum s -> new Call(Kind.SUM, s.$field(), s.$distinct(), filter);
            case QOM.Avg a -> new Call(Kind.AVG, a.$field(), a.$distinct(), filter);
            case QOM.Min<?> m -> new Call(Kind.MIN, m.$field(), m.$distinct(), filter);
            case QOM.Max<?> m -> new Call(Kind.MAX, m.$field(), m.$distinct(), filter);
            default -> throw new IllegalArgumentException("not a merged aggregate: " + f);
        };
    }

    private static boolean asterisk(Field<?> f) {
        return f == null || (Allowlist.isPlainSql(f) && f.toString().trim().equals("*"));
    }
}
