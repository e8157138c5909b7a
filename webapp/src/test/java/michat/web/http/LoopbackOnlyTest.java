package michat.web.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.Test;

/**
 * Which peer addresses count as this host for /metrics on the application port. The request-level
 * rule (peer address and forwarding headers) is driven over real connections in OperationsEndpointsTest;
 * this covers the address forms a single machine cannot produce (IPv6, mapped IPv4, other networks).
 */
class LoopbackOnlyTest {

  private static boolean loopback(String ip) {
    return LoopbackOnly.isLoopback(SocketAddress.inetSocketAddress(40000, ip));
  }

  @Test
  void loopbackInEveryFormIsLocal() {
    assertTrue(loopback("127.0.0.1"));
    assertTrue(loopback("127.3.4.5"), "all of 127.0.0.0/8");
    assertTrue(loopback("::1"));
    assertTrue(loopback("::ffff:127.0.0.1"), "IPv4-mapped, as a dual-stack socket reports it");
  }

  @Test
  void everythingElseIsNot() {
    for (String ip : new String[] {"10.0.0.5", "192.168.1.2", "172.17.0.1", "0.0.0.0", "fe80::1", "2001:db8::1",
        "::ffff:10.0.0.5", "localhost"}) {
      assertFalse(loopback(ip), ip);
    }
    assertFalse(LoopbackOnly.isLoopback(null));
    assertFalse(LoopbackOnly.isLoopback(SocketAddress.domainSocketAddress("/tmp/michat.sock")), "a Unix socket names no host");
  }
}
