package io.shardkit.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class (or one test method) its own {@link EmbeddedShards}, injected as a parameter
 * of constructors, lifecycle methods and test methods.
 *
 * <p>On a class, the databases are created before all tests and dropped after all tests. On a
 * method, the method gets its own databases, created before and dropped after it, overriding the
 * class's. Constructors and {@code @BeforeAll}/{@code @AfterAll} methods always get the class's.
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(ShardsExtension.class)
public @interface WithShards {

    Engine engine() default Engine.H2;

    /** Number of databases; at least 1. */
    int count() default 2;
}
