package io.shardkit.query.differential;

/** A SQL construct a generated query uses; the report counts them to show what a run covered. */
enum Construct {
    WHERE, AND_OR_NOT, ORDER_BY_1, ORDER_BY_2, ORDER_BY_3, ASC, DESC, NULLS_FIRST, NULLS_LAST, NULLS_DEFAULT,
    ORDER_BY_UNSELECTED, LIMIT, OFFSET, COUNT, SUM, MIN, MAX, AVG, GROUP_BY, GROUP_BY_EXPRESSION, HAVING, DISTINCT,
    COUNT_DISTINCT, WINDOW_FUNCTION, LIMIT_PERCENT, WITH_TIES
}
