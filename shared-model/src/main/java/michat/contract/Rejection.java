package michat.contract;

import michat.contract.RouterApi.Outcome;

/**
 * A chat frame refused, by the gateway that reads it or the router that checks and stores it, with a
 * stable machine-readable code (docs/protocol.md) and a sentence for people. Nothing is stored for a
 * rejected frame.
 */
public final class Rejection extends RuntimeException {
  public static final String BAD_JSON = "bad_json";
  public static final String UNKNOWN_TYPE = "unknown_type";
  public static final String UNKNOWN_MEDIA = "unknown_media";
  public static final String MISSING_TARGET = "missing_target";
  public static final String NO_SUCH_USER = "no_such_user";
  public static final String NO_SUCH_GROUP = "no_such_group";
  public static final String NOT_A_MEMBER = "not_a_member";
  public static final String TOO_LARGE = "too_large";
  public static final String BAD_FIELD = "bad_field";
  public static final String BAD_URL = "bad_url";
  /** Not stored, and never will be from this frame: send it again. */
  public static final String UNAVAILABLE = "unavailable";
  /** The store did not confirm the write in time: it may or may not be stored (re-send with the same clientMsgId). */
  public static final String UNKNOWN = "unknown";

  private final String code;

  public Rejection(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public String code() {
    return code;
  }

  public Outcome toReply() {
    return Outcome.refused(code, getMessage());
  }
}
