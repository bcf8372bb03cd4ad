/**
 * Atomic transactions across shards: {@link io.shardkit.cluster.atomic.AtomicTransactions} (two-phase commit on
 * PostgreSQL, or experimentally MariaDB XA; the decision recorded in the first-written database), its recovery and its
 * start-up checks.
 */
package io.shardkit.cluster.atomic;
