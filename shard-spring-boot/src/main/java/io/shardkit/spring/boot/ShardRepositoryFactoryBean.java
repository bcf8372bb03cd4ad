package io.shardkit.spring.boot;

import io.shardkit.cluster.ShardCluster;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.Objects;
import org.jooq.DSLContext;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.FactoryBean;

/**
 * Makes the bean of one {@link ShardedRepository} interface: {@code cluster.repository(type, dsl -> new
 * Implementation(dsl))} on the context's {@link ShardCluster}.
 */
class ShardRepositoryFactoryBean<T> implements FactoryBean<T>, BeanFactoryAware {
    private final Class<T> type;
    private BeanFactory beanFactory;

    public ShardRepositoryFactoryBean(Class<T> type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
        this.beanFactory = beanFactory;
    }

    @Override
    public T getObject() throws NoSuchMethodException {
        Class<?> implementation = type.getAnnotation(ShardedRepository.class).implementation();
        Constructor<?> constructor = implementation.getConstructor(DSLContext.class);
        return beanFactory.getBean(ShardCluster.class).repository(type, dsl -> type.cast(instantiate(constructor, dsl)));
    }

    private static Object instantiate(Constructor<?> constructor, DSLContext dsl) {
        try {
            return constructor.newInstance(dsl);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(constructor.getDeclaringClass().getName() + "(DSLContext) failed", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot call " + constructor + " — make it public", e);
        }
    }

    @Override
    public Class<T> getObjectType() {
        return type;
    }
}
