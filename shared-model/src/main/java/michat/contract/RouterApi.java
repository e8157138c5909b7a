package michat.contract;

import java.util.List;

/** Router contracts: being converted from the JSON bodies of {@link michat.model.Addresses}. */
public final class RouterApi {
  private RouterApi() {}

  static final List<Endpoint<?, ?>> ENDPOINTS = List.of();
  static final List<Topic<?>> TOPICS = List.of();
}
