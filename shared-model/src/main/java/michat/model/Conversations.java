package michat.model;

/**
 * Conversation ids: {@code p:<smaller user id>:<larger user id>} for the two users of a private chat,
 * {@code g:<group id>} for a group. Both participants of a private chat share one sequence.
 */
public final class Conversations {
  private Conversations() {}

  public static String privateChat(long a, long b) {
    return "p:" + Math.min(a, b) + ":" + Math.max(a, b);
  }

  public static String group(long groupId) {
    return "g:" + groupId;
  }

  private static final java.util.regex.Pattern WELL_FORMED = java.util.regex.Pattern.compile("p:\\d{1,18}:\\d{1,18}|g:\\d{1,18}");

  /** True for a string shaped like a conversation id (whoever's it is). */
  public static boolean isWellFormed(String conversation) {
    return conversation != null && WELL_FORMED.matcher(conversation).matches();
  }

  public static boolean isGroup(String conversation) {
    return conversation.startsWith("g:");
  }

  /** The group id of a {@code g:} conversation. */
  public static long groupId(String conversation) {
    return Long.parseLong(conversation.substring(2));
  }

  /** True when the user is one of the two of a {@code p:} conversation. */
  public static boolean isParticipant(String conversation, long userId) {
    String[] parts = conversation.split(":");
    return parts.length == 3 && parts[0].equals("p")
        && (parts[1].equals(Long.toString(userId)) || parts[2].equals(Long.toString(userId)));
  }

  /** The smaller user id of a {@code p:} conversation. */
  public static long lowParticipant(String conversation) {
    return Long.parseLong(conversation.substring(2, conversation.indexOf(':', 2)));
  }

  /** The larger user id of a {@code p:} conversation. */
  public static long highParticipant(String conversation) {
    return Long.parseLong(conversation.substring(conversation.indexOf(':', 2) + 1));
  }

  /** The other user of a {@code p:} conversation of which {@code userId} is one. */
  public static long otherParticipant(String conversation, long userId) {
    String[] parts = conversation.split(":");
    long a = Long.parseLong(parts[1]);
    long b = Long.parseLong(parts[2]);
    return a == userId ? b : a;
  }
}
