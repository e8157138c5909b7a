package michat.contract;

/**
 * A request made on behalf of a user. {@link ServiceBus#serve} refuses it (401) unless its
 * {@link Caller} holds a valid session token of that user, before the handler runs.
 */
public interface ActsForUser {
  Caller caller();
}
