package org.wgmesh.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/README.md says it lists every document (issue 19): each Markdown file at the top of docs/
 * must be linked from it, and each subdirectory (examples/) named.
 */
class DocsIndexTest {
  @Test
  void readme_linksEveryDocumentAndDirectoryOfDocs() throws Exception {
    Path docs = ExitCodeDocTest.docs().getParent();
    String index = Files.readString(docs.resolve("README.md"));
    List<String> entries;
    try (Stream<Path> s = Files.list(docs)) {
      entries =
          s.filter(p -> !p.getFileName().toString().equals("README.md"))
              .filter(p -> Files.isDirectory(p) || p.toString().endsWith(".md"))
              .map(p -> p.getFileName() + (Files.isDirectory(p) ? "/" : ""))
              .sorted()
              .toList();
    }
    assertThat(entries).contains("operator-guide.md", "exit-codes.md");
    assertThat(entries)
        .as("documents of docs/ missing from docs/README.md")
        .allSatisfy(name -> assertThat(index).contains("](" + name + ")"));
  }

  @Test
  void operatorGuide_namesTheKeyRotationCommands_andNeverDeniesThem() throws Exception {
    String guide =
        Files.readString(ExitCodeDocTest.docs().getParent().resolve("operator-guide.md"));
    assertThat(guide)
        .contains("wghost --rotate-key")
        .contains("wgsite --roll-site-key")
        .doesNotContainIgnoringCase("no key rotation command");
  }
}
