package io.shardkit.bench;

import java.math.BigDecimal;

/** One row of the point-query benchmark's {@code orders} table, as every system returns it. Public: the repository proxy returns it. */
public record Order(long id, long customerId, String status, BigDecimal total) {
}
