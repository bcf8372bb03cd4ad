package io.shardkit.cluster;

import io.shardkit.router.ShardException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.Proxy;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The {@link InvocationHandler} behind a sharded repository: each call reads its {@code @ShardKey} argument, routes
 * it, and calls the implementation instance bound to that shard. Everything that can be checked about the
 * interface is checked when the proxy is made, so a mistake fails at start-up, not at the first call.
 */
final class RepositoryProxy implements InvocationHandler {

    /** Where a method finds its key, and whether it may read from a replica. */
    private record Route(Method method, int parameter, Function<Object, Object> extractor, boolean readOnly, String describe,
                         MethodHandle defaultBody) {
        Route(Method method, int parameter, Function<Object, Object> extractor, boolean readOnly, String describe) {
            this(method, parameter, extractor, readOnly, describe, null);
        }

        /** A default method; {@code body} is how to call it when the interface is not public (else null). */
        static Route ofDefault(Method m, String describe, MethodHandle body) {
            return new Route(m, -1, null, false, describe, body);
        }

        boolean isDefault() {
            return parameter < 0;
        }

        Object key(Object[] args) {
            Object arg = args[parameter];
            if (arg == null) {
                throw new ShardException(ShardException.Code.KEY, describe + ": the @ShardKey argument is null"
                        + " — pass the value that decides the shard");
            }
            Object key = extractor.apply(arg);
            if (key == null) {
                throw new ShardException(ShardException.Code.KEY, describe + ": the shard key read from the argument is null"
                        + " — set it before calling");
            }
            return key;
        }
    }

    /** Chooses the implementation instance for a key: the cluster's, or a transaction's. */
    interface Target {
        Object instanceFor(Object key, boolean readOnly, String method);

        /** Whether a call refused by a moving shard's fence is re-routed and run once more (not in a transaction). */
        default boolean retriesMoves() {
            return false;
        }
    }

    private static final Set<Class<?>> KEY_TYPES = Set.of(long.class, Long.class, int.class, Integer.class,
            String.class, UUID.class, byte[].class, Instant.class);

    private final Class<?> type;
    private final Map<Method, Route> routes;
    private final Target target;

    private RepositoryProxy(Class<?> type, Map<Method, Route> routes, Target target) {
        this.type = type;
        this.routes = routes;
        this.target = target;
    }

