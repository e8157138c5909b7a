package michat.auth;

/**
 * What a valid session token says: whose it is, which login it belongs to ({@code id}, random per
 * login, so that a logout can end that one session), the user's token generation when it was issued
 * (a password change or deletion bumps it, ending every older session) and when it expires (epoch
 * seconds).
 */
public record Session(long userId, String id, int generation, long expiresAt) {}
