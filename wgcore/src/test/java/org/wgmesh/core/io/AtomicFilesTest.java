package org.wgmesh.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.error.FileException;

class AtomicFilesTest {
  @Test
  void write_createsWithModeAndReportsChange(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("sub/wg2.conf");
    assertThat(AtomicFiles.write(f, "secret", AtomicFiles.SECRET)).isTrue();
    assertThat(Files.readString(f)).isEqualTo("secret");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rw-------");
  }

  @Test
  void write_identicalContent_leavesFileUntouched(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("a.conf");
    AtomicFiles.write(f, "x", AtomicFiles.PUBLIC);
    Object inode = Files.getAttribute(f, "unix:ino");
    assertThat(AtomicFiles.write(f, "x", AtomicFiles.PUBLIC)).isFalse();
    assertThat(Files.getAttribute(f, "unix:ino")).isEqualTo(inode);
    assertThat(AtomicFiles.write(f, "y", AtomicFiles.PUBLIC)).isTrue();
    assertThat(Files.getAttribute(f, "unix:ino")).isNotEqualTo(inode);
  }

  @Test
  void write_identicalContent_stillCorrectsMode(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("k");
    AtomicFiles.write(f, "x", AtomicFiles.PUBLIC);
    assertThat(AtomicFiles.write(f, "x", AtomicFiles.SECRET)).isFalse();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rw-------");
  }

  @Test
  void write_leavesNoTemporaryFiles(@TempDir Path dir) throws Exception {
    for (int i = 0; i < 5; i++) {
      AtomicFiles.write(dir.resolve("f"), "v" + i, AtomicFiles.PUBLIC);
    }
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("f");
    }
  }

  @Test
  void write_intoUnwritablePlace_throwsAndKeepsOld(@TempDir Path dir) throws Exception {
    Path blocker = dir.resolve("file");
    Files.writeString(blocker, "old");
    // a directory where a file is expected as parent: cannot create
    assertThatThrownBy(() -> AtomicFiles.write(blocker.resolve("child"), "x", AtomicFiles.PUBLIC))
        .isInstanceOf(FileException.class)
        .hasMessageContaining("child");
    assertThat(Files.readString(blocker)).isEqualTo("old");
  }

  @Test
  void checkWritable_refusesWhatWriteCouldNot_andWritesNothing(@TempDir Path dir) throws Exception {
    Path blocker = dir.resolve("file");
    Files.writeString(blocker, "old");
    assertThatThrownBy(() -> AtomicFiles.checkWritable(blocker.resolve("sub/qr.png")))
        .isInstanceOf(FileException.class)
        .hasMessageContaining("qr.png")
        .hasMessageContaining(blocker + " is not a directory");
    assertThatThrownBy(() -> AtomicFiles.checkWritable(dir))
        .isInstanceOf(FileException.class)
        .hasMessageContaining("is a directory");
    // Missing directories are fine (write creates them) and are not made by the check.
    AtomicFiles.checkWritable(dir.resolve("new/dirs/qr.png"));
    AtomicFiles.checkWritable(blocker);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(blocker);
    }
  }

  @Test
  void backup_copiesContentAndMode(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("wgmesh.yaml");
    AtomicFiles.write(f, "v1", AtomicFiles.GROUP);
    Path bak = AtomicFiles.backup(f, ".bak").orElseThrow();
    assertThat(Files.readString(bak)).isEqualTo("v1");
    assertThat(Files.getPosixFilePermissions(bak)).isEqualTo(AtomicFiles.GROUP);
    assertThat(AtomicFiles.backup(dir.resolve("missing"), ".bak")).isEmpty();
  }
}
