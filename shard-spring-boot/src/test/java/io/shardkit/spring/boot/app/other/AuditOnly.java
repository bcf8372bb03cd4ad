package io.shardkit.spring.boot.app.other;

import io.shardkit.spring.boot.EnableShardRepositories;
import io.shardkit.spring.boot.app.ShardApp;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The application chooses one package: OrderRepository, in the application's package, is then not registered. */
@Configuration(proxyBeanMethods = false)
@Import(ShardApp.class)
@EnableShardRepositories(basePackageClasses = AuditRepository.class)
public class AuditOnly {
}
