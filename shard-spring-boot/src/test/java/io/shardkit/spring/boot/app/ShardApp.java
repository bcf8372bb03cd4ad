package io.shardkit.spring.boot.app;

import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.context.annotation.Configuration;

/** Stands for an application's {@code @SpringBootApplication}: its package (and sub-packages) are scanned. */
@Configuration(proxyBeanMethods = false)
@AutoConfigurationPackage
public class ShardApp {
}
