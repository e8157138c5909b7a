package michat.contract;

/**
 * A request that can say whether it is well-formed before any work is done: {@link ServiceBus#serve}
 * calls {@link #problem} and answers 400 with it, so a malformed request (missing field, from a
 * careless or hostile peer) changes nothing.
 */
public interface Validated {
  /** What is wrong with this request, or null when nothing is. */
  String problem();

  /** Helper for {@link #problem}: the name of the first absent (null) field, or null. */
  static String missing(Object... nameValuePairs) {
    for (int i = 0; i < nameValuePairs.length; i += 2) {
      if (nameValuePairs[i + 1] == null) {
        return nameValuePairs[i] + " is required";
      }
    }
    return null;
  }
}
