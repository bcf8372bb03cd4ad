package io.shardkit.spring.boot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/** Registers the repositories of the packages {@link EnableShardRepositories} names, and marks the scan as chosen. */
class ShardRepositoriesRegistrar implements ImportBeanDefinitionRegistrar, ResourceLoaderAware, EnvironmentAware {
    /** Present once an {@code @EnableShardRepositories} has run: the automatic scan then stays off. */
    static final String CHOSEN_MARKER = ShardRepositoriesRegistrar.class.getName() + ".chosen";

    private ResourceLoader resourceLoader;
    private Environment environment;

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
        Map<String, Object> attributes = metadata.getAnnotationAttributes(EnableShardRepositories.class.getName());
        List<String> packages = new ArrayList<>(Arrays.asList((String[]) attributes.get("basePackages")));
        for (Class<?> c : (Class<?>[]) attributes.get("basePackageClasses")) packages.add(ClassUtils.getPackageName(c));
        if (packages.isEmpty()) packages.add(ClassUtils.getPackageName(metadata.getClassName()));
        if (!registry.containsBeanDefinition(CHOSEN_MARKER)) {
            registry.registerBeanDefinition(CHOSEN_MARKER, new RootBeanDefinition(Object.class));
        }
        ShardRepositoryScanner.register(registry, packages, resourceLoader, environment);
    }
}
