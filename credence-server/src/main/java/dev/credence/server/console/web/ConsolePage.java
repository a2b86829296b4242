package dev.credence.server.console.web;

/**
 * What every dashboard page shows besides its content: the title, the section lit in the menu, who
 * is signed in (null on the sign-in and invitation pages) and the token every form carries.
 */
public record ConsolePage(
    String title, String section, ConsoleUser user, String companyName, String csrf) {

  public boolean signedIn() {
    return user != null;
  }

  public boolean admin() {
    return user != null && user.isAdmin();
  }

  private static final java.time.format.DateTimeFormatter WHEN =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
          .withZone(java.time.ZoneOffset.UTC);

  /** A moment as the dashboard shows it: to the minute, in UTC; empty for none. */
  public String when(java.time.Instant instant) {
    return instant == null ? "" : WHEN.format(instant);
  }

  public boolean in(String name) {
    return name.equals(section);
  }
}
