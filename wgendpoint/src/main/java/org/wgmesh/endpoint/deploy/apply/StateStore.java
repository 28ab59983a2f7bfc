package org.wgmesh.endpoint.deploy.apply;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.io.AtomicFiles;

/**
 * wgdeploy's state directory of one namespace ({@code /var/lib/wgmesh/<ns>/}, mode 0700):
 *
 * <ul>
 *   <li>{@code manifest.properties}: the {@link Manifest} of the last successful deploy;
 *   <li>{@code journal.properties}: present only while a deploy mutates the host; names the
 *       backups and new files, so an interrupted run is rolled back by the next one;
 *   <li>{@code backup/}: copies of the files the running deploy replaces or removes;
 *   <li>{@code pristine/}: files that existed before wgdeploy first managed them (e.g. the
 *       distribution's {@code shorewall.conf}); {@code --down} puts them back;
 *   <li>{@code staging/}: rendered files being validated.
 * </ul>
 *
 * Backed-up paths are mirrored below these folders ({@code backup/etc/bird/...}).
 */
public final class StateStore {
  private final Path dir;

  public StateStore(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  public Path staging() {
    return dir.resolve("staging");
  }

  /** Where {@code file} is mirrored below {@code folder} (backup, pristine, staging). */
  public Path mirror(String folder, Path file) {
    return dir.resolve(folder).resolve(file.toAbsolutePath().toString().substring(1));
  }

  public Manifest manifest() {
    return read("manifest.properties").map(Manifest::fromProperties).orElse(Manifest.empty());
  }

  public void writeManifest(Manifest m) {
    write("manifest.properties", m.toProperties());
  }

  public Optional<Journal> journal() {
    return read("journal.properties").map(Journal::fromProperties);
  }

  /** Persists the journal before the first mutation (synced to disk by {@link AtomicFiles}). */
  public void writeJournal(Journal j) {
    write("journal.properties", j.toProperties());
  }

  /** Ends a transaction: the journal, backups and staged files go. */
  public void clearJournal() {
    delete(dir.resolve("journal.properties"));
    deleteTree(dir.resolve("backup"));
    deleteTree(staging());
  }

  /** Removes the whole state directory (after {@code --down}). */
  public void removeAll() {
    deleteTree(dir);
  }

  /** Copies {@code file} to {@code folder}, keeping its mode; false when it does not exist. */
  public boolean save(String folder, Path file) {
    if (!Files.isRegularFile(file)) {
      return false;
    }
    try {
      AtomicFiles.write(mirror(folder, file), Files.readAllBytes(file), Files.getPosixFilePermissions(file));
      return true;
    } catch (IOException e) {
      throw new FileException(file.toString(), "cannot back up: " + e.getMessage(), null, e);
    }
  }

  /** Puts {@code file} back from {@code folder}; false when there is no saved copy. */
  public boolean restore(String folder, Path file) {
    Path saved = mirror(folder, file);
    if (!Files.isRegularFile(saved)) {
      return false;
    }
    try {
      AtomicFiles.write(file, Files.readAllBytes(saved), Files.getPosixFilePermissions(saved));
      return true;
    } catch (IOException e) {
      throw new FileException(file.toString(), "cannot restore from " + saved + ": " + e.getMessage(), null, e);
    }
  }

  public boolean has(String folder, Path file) {
    return Files.isRegularFile(mirror(folder, file));
  }

  private Optional<Properties> read(String name) {
    Path f = dir.resolve(name);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      Properties p = new Properties();
      p.load(r);
      return Optional.of(p);
    } catch (IOException | IllegalArgumentException e) {
      throw new FileException(f.toString(), "cannot read wgdeploy state: " + e.getMessage(),
          "if the file is damaged, run wgdeploy --down and deploy again");
    }
  }

  private void write(String name, Properties p) {
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
      StringWriter w = new StringWriter();
      p.store(w, null);
      // Properties.store writes a date comment first; drop it so an unchanged state stays byte-identical.
      String text = w.toString().lines().filter(l -> !l.startsWith("#"))
          .sorted().reduce("", (a, b) -> a + b + "\n");
      AtomicFiles.write(dir.resolve(name), text, AtomicFiles.SECRET);
    } catch (IOException e) {
      throw new FileException(dir.toString(), "cannot write wgdeploy state: " + e.getMessage(), null, e);
    }
  }

  static void delete(Path f) {
    try {
      Files.deleteIfExists(f);
    } catch (IOException e) {
      throw new FileException(f.toString(), "cannot delete: " + e.getMessage(), null, e);
    }
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(all::add);
    } catch (IOException e) {
      throw new FileException(root.toString(), "cannot list: " + e.getMessage(), null, e);
    }
    all.forEach(StateStore::delete);
  }
}
