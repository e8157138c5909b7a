package michat.bench.faults;

/**
 * One row of the matrix: how to cause the fault and how to end it, and whether chat must go on
 * while it lasts (a Redis outage or a lost router must not stop delivery; a database outage does).
 */
record Fault(String key, String name, Step inject, Step recover, boolean deliveryMustGoOn, int minSeconds) {
  Fault(String key, String name, Step inject, Step recover, boolean deliveryMustGoOn) {
    this(key, name, inject, recover, deliveryMustGoOn, 0);
  }

  /** How long it lasts at a given size: some faults only show past a threshold. */
  int seconds(int asked) {
    return Math.max(asked, minSeconds);
  }

  @FunctionalInterface
  interface Step {
    void run() throws Exception;
  }
}
