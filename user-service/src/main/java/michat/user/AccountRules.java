package michat.user;

import java.util.Optional;
import java.util.regex.Pattern;

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

  /** A problem with free text, or empty when it is acceptable. Empty input is the caller's business. */
  static Optional<String> text(String field, String value, int max) {
    if (value.codePointCount(0, value.length()) > max) {
      return Optional.of(field + " must be at most " + max + " characters");
    }
    if (value.indexOf('\uFFFD') >= 0) {
      return Optional.of(field + " is not valid UTF-8");
    }
    if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
      return Optional.of(field + " must not contain control characters");
    }
    return Optional.empty();
  }

  static boolean validPhone(String phone) {
    return phone.isEmpty() || PHONE.matcher(phone).matches();
  }

  static boolean validEmail(String email) {
    return email.isEmpty() || (email.length() <= EMAIL_MAX && EMAIL.matcher(email).matches());
  }
}
