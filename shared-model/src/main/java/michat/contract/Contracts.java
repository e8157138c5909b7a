package michat.contract;

import io.vertx.core.Vertx;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.stream.Stream;
import michat.contract.v1.ServiceApi;

/**
 * Every contract of michat's event bus, in one list per service and one for other services
 * ({@link ServiceApi}, versioned); docs/event-bus.md is checked against it. Each record type travels with its own {@link ContractCodec}, registered once per Vert.x instance.
 */
public final class Contracts {
  private Contracts() {}

  public static List<Endpoint<?, ?>> endpoints() {
    return Stream.of(UserApi.ENDPOINTS, RouterApi.ENDPOINTS, PresenceApi.ENDPOINTS, ServiceApi.ENDPOINTS)
        .flatMap(List::stream).toList();
  }

  public static List<Topic<?>> topics() {
    return Stream.of(UserApi.TOPICS, RouterApi.TOPICS, PresenceApi.TOPICS, ServiceApi.TOPICS).flatMap(List::stream).toList();
  }

  private static final Map<Vertx, Boolean> REGISTERED = Collections.synchronizedMap(new WeakHashMap<>());

  /** Registers the codec of every record type with {@code vertx}'s event bus; once per instance. */
  static void register(Vertx vertx) {
    synchronized (REGISTERED) {
      if (REGISTERED.putIfAbsent(vertx, Boolean.TRUE) != null) {
        return;
      }
      for (Class<?> type : types()) {
        registerCodec(vertx, type);
      }
    }
  }

  static Set<Class<?>> types() {
    Set<Class<?>> types = new LinkedHashSet<>();
    endpoints().forEach(e -> {
      types.add(e.request());
      types.add(e.reply());
    });
    topics().forEach(t -> types.add(t.type()));
    return types;
  }

  private static <T> void registerCodec(Vertx vertx, Class<T> type) {
    vertx.eventBus().registerDefaultCodec(type, new ContractCodec<>(type));
  }
}
