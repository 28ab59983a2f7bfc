package org.wgmesh.endpoint.deploy.state;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.wgmesh.core.error.FileException;

/**
 * wgdeploy's state directory of one namespace ({@code /var/lib/wgmesh/<ns>/}, mode 0700). This
 * class names what is there and parses its files ({@link
 * org.wgmesh.endpoint.deploy.steps.SavedState} reads them, once per run); the deploy steps write
 * it:
 *
 * <ul>
 *   <li>{@code manifest.properties}: the {@link Manifest} of the last successful deploy;
 *   <li>{@code journal.properties}: present only while a deploy changes the host; names the backups
 *       and new files, so an interrupted run is rolled back by the next one;
 *   <li>{@code backup/}: copies of the files the running deploy replaces or removes;
 *   <li>{@code pristine/}: files that existed before wgdeploy first managed them (e.g. the
 *       distribution's {@code shorewall.conf}); {@code --down} puts them back;
 *   <li>{@code original/}: the operator's own Shorewall files as the merge of the first deploy
 *       found them;
 *   <li>{@code staging/}: rendered files being validated.
 * </ul>
 *
 * Saved paths are mirrored below these folders ({@code backup/etc/bird/...}).
 */
public final class StateStore {
  /** The folder of the running deploy's backups. */
  public static final String BACKUP = "backup";

  /** The folder of files that were there before wgdeploy managed them. */
  public static final String PRISTINE = "pristine";

  /**
   * The folder of the operator's own Shorewall files as a merge found them ({@code
   * existing-firewall: merge}), a copy of the original configuration kept until {@code --down}.
   */
  public static final String ORIGINAL = "original";

  /** The folder rendered files are checked in. */
  public static final String STAGING = "staging";

  private final Path dir;

  public StateStore(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  /** {@code dir/folder}. */
  public Path folder(String folder) {
    return dir.resolve(folder);
  }

  /**
   * Where {@code file} is mirrored below {@code folder} ({@link #BACKUP}, {@link #PRISTINE}, {@link
   * #STAGING}).
   */
  public Path mirror(String folder, Path file) {
    return dir.resolve(folder).resolve(file.toAbsolutePath().toString().substring(1));
  }

  public Path manifestFile() {
    return dir.resolve("manifest.properties");
  }

  public Path journalFile() {
    return dir.resolve("journal.properties");
  }

  /** Whether {@code file} has a saved copy below {@code folder}. */
  public boolean has(String folder, Path file) {
    return Files.isRegularFile(mirror(folder, file));
  }

  /**
   * The file text of a manifest or journal: sorted, without the date comment Properties.store
   * writes, so an unchanged state gives identical bytes.
   */
  public static String text(Properties p) {
    StringWriter w = new StringWriter();
    try {
      p.store(w, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString()
        .lines()
        .filter(l -> !l.startsWith("#"))
        .sorted()
        .reduce("", (a, b) -> a + b + "\n");
  }

  /**
   * The properties of state file {@code f} from the {@code text} a run read of it (so the file is
   * read once and parsed from that).
   *
   * @throws FileException naming {@code f} when the text is not a properties file
   */
  public static Properties parse(Path f, String text) {
    try {
      return parse(new StringReader(text));
    } catch (IOException | IllegalArgumentException e) {
      throw damaged(f, e);
    }
  }

  /** The error for a state file that cannot be read or parsed, with what to do about it. */
  public static FileException damaged(Path f, Exception e) {
    return new FileException(
        f.toString(),
        "cannot read wgdeploy state: " + e.getMessage(),
        "if the file is damaged, run wgdeploy --down and deploy again");
  }

  /** Parses the text of {@link #text}. */
  public static Properties parse(String text) {
    try {
      return parse(new StringReader(text));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Properties parse(Reader r) throws IOException {
    Properties p = new Properties();
    p.load(r);
    return p;
  }
}
