package michat.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory (embedded database, token secret, uploads) is readable by the server's user
 * only: directories 0700, files 0600. Where the file system has no POSIX permissions nothing is done.
 */
public final class PrivateFiles {
  private static final Logger LOG = LoggerFactory.getLogger(PrivateFiles.class);
  public static final String DIRECTORY = "rwx------";
  public static final String FILE = "rw-------";
  private static final Set<PosixFilePermission> DIR_PERMS = PosixFilePermissions.fromString(DIRECTORY);
  private static final Set<PosixFilePermission> FILE_PERMS = PosixFilePermissions.fromString(FILE);

  private PrivateFiles() {}

  /**
   * Creates {@code dir} as a private directory when {@code create} and it is missing, and makes what
   * is already in it private (an installation from before this rule), saying so in one line. Blocking:
   * at start-up, before anything is written to the directory.
   */
  public static void secure(Path dir, boolean create) throws IOException {
    if (!Files.isDirectory(dir)) {
      if (create) {
        createDirectories(dir);
      }
      return;
    }
    int changed = tighten(dir);
    if (changed > 0) {
      LOG.info("{}: made {} existing file(s) and directories readable by the server's user only (0700/0600)",
          dir, changed);
    }
  }

  /**
   * Makes files just created in {@code dir} private without a word (e.g. the embedded database's, which
   * H2 creates with the process's umask; the directory's 0700 protected them meanwhile).
   */
  public static void tightenNew(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      tighten(dir);
    }
  }

  /** The number of files and directories under {@code dir} (itself included) whose permissions changed. */
  static int tighten(Path dir) throws IOException {
    int changed = 0;
    try (Stream<Path> tree = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) tree::iterator) {
        if (Files.isSymbolicLink(p)) {
          continue;   // permissions of a link are those of its target, which may lie outside
        }
        Set<PosixFilePermission> wanted = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? DIR_PERMS : FILE_PERMS;
        try {
          if (!Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS).equals(wanted)) {
            Files.setPosixFilePermissions(p, wanted);
            changed++;
          }
        } catch (UnsupportedOperationException noPosix) {
          return 0;
        }
      }
    }
    return changed;
  }

  /** {@code Files.createDirectories} with owner-only permissions where the file system has them. */
  public static void createDirectories(Path dir) throws IOException {
    FileAttribute<?>[] attrs = posix(dir) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(DIR_PERMS)}
        : new FileAttribute<?>[0];
    Files.createDirectories(dir, attrs);
  }

  private static boolean posix(Path p) {
    Path existing = p.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    return existing != null && existing.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
