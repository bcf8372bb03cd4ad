package io.shardkit.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a sharded repository interface to be registered as a bean: each call finds its {@code @ShardKey} argument
 * and runs on an instance of {@link #implementation()} bound to that key's shard, as
 * {@code ShardCluster.repository(type, factory)} does. Found in the application's packages, or in those
 * {@link EnableShardRepositories} names.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ShardedRepository {
    /** The implementation of the interface: a class with a public constructor taking a {@code DSLContext}. */
    Class<?> implementation();
}
