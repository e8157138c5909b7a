package michat.web.http;

import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import michat.config.ConfigKeys;
import michat.config.MichatConfig;

/**
 * The address a request really comes from, which password throttling and the hashing queue go by.
 * Normally the peer's; when the peer is a proxy listed in {@code http.trustedProxies} (an ingress
 * controller, a load balancer), the last address in {@code X-Forwarded-For} that is not one of those
 * proxies — what the nearest trusted proxy saw. Without it, every client behind a proxy would share
 * one address, and twenty wrong passwords from anyone would lock everyone out. Only trusted peers'
 * headers count: anyone else could write any address there.
 */
public final class ClientAddresses {
  private record Range(byte[] network, int prefix) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int bits = address.length * 8;
      BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
          .xor(BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE));
      return new BigInteger(1, address).and(mask).equals(new BigInteger(1, network).and(mask));
    }
  }

  private final List<Range> trusted;

  private ClientAddresses(List<Range> trusted) {
    this.trusted = trusted;
  }

  /** {@code http.trustedProxies}: comma-separated addresses or CIDR ranges; empty = trust no header. */
  public static ClientAddresses from(MichatConfig cfg) {
    List<Range> ranges = new ArrayList<>();
    for (String item : cfg.string(ConfigKeys.HTTP_TRUSTED_PROXIES).split(",")) {
      String spec = item.trim();
      if (spec.isEmpty()) {
        continue;
      }
      Range r = parse(spec);
      if (r == null) {
        throw cfg.invalid(ConfigKeys.HTTP_TRUSTED_PROXIES, "'" + spec + "' is not an IP address or CIDR range like 10.0.0.0/8");
      }
      ranges.add(r);
    }
    return new ClientAddresses(List.copyOf(ranges));
  }

  public String of(HttpServerRequest req) {
    String peer = req.remoteAddress().hostAddress();
    if (trusted.isEmpty() || !isTrusted(peer)) {
      return peer;
    }
    String forwarded = String.join(",", req.headers().getAll("X-Forwarded-For"));
    String[] hops = forwarded.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (hop.isEmpty()) {
        continue;
      }
      if (literal(hop) == null) {
        return peer;   // not an address: the chain cannot be read further back
      }
      if (!isTrusted(hop)) {
        return hop;
      }
    }
    return peer;
  }

  private boolean isTrusted(String address) {
    byte[] bytes = literal(address);
    return bytes != null && trusted.stream().anyMatch(r -> r.contains(bytes));
  }

  private static Range parse(String spec) {
    int slash = spec.indexOf('/');
    byte[] network = literal(slash < 0 ? spec : spec.substring(0, slash));
    if (network == null) {
      return null;
    }
    int prefix = network.length * 8;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(spec.substring(slash + 1));
      } catch (NumberFormatException e) {
        return null;
      }
      if (prefix < 0 || prefix > network.length * 8) {
        return null;
      }
    }
    return new Range(network, prefix);
  }

  /** The bytes of an IP literal; null for anything else (never a DNS lookup), as LoopbackOnly reads them. */
  private static byte[] literal(String s) {
    String t = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
    return NetUtil.createByteArrayFromIpAddressString(t);
  }
}
