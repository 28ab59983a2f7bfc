package org.wgmesh.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.error.FileException;

class LockFileTest {
  @TempDir Path dir;

  static final Supplier<ConflictException> BUSY =
      () -> new ConflictException("mesh.example.com", "another run is busy", "wait for it");

  /** Holds the lock on args[0] until stdin closes; says "locked" once it has it. */
  public static final class Holder {
    public static void main(String[] args) throws Exception {
      try (LockFile l = LockFile.acquire(Path.of(args[0]), Duration.ZERO, BUSY)) {
        System.out.println("locked");
        System.out.flush();
        System.in.read();
      }
    }
  }

  @Test
  void acquire_createsTheFileAndItsDirectoryOwnerOnly_andLeavesItAfterRelease() throws Exception {
    Path f = dir.resolve("state/d.lock");
    try (LockFile l = LockFile.acquire(f, Duration.ZERO, BUSY)) {
      assertThat(l.path()).isEqualTo(f);
      assertThat(Files.getPosixFilePermissions(f)).isEqualTo(AtomicFiles.SECRET);
    }
    assertThat(f).exists().isEmptyFile();
  }

  @Test
  void secondHolderInTheSameJvm_isBusyUntilTheFirstReleases() {
    Path f = dir.resolve("d.lock");
    LockFile first = LockFile.acquire(f, Duration.ZERO, BUSY);
    assertThatThrownBy(() -> LockFile.acquire(f, Duration.ofMillis(120), BUSY))
        .isInstanceOfSatisfying(
            ConflictException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(ExitCode.CONFLICT);
              assertThat(e.why()).isEqualTo("another run is busy");
            });
    first.close();
    LockFile.acquire(f, Duration.ZERO, BUSY).close();
  }

  @Test
  void acquire_waitsForAHolderThatFinishesInTime() throws Exception {
    Path f = dir.resolve("d.lock");
    LockFile first = LockFile.acquire(f, Duration.ZERO, BUSY);
    CompletableFuture<Void> release =
        CompletableFuture.runAsync(
            () -> {
              try {
                Thread.sleep(150);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              first.close();
            });
    try (LockFile second = LockFile.acquire(f, Duration.ofSeconds(10), BUSY)) {
      assertThat(release).isDone();
    }
  }

  @Test
  void heldByAnotherProcess_isBusy_andFreeOnceItExits() throws Exception {
    Path f = dir.resolve("d.lock");
    String javaBin = ProcessHandle.current().info().command().orElse("java");
    Process holder =
        new ProcessBuilder(
                javaBin,
                "-cp",
                System.getProperty("java.class.path"),
                Holder.class.getName(),
                f.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(in.readLine()).isEqualTo("locked");
      assertThatThrownBy(() -> LockFile.acquire(f, Duration.ZERO, BUSY))
          .isInstanceOf(ConflictException.class);
    } finally {
      holder.getOutputStream().close();
      holder.waitFor();
    }
    LockFile.acquire(f, Duration.ZERO, BUSY).close();
  }

  @Test
  void unwritableDirectory_isAFileError() throws Exception {
    Path ro = dir.resolve("ro");
    Files.createDirectories(ro);
    Files.setPosixFilePermissions(
        ro, java.nio.file.attribute.PosixFilePermissions.fromString("r-x------"));
    try {
      // root ignores directory modes: then the lock is simply taken
      if (!Files.isWritable(ro)) {
        assertThatThrownBy(() -> LockFile.acquire(ro.resolve("d.lock"), Duration.ZERO, BUSY))
            .isInstanceOf(FileException.class)
            .hasMessageContaining("d.lock");
      }
    } finally {
      Files.setPosixFilePermissions(
          ro, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }
  }
}
