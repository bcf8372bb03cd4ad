package io.shardkit.spring.boot;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers the {@link ShardedRepository} interfaces of the application's packages (those of its
 * {@code @SpringBootApplication}), unless an {@link EnableShardRepositories} chose packages. The application's
 * configuration is read before auto-configurations, so its choice is known here.
 */
class AutoConfiguredShardRepositoriesRegistrar implements ImportBeanDefinitionRegistrar, BeanFactoryAware,
        ResourceLoaderAware, EnvironmentAware {
    private BeanFactory beanFactory;
    private ResourceLoader resourceLoader;
    private Environment environment;

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    public void setResourceLoader(ResourceLoader resourceLoader) {
        this.resourceLoader = resourceLoader;
    }

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        if (registry.containsBeanDefinition(ShardRepositoriesRegistrar.CHOSEN_MARKER)) return;
        if (!AutoConfigurationPackages.has(beanFactory)) return;
        ShardRepositoryScanner.register(registry, AutoConfigurationPackages.get(beanFactory), resourceLoader, environment);
    }
}
