package io.shardkit.bench;

import java.math.BigDecimal;

/** One row of the point-query benchmark's {@code orders} table, as every system returns it. */
record Order(long id, long customerId, String status, BigDecimal total) {
}
