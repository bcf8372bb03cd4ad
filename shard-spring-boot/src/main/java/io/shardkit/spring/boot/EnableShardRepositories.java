package io.shardkit.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;

/**
 * Chooses the packages scanned for {@link ShardedRepository} interfaces, and turns off the scan of the
 * application's packages that the auto-configuration does otherwise. With neither attribute, the package of the
 * annotated class.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Import(ShardRepositoriesRegistrar.class)
public @interface EnableShardRepositories {
    /** Packages to scan, sub-packages included. */
    String[] basePackages() default {};

    /** Classes whose packages are scanned: a type-safe {@link #basePackages()}. */
    Class<?>[] basePackageClasses() default {};
}
