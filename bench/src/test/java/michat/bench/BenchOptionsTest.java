package michat.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad options fail with a message that names the option and what was wrong with it. */
class BenchOptionsTest {
  private static String error(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(args)).getMessage();
  }

  @Test
  void numbersAreCheckedWithTheOptionNamed() {
    assertEquals("--rate takes a whole number, not 'abc'", error("private", "--rate", "abc"));
    assertEquals("--warmup takes a whole number, not '20s'", error("private", "--warmup", "20s"));
    assertEquals("--hold must be at least 0, not -5", error("connections", "--hold", "-5"));
    assertEquals("--friends must be at least 1, not 0", error("private", "--friends", "0"));
    assertEquals("--chart-rates takes a whole number, not 'x'", error("charts", "--chart-rates", "1000,x"));
    assertEquals("--warmup applies to private and group only", error("connections", "--warmup", "5"));
  }

  @Test
  void goodOptionsAreRead() {
    BenchOptions o = BenchOptions.parse(new String[] {"private", "--rate", "2000", "--warmup=20", "--hold", "0",
        "--chart-rates", "1000, 2000"});
    assertEquals(2000, o.rate);
    assertEquals(20, o.warmupSeconds);
    assertEquals(0, o.holdSeconds);
    assertEquals(List.of(1000, 2000), o.chartRates);
  }
}
