package michat.bench.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import michat.testkit.OwnMariaDb;
import michat.testkit.OwnRedis;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The fault matrix at smoke size, in every build: every fault of docs/reliability.md for 3 s at
 * 100 msg/s against michat as five JVMs from the jar the build just made, with a MariaDB and a Redis
 * of its own. Every check of the matrix must hold (nothing acknowledged lost, nothing twice, no
 * refusal delivered, recovery, delivery going on where it must); the full size runs from the bench
 * command in docs/reliability.md.
 */
class FaultMatrixSmokeTest {
  @Test
  void everyFaultAtSmokeSize() throws Exception {
    require(OwnMariaDb.installed() && OwnRedis.installed(), "mariadb-server and redis-server (.ci/run installs them)");
    Path jar = Paths.get("..", "webapp", "target", "mi-chat.jar").toAbsolutePath().normalize();
    require(Files.exists(jar), jar + " (build through 'mvn verify': the webapp module makes it first)");
    FaultOptions o = new FaultOptions();
    o.jar = jar;
    o.workDir = Paths.get("target", "fault-matrix").toAbsolutePath();
    o.seconds = 3;
    o.rate = 100;
    o.memorySeconds = 0;
    o.warmupSeconds = 10;
    FaultMatrix.Outcome out = FaultMatrix.run(o);
    String table = FaultResult.table(out.results());
    System.err.println(table);
    assertEquals(FaultOptions.ALL.size(), out.results().size(), table);
    assertTrue(out.problems().isEmpty(), out.problems() + "\n" + table);
    for (FaultResult r : out.results()) {
      assertTrue(r.acknowledged() > 0, r.fault() + ": nothing acknowledged at all\n" + table);
    }
  }

  /** Skipped where it cannot run, but never in CI. */
  private static void require(boolean present, String what) {
    if (!present && System.getenv("CI") != null) {
      Assertions.fail("missing under CI: " + what);
    }
    Assumptions.assumeTrue(present, "missing: " + what);
  }
}
