package org.wgmesh.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.error.ConfigException;

/** A file is read again only when it changed; the reader here counts its reads. */
class ChangedFileTest {
  @TempDir Path dir;
  Path file;
  AtomicInteger reads = new AtomicInteger();
  ChangedFile<Set<String>> hosts;
  static final FileTime T = FileTime.from(Instant.parse("2026-12-05T02:00:00Z"));

  @BeforeEach
  void setUp() throws Exception {
    file = dir.resolve("wgmesh.yaml");
    Files.writeString(file, "web-1 web-2");
    Files.setLastModifiedTime(file, T);
    hosts =
        new ChangedFile<>(
            file,
            p -> {
              reads.incrementAndGet();
              try {
                if (!Files.exists(p)) {
                  return Set.of();
                }
                String text = Files.readString(p);
                if (text.startsWith("broken")) {
                  throw new ConfigException(p.toString(), "is broken");
                }
                return Set.of(text.split(" "));
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
  }

  @Test
  void unchangedFile_isReadOnce_andTheSameSetIsReturned() {
    Set<String> first = hosts.current();
    assertThat(first).containsExactlyInAnyOrder("web-1", "web-2");
    assertThat(hosts.current()).isSameAs(first);
    assertThat(reads).hasValue(1);
  }

  @Test
  void newModificationTime_sizeOrFile_isReadAgain() throws Exception {
    Set<String> first = hosts.current();
    Files.setLastModifiedTime(file, FileTime.from(T.toInstant().plusSeconds(1)));
    assertThat(hosts.current()).isNotSameAs(first);
    assertThat(reads).hasValue(2);

    // same time, another size
    Files.writeString(file, "web-1");
    Files.setLastModifiedTime(file, T);
    assertThat(hosts.current()).containsExactly("web-1");
    assertThat(reads).hasValue(3);

    // same time and size, but a new file renamed over it (as the file tools write)
    Path next = dir.resolve("next");
    Files.writeString(next, "web-9");
    Files.setLastModifiedTime(next, T);
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    assertThat(hosts.current()).containsExactly("web-9");
    assertThat(reads).hasValue(4);
  }

  @Test
  void brokenFile_isThrownAgain_withoutReadingAgain_untilItChanges() throws Exception {
    Files.writeString(file, "broken");
    Files.setLastModifiedTime(file, T);
    assertThatThrownBy(hosts::current).isInstanceOf(ConfigException.class);
    assertThatThrownBy(hosts::current).hasMessageContaining("is broken");
    assertThat(reads).hasValue(1);
    Files.writeString(file, "web-3");
    assertThat(hosts.current()).containsExactly("web-3");
    assertThat(reads).hasValue(2);
  }

  @Test
  void missingFile_isReadOnce_andAgainWhenItAppearsOrGoes() throws Exception {
    Files.delete(file);
    assertThat(hosts.current()).isEmpty();
    assertThat(hosts.current()).isEmpty();
    assertThat(reads).hasValue(1);
    Files.writeString(file, "web-4");
    assertThat(hosts.current()).containsExactly("web-4");
    assertThat(reads).hasValue(2);
    Files.delete(file);
    assertThat(hosts.current()).isEmpty();
    assertThat(reads).hasValue(3);
  }
}