    static <R> R create(Class<R> type, Target target, ClusterMetrics metrics) {
        Map<Method, Route> routes = plan(type);
        List<Method> routed = routes.values().stream().filter(r -> !r.isDefault()).map(Route::method).toList();
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                metrics.repository(type, new RepositoryProxy(type, routes, target), routed)));
    }

    /** Checks every abstract method of {@code type} and records where its key is. */
    static Map<Method, Route> plan(Class<?> type) {
        if (!type.isInterface()) {
            throw config(type.getName() + " is not an interface — a sharded repository is declared as an interface");
        }
        Map<Method, Route> routes = new HashMap<>();
        List<String> problems = new ArrayList<>();
        boolean publicType = isPublic(type);
        for (Method m : type.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) continue;
            String describe = describe(type, m);
            if (publicType) {
                // The proxy class of a public interface lives in a module of its own: every type its methods name must
                // be public, or the first call fails with an IllegalAccessError.
                for (Class<?> t : signature(m)) {
                    if (!isPublic(t)) {
                        problems.add(describe + ": uses " + t.getName() + ", which is not public — make it public,"
                                + " or make the interface package-private");
                    }
                }
            }
            if (m.isDefault()) {
                // Runs as written, with no key of its own: it calls the routed methods.
                routes.put(m, Route.ofDefault(m, describe, publicType ? null : defaultBody(type, m, describe, problems)));
                continue;
            }
            if (!publicType) open(m, describe, problems);
            List<Integer> keyed = new ArrayList<>();
            Parameter[] params = m.getParameters();
            for (int i = 0; i < params.length; i++) {
                if (params[i].isAnnotationPresent(ShardKey.class)) keyed.add(i);
            }
            if (keyed.isEmpty()) {
                problems.add(describe + ": no parameter is annotated @ShardKey — annotate the one that decides the shard");
                continue;
            }
            if (keyed.size() > 1) {
                problems.add(describe + ": " + keyed.size() + " parameters are annotated @ShardKey — exactly one decides the shard");
                continue;
            }
            int index = keyed.getFirst();
            Parameter p = params[index];
            String component = p.getAnnotation(ShardKey.class).value();
            try {
                Function<Object, Object> extractor = component.isEmpty()
                        ? checkedKeyType(p.getType(), describe + ": the @ShardKey parameter") 
                        : accessor(p.getType(), component, describe);
                routes.put(m, new Route(m, index, extractor, m.isAnnotationPresent(ReadOnly.class), describe));
            } catch (ShardException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw config("cannot make a sharded repository of " + type.getName() + ":\n  - " + String.join("\n  - ", problems));
        }
        return Map.copyOf(routes);
    }

    /**
     * Public to the JVM, as {@link Proxy} decides: by the type's own modifiers, not its enclosing class's (a protected
     * member class is public in its class file).
     */
    private static boolean isPublic(Class<?> t) {
        while (t.isArray()) t = t.getComponentType();
        int modifiers = t.getModifiers();
        return t.isPrimitive() || Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static List<Class<?>> signature(Method m) {
        List<Class<?>> types = new ArrayList<>(List.of(m.getParameterTypes()));
        types.add(m.getReturnType());
        types.addAll(List.of(m.getExceptionTypes()));
        return types;
    }

    /** A package-private interface's methods are called from this package: allowed where the package is open to us. */
    private static void open(Method m, String describe, List<String> problems) {
        try {
            m.setAccessible(true);
        } catch (RuntimeException e) { // InaccessibleObjectException, SecurityException
            problems.add(notOpen(describe, e));
        }
    }

    private static String notOpen(String describe, Exception e) {
        return describe + ": the interface is not public and its package is not open to Shardkit (" + e.getMessage()
                + ") — make the interface public, or open its package to io.shardkit.router";
    }

    /**
     * {@link InvocationHandler#invokeDefault} needs the interface accessible from this package; a non-public one is
     * called through a lookup in the interface itself, allowed where its package is open to Shardkit.
     */
    private static MethodHandle defaultBody(Class<?> type, Method m, String describe, List<String> problems) {
        try {
            return MethodHandles.privateLookupIn(type, MethodHandles.lookup()).unreflectSpecial(m, type);
        } catch (IllegalAccessException | RuntimeException e) {
            problems.add(notOpen(describe, e));
            return null;
        }
    }

    private static Function<Object, Object> checkedKeyType(Class<?> t, String what) {
        if (!KEY_TYPES.contains(t) && t != Object.class) {
            throw config(what + " is of type " + t.getSimpleName()
                    + ", which is not a shard key type — use long, int, String, UUID, byte[] or Instant");
        }
        return Function.identity();
    }

    /** A record component, a field or a getter named {@code name} on {@code owner}. */
    private static Function<Object, Object> accessor(Class<?> owner, String name, String describe) {
        String what = describe + ": @ShardKey(\"" + name + "\") on " + owner.getSimpleName();
        if (owner.isRecord()) {
            for (RecordComponent rc : owner.getRecordComponents()) {
                if (rc.getName().equals(name)) {
                    checkedKeyType(rc.getType(), what);
                    return invoker(rc.getAccessor());
                }
            }
        }
        String cap = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        for (String getter : List.of("get" + cap, "is" + cap, name)) {
            try {
                Method g = owner.getMethod(getter);
                if (g.getParameterCount() == 0 && g.getReturnType() != void.class) {
                    checkedKeyType(g.getReturnType(), what);
                    return invoker(g);
                }
            } catch (NoSuchMethodException ignored) {
                // try the next spelling
            }
        }
        for (Class<?> c = owner; c != null && c != Object.class; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                checkedKeyType(f.getType(), what);
                f.setAccessible(true);
                return arg -> {
                    try {
                        return f.get(arg);
                    } catch (IllegalAccessException e) {
                        throw new ShardException(ShardException.Code.KEY, what + ": cannot read the field: " + e.getMessage(), e);
                    }
                };
            } catch (NoSuchFieldException ignored) {
                // look in the superclass
            } catch (RuntimeException e) {
                if (e instanceof ShardException) throw e;
                throw config(what + ": field " + name + " cannot be read (" + e.getMessage() + ") — make it public or add a getter");
            }
        }
        throw config(what + ": " + owner.getSimpleName() + " has no record component, getter or field named '" + name
                + "' — name the component that holds the key");
    }

    private static Function<Object, Object> invoker(Method m) {
        m.setAccessible(true);
        return arg -> {
            try {
                return m.invoke(arg);
            } catch (InvocationTargetException e) {
                throw sneaky(e.getCause());
            } catch (IllegalAccessException e) {
                throw new ShardException(ShardException.Code.KEY, "cannot read " + m + ": " + e.getMessage(), e);
            }
        };
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        Route route = routes.get(method);
        if (route == null) {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> "ShardedRepository[" + type.getName() + "]";
                    default -> throw new UnsupportedOperationException(method.toString());
                };
            }
            throw new IllegalStateException("unplanned method " + method);
        }
        if (route.isDefault()) {
            return route.defaultBody() == null ? InvocationHandler.invokeDefault(proxy, route.method(), args)
                    : route.defaultBody().bindTo(proxy).invokeWithArguments(args == null ? new Object[0] : args);
        }
        try {
            return call(route, args);
        } catch (ShardMovedException e) {
            // The fence applied nothing, and the new version is running: the call goes to the data's new place.
            if (!target.retriesMoves() || !e.newVersionRunning()) throw e;
            return call(route, args);
        }
    }

    private Object call(Route route, Object[] args) throws Throwable {
        Object instance = target.instanceFor(route.key(args), route.readOnly(), route.describe());
        try {
            return route.method().invoke(instance, args); // the planned Method: opened for a package-private interface
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static String describe(Class<?> type, Method m) {
        StringBuilder sb = new StringBuilder(type.getSimpleName()).append('.').append(m.getName()).append('(');
        Class<?>[] p = m.getParameterTypes();
        for (int i = 0; i < p.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(p[i].getSimpleName());
        }
        return sb.append(')').toString();
    }

    private static ShardException config(String message) {
        return new ShardException(ShardException.Code.CONFIG, message);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
