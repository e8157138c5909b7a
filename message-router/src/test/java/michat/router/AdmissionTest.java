package michat.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import michat.model.Failures;
import org.junit.jupiter.api.Test;

/** Bounded concurrency for catch-ups: a limit, arrival order, and no running of abandoned requests. */
class AdmissionTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final Admission admission = new Admission(2, 10_000, now::get);
  private final List<String> started = new ArrayList<>();
  private final List<Promise<String>> running = new ArrayList<>();

  private Future<String> submit(String name) {
    return admission.run(() -> {
      started.add(name);
      Promise<String> p = Promise.promise();
      running.add(p);
      return p.future();
    });
  }

  @Test
  void atMostTheLimitRunAndTheRestStartInArrivalOrder() {
    Future<String> a = submit("a");
    submit("b");
    submit("c");
    submit("d");
    assertEquals(List.of("a", "b"), started, "two places");
    assertEquals(2, admission.waiting());
    running.get(0).complete("A");
    assertEquals("A", a.result(), "the caller gets the task's result");
    assertEquals(List.of("a", "b", "c"), started, "a finished place goes to the oldest waiting task");
    running.get(1).fail("db down");
    assertEquals(List.of("a", "b", "c", "d"), started, "a failed task frees its place too");
    assertEquals(0, admission.waiting());
  }

  @Test
  void aTaskThatWaitedLongerThanItsRequesterIsRefusedUnrun() {
    submit("a");
    submit("b");
    Future<String> late = submit("late");
    now.addAndGet(10_001);
    Future<String> fresh = submit("fresh");
    running.get(0).complete("A");
    assertTrue(late.failed(), "refused");
    assertTrue(late.cause().getMessage().startsWith("busy: waited 10001 ms"), late.cause().getMessage());
    assertEquals(Failures.UNAVAILABLE, Failures.codeOf(late.cause()), "503: an overload, not a fault");
    assertEquals(List.of("a", "b", "fresh"), started, "never run; the next one took the place");
    assertFalse(fresh.isComplete());
  }

  @Test
  void aTaskThatThrowsFailsItsCallerAndFreesItsPlace() {
    Future<String> broken = admission.run(() -> {
      throw new IllegalArgumentException("bad request");
    });
    assertTrue(broken.failed());
    assertEquals("bad request", broken.cause().getMessage());
    submit("a");
    submit("b");
    assertEquals(List.of("a", "b"), started);
  }
}
