package org.wgmesh.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher mechanism end to end on a tiny jar: one descriptor file becomes an executable
 * launcher that finds its jar through symlinks, passes arguments through untouched, and gets a
 * class-data-sharing archive it then uses.
 */
class LauncherScriptTest {
  @TempDir Path tmp;
  Path root;
  Path dist;

  static Path repoRoot() {
    String r = System.getProperty("wgmesh.root");
    return (r != null ? Path.of(r) : Path.of("..")).toAbsolutePath().normalize();
  }

  record Run(int rc, String out, String err) {}

  Run sh(java.util.Map<String, String> env, String... argv) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(argv).directory(tmp.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread t = new Thread(() -> copy(p, err));
    t.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int rc = p.waitFor();
    t.join();
    return new Run(rc, out, err.toString(StandardCharsets.UTF_8));
  }

  private static void copy(Process p, OutputStream to) {
    try {
      p.getErrorStream().transferTo(to);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    root = repoRoot();
    dist = tmp.resolve("dist");
    buildTinyDist(dist);
  }

  void buildTinyDist(Path dist) throws Exception {
    buildTinyDist(dist, null);
  }

  /**
   * A dist with the command demo-echo; {@code training} is the jar's cds-training.sh, or null for
   * none.
   */
  void buildTinyDist(Path dist, String training) throws Exception {
    Path src = tmp.resolve("src/demo/Echo.java");
    Files.createDirectories(src.getParent());
    // "train" as first argument also loads demo.Trained: a class only a training run sees.
    Files.writeString(
        src,
        "package demo; public class Echo { public static void main(String[] a) {"
            + " if (a.length > 0 && a[0].equals(\"train\")) { new Trained(); }"
            + " if (a.length > 0 && a[0].equals(\"launcher-dir\")) { System.out.println(System.getenv(\"WGMESH_LAUNCHER_DIR\")); return; }"
            + " for (String s : a) System.out.println(\"<\" + s + \">\"); } }");
    Files.writeString(src.resolveSibling("Trained.java"), "package demo; class Trained {}");
    Path classes = tmp.resolve("classes");
    Files.createDirectories(classes);
    int rc =
        ToolProvider.getSystemJavaCompiler()
            .run(
                null,
                null,
                null,
                "-d",
                classes.toString(),
                src.toString(),
                src.resolveSibling("Trained.java").toString());
    assertThat(rc).isZero();
    Files.createDirectories(dist.resolve("lib"));
    try (JarOutputStream j =
        new JarOutputStream(Files.newOutputStream(dist.resolve("lib/demo.jar")))) {
      for (String c : List.of("demo/Echo.class", "demo/Trained.class")) {
        j.putNextEntry(new JarEntry(c));
        j.write(Files.readAllBytes(classes.resolve(c)));
        j.closeEntry();
      }
    }
    Path descriptors = tmp.resolve("launchers");
    Files.createDirectories(descriptors);
    Files.deleteIfExists(descriptors.resolve("demo-echo"));
    Files.deleteIfExists(descriptors.resolve("cds-training.sh"));
    Files.writeString(
        descriptors.resolve("demo-echo"), "summary=prints its arguments\nmain=demo.Echo\n");
    if (training != null) {
      Files.writeString(descriptors.resolve("cds-training.sh"), training);
    }
    Run make =
        sh(
            java.util.Map.of(),
            "sh",
            root.resolve("scripts/launcher/make-launchers.sh").toString(),
            descriptors.toString(),
            "demo",
            dist.toString());
    assertThat(make.rc()).as(make.err()).isZero();
  }

  @Test
  void launcher_passesArgumentsAndMakesArchive() throws Exception {
    Path launcher = dist.resolve("bin/demo-echo");
    assertThat(Files.isExecutable(launcher)).isTrue();
    assertThat(Files.readString(launcher)).startsWith("#!/bin/sh\n").contains("demo.Echo");
    assertThat(dist.resolve("lib/demo.jsa")).isNotEmptyFile();
    Run r = sh(java.util.Map.of(), launcher.toString(), "a b", "", "--help", "$HOME", "*");
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("<a b>\n<>\n<--help>\n<$HOME>\n<*>\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void launcher_inPathWithSpaces_works() throws Exception {
    // JDK 17 does not archive classes from a class path with spaces; the launcher must still work.
    Path spaced = tmp.resolve("my dist");
    buildTinyDist(spaced);
    Files.createSymbolicLink(tmp.resolve("link with space"), spaced.resolve("bin/demo-echo"));
    Run r = sh(java.util.Map.of(), tmp.resolve("link with space").toString(), "a b");
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("<a b>\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void launcher_throughRelativeAndAbsoluteSymlinks_findsItsJar() throws Exception {
    Path links = tmp.resolve("links");
    Files.createDirectories(links.resolve("deeper"));
    Files.createSymbolicLink(links.resolve("abs"), dist.resolve("bin/demo-echo"));
    Files.createSymbolicLink(links.resolve("deeper/rel"), Path.of("../abs"));
    Run r = sh(java.util.Map.of(), links.resolve("deeper/rel").toString(), "x");
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("<x>\n");
  }

  @Test
  void launcher_usesArchiveWhenPresent() throws Exception {
    Run r =
        sh(
            java.util.Map.of("WGMESH_JAVA_OPTS", "-Xlog:class+load=info:stderr"),
            dist.resolve("bin/demo-echo").toString());
    assertThat(r.rc()).isZero();
    assertThat(r.err()).containsPattern("demo\\.Echo source: shared objects file");
    Run off =
        sh(
            java.util.Map.of(
                "WGMESH_CDS", "off", "WGMESH_JAVA_OPTS", "-Xlog:class+load=info:stderr"),
            dist.resolve("bin/demo-echo").toString());
    assertThat(off.err()).containsPattern("demo\\.Echo source: file:");
  }

  @Test
  void trainingScript_putsClassesOfItsRunsIntoTheArchive() throws Exception {
    Path trained = tmp.resolve("trained");
    buildTinyDist(trained, "set -eu\n\"$1/demo-echo\" train\ntouch \"$2/ran\"\n");
    assertThat(trained.resolve("bin/cds-training.sh")).doesNotExist();
    assertThat(trained.resolve("lib/demo.cds-training.sh")).isRegularFile();
    java.util.Map<String, String> log =
        java.util.Map.of("WGMESH_JAVA_OPTS", "-Xlog:class+load=info:stderr");

    Run r = sh(log, trained.resolve("bin/demo-echo").toString(), "train");
    assertThat(r.rc()).isZero();
    assertThat(r.err()).containsPattern("demo\\.Trained source: shared objects file");
    // Without a training script the archive holds only what --help loads.
    Run untrained = sh(log, dist.resolve("bin/demo-echo").toString(), "train");
    assertThat(untrained.err()).containsPattern("demo\\.Trained source: file:");
  }

  @Test
  void staleArchive_isIgnoredQuietly() throws Exception {
    Files.setLastModifiedTime(
        dist.resolve("lib/demo.jar"), java.nio.file.attribute.FileTime.fromMillis(0));
    Run r = sh(java.util.Map.of(), dist.resolve("bin/demo-echo").toString(), "still works");
    assertThat(r.rc()).isZero();
    assertThat(r.out()).isEqualTo("<still works>\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void install_copiesLayoutThatWorksWithoutTheSource() throws Exception {
    // install.sh reads dist/ beside its own scripts/ directory: stage a tiny checkout.
    Path checkout = tmp.resolve("checkout");
    Files.createDirectories(checkout.resolve("scripts/launcher"));
    for (String f :
        List.of(
            "scripts/install.sh",
            "scripts/launcher/make-launchers.sh",
            "scripts/launcher/launcher.sh.in")) {
      Files.copy(root.resolve(f), checkout.resolve(f));
    }
    copyTree(dist, checkout.resolve("dist"));
    Path prefix = tmp.resolve("opt/wgmesh");
    Path bin = tmp.resolve("usr/bin");
    Run inst =
        sh(
            java.util.Map.of(),
            "sh",
            checkout.resolve("scripts/install.sh").toString(),
            "--prefix",
            prefix.toString(),
            "--bin-dir",
            bin.toString());
    assertThat(inst.rc()).as(inst.err()).isZero();
    deleteTree(checkout);
    assertThat(Files.isSymbolicLink(bin.resolve("demo-echo"))).isTrue();
    assertThat(prefix.resolve("lib/demo.jsa")).isNotEmptyFile();
    Run r =
        sh(
            java.util.Map.of("WGMESH_JAVA_OPTS", "-Xlog:class+load=info:stderr"),
            bin.resolve("demo-echo").toString(),
            "ok");
    assertThat(r.rc()).isZero();
    assertThat(r.out()).isEqualTo("<ok>\n");
    assertThat(r.err()).containsPattern("demo\\.Echo source: shared objects file");
    // Run through the link, the launcher names the directory it really lives in (wgdeploy puts
    // its own path into the systemd units that way).
    Run dirRun =
        sh(
            java.util.Map.of("WGMESH_LAUNCHER_DIR", "/elsewhere"),
            bin.resolve("demo-echo").toString(),
            "launcher-dir");
    assertThat(dirRun.out()).isEqualTo(prefix.resolve("bin").toRealPath() + "\n");
  }

  private static void copyTree(Path from, Path to) throws Exception {
    List<Path> all = new ArrayList<>();
    try (var s = Files.walk(from)) {
      s.forEach(all::add);
    }
    for (Path p : all) {
      Path t = to.resolve(from.relativize(p).toString());
      if (Files.isDirectory(p)) {
        Files.createDirectories(t);
      } else {
        Files.copy(p, t, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }

  private static void deleteTree(Path p) throws Exception {
    try (var s = Files.walk(p)) {
      for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }
}
