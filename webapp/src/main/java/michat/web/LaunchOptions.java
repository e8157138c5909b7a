package michat.web;

import java.nio.file.Path;
import java.nio.file.Paths;
import michat.config.ConfigException;

/**
 * The command line: {@code [-conf FILE] [--roles LIST] [-cluster] [--help]}. Settings themselves come
 * from the config file and the environment; these flags only choose the file and override two keys.
 */
public record LaunchOptions(Path confFile, String roles, boolean cluster, boolean help) {

  public static final String USAGE = String.join("\n",
      "usage: java -jar mi-chat.jar [-conf FILE] [--roles all|web,user,presence,router,gateway] [-cluster]",
      "  -conf FILE      JSON or YAML settings (the original's names such as port.server and timeout.* accepted)",
      "  --roles LIST    roles this JVM plays (default all; env MICHAT_ROLES)",
      "  -cluster        join the Vert.x cluster (Hazelcast; env MICHAT_CLUSTER=true)",
      "Environment variables override the file: PORT, MICHAT_MYSQL_URL, MICHAT_REDIS_URL, MICHAT_TOKEN_SECRET, ...",
      "See README.md for every setting.");

  public static LaunchOptions parse(String[] args) {
    Path conf = null;
    String roles = null;
    boolean cluster = false;
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "-conf", "--conf" -> conf = Paths.get(value(args, ++i, a));
        case "--roles", "-roles" -> roles = value(args, ++i, a);
        case "-cluster", "--cluster" -> cluster = true;
        case "-h", "--help", "-help" -> help = true;
        default -> {
          if (a.startsWith("--roles=")) {
            roles = a.substring("--roles=".length());
          } else if (a.startsWith("-conf=") || a.startsWith("--conf=")) {
            conf = Paths.get(a.substring(a.indexOf('=') + 1));
          } else {
            throw new ConfigException("command line: unknown argument '" + a + "' (try --help)");
          }
        }
      }
    }
    return new LaunchOptions(conf, roles, cluster, help);
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length || args[i].startsWith("-")) {
      throw new ConfigException("command line: " + flag + " needs a value (try --help)");
    }
    return args[i];
  }
}
