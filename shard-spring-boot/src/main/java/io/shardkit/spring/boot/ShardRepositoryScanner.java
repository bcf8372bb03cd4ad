package io.shardkit.spring.boot;

import java.beans.Introspector;
import java.lang.reflect.Modifier;
import java.util.Collection;
import org.jooq.DSLContext;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/** Finds {@link ShardedRepository} interfaces and registers a {@link ShardRepositoryFactoryBean} for each. */
final class ShardRepositoryScanner {
    private ShardRepositoryScanner() {
    }

    static void register(BeanDefinitionRegistry registry, Collection<String> packages, ResourceLoader resourceLoader,
                         Environment environment) {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false, environment) {
            @Override
            protected boolean isCandidateComponent(AnnotatedBeanDefinition definition) {
                return definition.getMetadata().isInterface() && definition.getMetadata().isIndependent();
            }
        };
        scanner.setResourceLoader(resourceLoader);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ShardedRepository.class, true, true));
        for (String basePackage : packages) {
            for (BeanDefinition candidate : scanner.findCandidateComponents(basePackage)) {
                Class<?> type = ClassUtils.resolveClassName(candidate.getBeanClassName(), resourceLoader.getClassLoader());
                String name = Introspector.decapitalize(type.getSimpleName());
                if (registry.containsBeanDefinition(name)) continue; // found by an overlapping package
                checkImplementation(type);
                RootBeanDefinition definition = new RootBeanDefinition(ShardRepositoryFactoryBean.class);
                definition.getConstructorArgumentValues().addIndexedArgumentValue(0, type);
                definition.setAttribute(FactoryBean.OBJECT_TYPE_ATTRIBUTE, type);
                registry.registerBeanDefinition(name, definition);
            }
        }
    }

    /** Fails while the context is being read, not at the first call, naming the repository and what to change. */
    private static void checkImplementation(Class<?> type) {
        Class<?> implementation = type.getAnnotation(ShardedRepository.class).implementation();
        if (!type.isAssignableFrom(implementation) || implementation.isInterface()
                || Modifier.isAbstract(implementation.getModifiers())) {
            throw new IllegalStateException("@ShardedRepository on " + type.getName() + ": implementation "
                    + implementation.getName() + " is not a concrete class implementing it — name a class that implements "
                    + type.getSimpleName());
        }
        try {
            implementation.getConstructor(DSLContext.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("@ShardedRepository on " + type.getName() + ": " + implementation.getName()
                    + " has no public constructor taking a DSLContext — add one; it is called once per shard", e);
        }
    }
}
