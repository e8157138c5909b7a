package michat.config;

import michat.model.MediaUrls;

/** {@code media.externalUrls} read into the rule every service applies to media URLs. */
public final class MediaUrlSettings {
  private MediaUrlSettings() {}

  /** Fails start-up with the key named when the setting is not a list of host names or {@code *}. */
  public static MediaUrls from(MichatConfig cfg) {
    try {
      return MediaUrls.of(cfg.string(ConfigKeys.MEDIA_EXTERNAL_URLS));
    } catch (IllegalArgumentException e) {
      throw cfg.invalid(ConfigKeys.MEDIA_EXTERNAL_URLS, e.getMessage());
    }
  }
}
