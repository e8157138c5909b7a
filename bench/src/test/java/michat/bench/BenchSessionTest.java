package michat.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The bench reads its own fields from delivered frames without a JSON parser. */
class BenchSessionTest {
  @Test
  void readsTheBenchFieldsOfAFrameAsTheServerDeliversIt() {
    String frame = "{\"TargetId\":7,\"Type\":1,\"CreateTime\":1,\"Media\":1,\"Content\":\"bench\",\"bs\":-1,"
        + "\"bn\":42,\"bt\":9223372036854775,\"userId\":3}";
    assertEquals(42, BenchSession.numberAfter(frame, "\"bn\":"));
    assertEquals(-1, BenchSession.numberAfter(frame, "\"bs\":"));
    assertEquals(9223372036854775L, BenchSession.numberAfter(frame, "\"bt\":"));
    assertEquals(BenchSession.MISSING, BenchSession.numberAfter(frame, "\"nope\":"));
    assertEquals(BenchSession.MISSING, BenchSession.numberAfter("{\"bn\":\"x\"}", "\"bn\":"));
  }
}
