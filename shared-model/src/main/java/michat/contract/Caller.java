package michat.contract;

/**
 * Who a request acts for: the user and the session token the web or gateway role verified. The
 * service verifies the token again ({@link michat.auth.CallerCheck}) before acting, so a peer on the
 * event bus cannot act for a user whose token it does not hold — defence in depth behind the
 * cluster's mutual TLS.
 */
public record Caller(long userId, String token) {
  @Override
  public String toString() {   // never log a token
    return "Caller[userId=" + userId + "]";
  }
}
