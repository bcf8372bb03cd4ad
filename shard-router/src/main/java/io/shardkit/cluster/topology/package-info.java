/**
 * The shared topology: the shard map as numbered versions in a control database ({@link
 * io.shardkit.cluster.topology.TopologyStore}), which every instance of a service follows, and the record of which
 * instance runs which version.
 */
package io.shardkit.cluster.topology;
