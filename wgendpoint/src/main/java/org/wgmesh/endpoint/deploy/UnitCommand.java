package org.wgmesh.endpoint.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.wgmesh.core.error.UsageException;

/**
 * The wgdeploy command line the rendered systemd units run (template variable {@code
 * wgdeploy.command}; the units add {@code --supervisor systemd [--down] DOMAIN}). It repeats how
 * this wgdeploy was run, so the boot unit and the timer deploy the same mesh the same way: the
 * same executable, the same configuration directory (always given: systemd passes no
 * {@code WGMESH_CONFIG_DIR}), and {@code --resolver}, {@code --backend} and {@code --wgdeploy-path}
 * when they were on the command line.
 *
 * @param executable the wgdeploy to run, absolute (systemd requires it)
 * @param configDir the endpoint configuration directory, absolute
 * @param resolver {@code --resolver}, if given
 * @param backend {@code --backend}, if given
 * @param pathGiven whether {@code --wgdeploy-path} was given, so the unit's own runs keep it
 */
public record UnitCommand(
    String executable, Path configDir, Optional<String> resolver, Optional<WireGuardBackendChoice> backend,
    boolean pathGiven) {
  /** Set by the launchers (scripts/launcher/launcher.sh.in) to the directory they really live in. */
  public static final String LAUNCHER_DIR_ENV = "WGMESH_LAUNCHER_DIR";
  /** Where scripts/install.sh links the commands by default. */
  public static final String INSTALLED = "/usr/local/bin/wgdeploy";

  /** Arguments systemd takes as they are; anything else is double-quoted. */
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./\\[\\]-]+");

  public UnitCommand {
    Objects.requireNonNull(executable, "executable");
    if (!Path.of(executable).isAbsolute()) {
      throw new UsageException("--wgdeploy-path " + executable, "is not an absolute path",
          "systemd runs only absolute paths, e.g. " + INSTALLED);
    }
    configDir = configDir.toAbsolutePath();
    Objects.requireNonNull(resolver, "resolver");
    Objects.requireNonNull(backend, "backend");
  }

  /**
   * The wgdeploy this process was started as: {@code $WGMESH_LAUNCHER_DIR/wgdeploy} when a
   * launcher ran it (the installed layout, wherever it is), else {@link #INSTALLED}.
   */
  public static String defaultExecutable(Map<String, String> env) {
    String dir = env.get(LAUNCHER_DIR_ENV);
    if (dir == null || dir.isBlank() || !Path.of(dir).isAbsolute()) {
      return INSTALLED;
    }
    return Path.of(dir).resolve("wgdeploy").toString();
  }

  /** The command line, quoted for a systemd {@code ExecStart=}. */
  public String render() {
    List<String> argv = new ArrayList<>(List.of(executable));
    if (pathGiven) {
      argv.addAll(List.of("--wgdeploy-path", executable));
    }
    argv.addAll(List.of("--config-dir", configDir.toString()));
    resolver.ifPresent(r -> argv.addAll(List.of("--resolver", r)));
    backend.ifPresent(b -> argv.addAll(List.of("--backend", b.name().toLowerCase(Locale.ROOT))));
    return String.join(" ", argv.stream().map(UnitCommand::quote).toList());
  }

  /**
   * One argument for systemd: {@code %} starts a specifier and {@code $} a variable, so both are
   * doubled; white space or quotes need double quotes (with backslash escapes inside).
   */
  static String quote(String arg) {
    String s = arg.replace("%", "%%").replace("$", "$$");
    if (PLAIN.matcher(s).matches()) {
      return s;
    }
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
