package io.shardkit.test;

import java.lang.reflect.AnnotatedElement;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link WithShards}; register it through that annotation.
 *
 * <p>Each {@link EmbeddedShards} lives in the {@link ExtensionContext.Store} of the class or method
 * that declared {@code @WithShards}; JUnit closes it (an {@link AutoCloseable}) when that context
 * ends, which drops its databases.
 *
 * <p>A class or method whose engine cannot run here (only {@link Engine#POSTGRES_CONTAINER} without
 * a Docker engine) is disabled with the reason, so it shows up as skipped. Surefire does not
 * report a class aborted in {@code @BeforeAll} at all ("Tests run: 0"), so an abort alone would
 * look like a pass.
 */
public final class ShardsExtension implements ExecutionCondition, BeforeAllCallback, BeforeEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ShardsExtension.class);

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return nearest(context)
                .flatMap(found -> SharedServers.unavailableReason(found.config().engine()))
                .map(ConditionEvaluationResult::disabled)
                .orElseGet(() -> ConditionEvaluationResult.enabled("no @WithShards engine that cannot run here"));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // Start now rather than on first injection: a failure or an abort then covers the whole class.
        shardsFor(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        shardsFor(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == EmbeddedShards.class;
    }

    @Override
    public EmbeddedShards resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return shardsFor(extensionContext).orElseThrow(() -> new ParameterResolutionException(
                "No @WithShards for parameter " + parameterContext.getParameter() + " of "
                        + parameterContext.getDeclaringExecutable()
                        + " — constructors and @BeforeAll/@AfterAll methods need @WithShards on the test class"));
    }

    /**
     * The shards of the nearest context (method, then class, then enclosing classes) whose element
     * carries {@code @WithShards}, started on first request. Keyed by the context's unique id, so a
     * nested context never picks up its parent's value through the store's parent lookup.
     */
    private static Optional<EmbeddedShards> shardsFor(ExtensionContext context) {
        return nearest(context).map(found -> found.context().getStore(NAMESPACE).getOrComputeIfAbsent(
                found.context().getUniqueId(), key -> start(found.config(), found.declaredOn()), EmbeddedShards.class));
    }

    /** The nearest context, from {@code context} outwards, whose element carries {@code @WithShards}. */
    private static Optional<Declaration> nearest(ExtensionContext context) {
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            Optional<AnnotatedElement> element = c.getElement();
            Optional<WithShards> annotation = element.flatMap(e -> AnnotationSupport.findAnnotation(e, WithShards.class));
            if (annotation.isPresent()) {
                return Optional.of(new Declaration(c, element.get(), annotation.get()));
            }
        }
        return Optional.empty();
    }

    private record Declaration(ExtensionContext context, AnnotatedElement declaredOn, WithShards config) {
    }

    private static EmbeddedShards start(WithShards config, AnnotatedElement declaredOn) {
        try {
            return EmbeddedShards.start(config.engine(), config.count());
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("@WithShards on " + declaredOn + ": " + e.getMessage(), e);
        }
    }
}
