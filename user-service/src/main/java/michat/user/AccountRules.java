package michat.user;

import io.vertx.core.eventbus.ReplyException;
import java.util.Optional;
import java.util.regex.Pattern;
import michat.contract.Refusal;
import michat.model.MediaUrls;

/**
 * What user-service accepts as names, passwords and profile fields. The original checked only the phone
 * and e-mail formats; michat also bounds lengths and refuses control characters and bytes that were
 * not valid UTF-8 (decoded as U+FFFD), so nothing unreadable is stored.
 */
final class AccountRules {
  static final int NAME_MAX = 64;
  static final int PASSWORD_MAX = 128;
  static final int EMAIL_MAX = 254;
  static final int URL_MAX = 512;
  static final int DESC_MAX = 1024;

  /** The original's phone rule: a mainland China mobile number. */
  private static final Pattern PHONE = Pattern.compile("^1[3-9]\\d{9}$");
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+$");

  private AccountRules() {}

  /** The refusal of free text, or empty when it is acceptable. Empty input is the caller's business. */
  static Optional<ReplyException> text(String field, String value, int max) {
    if (value.codePointCount(0, value.length()) > max) {
      return Optional.of(Refusal.TEXT_TOO_LONG.failure(field + " " + max));
    }
    if (value.indexOf('\uFFFD') >= 0 || value.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
      return Optional.of(Refusal.TEXT_UNREADABLE.failure(field));
    }
    return Optional.empty();
  }

  /** The refusal of a picture URL that is not one of this server's, or empty. */
  static Optional<ReplyException> mediaUrl(MediaUrls rule, String field, String url) {
    return rule.problem(field, url).map(problem -> Refusal.MEDIA_URL_INVALID.failure(field));
  }

  static boolean validPhone(String phone) {
    return phone.isEmpty() || PHONE.matcher(phone).matches();
  }

  static boolean validEmail(String email) {
    return email.isEmpty() || (email.length() <= EMAIL_MAX && EMAIL.matcher(email).matches());
  }
}
