package io.shardkit.cluster;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the repository-method parameter that decides the shard. With no value the argument itself is the key;
 * with a value it names a record component, field or getter of the argument that holds the key:
 * {@code void save(@ShardKey("customerId") Order order)}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface ShardKey {
    /** The component of the argument that holds the key; empty when the argument is the key. */
    String value() default "";
}
