package michat.contract;

import java.util.List;

/** Presence contracts: being converted from the JSON bodies of {@link michat.model.Addresses}. */
public final class PresenceApi {
  private PresenceApi() {}

  static final List<Endpoint<?, ?>> ENDPOINTS = List.of();
  static final List<Topic<?>> TOPICS = List.of();
}
