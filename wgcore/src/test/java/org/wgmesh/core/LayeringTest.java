package org.wgmesh.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.testing.LayeringRules;
import org.wgmesh.core.testing.SourceRules;

/** The layering rules of docs/architecture.md on wgcore's main classes. */
class LayeringTest {
  private static final JavaClasses CORE = LayeringRules.mainClasses("org.wgmesh.core");

  @Test
  void picocli_onlyInTheCliPlumbing() {
    LayeringRules.picocliOnlyInCommands().check(CORE);
  }

  @Test
  void awsSdk_notUsed() {
    LayeringRules.awsSdkOnlyInRoute53Adapter().check(CORE);
  }

  @Test
  void dnsjava_onlyInTheDnsReaders() {
    LayeringRules.dnsjavaOnlyInDnsAdapters().check(CORE);
  }

  @Test
  void jetty_notUsed() {
    LayeringRules.jettyOnlyInSiteService().check(CORE);
  }

  @Test
  void freemarker_notUsed() {
    LayeringRules.freemarkerOnlyInRenderer().check(CORE);
  }

  @Test
  void yaml_onlyInTheYamlLayerAndTheSiteFileCodec() {
    LayeringRules.yamlOnlyInFileCodecs(LayeringRules.CORE_YAML_CODECS).check(CORE);
  }

  @Test
  void packages_haveNoCycles() {
    LayeringRules.noPackageCycles().check(CORE);
  }

  @Test
  void rules_seeTheClassesAndCatchAViolation() {
    assertThat(CORE.contain("org.wgmesh.core.site.SiteCodec")).isTrue();
    assertThat(CORE.stream().filter(c -> c.getPackageName().equals("org.wgmesh.core.testing")))
        .isEmpty();
    // Without the site file codec in the allowed set, its use of YamlNode is a violation.
    assertThatThrownBy(
            () -> LayeringRules.yamlOnlyInFileCodecs(List.of("org.wgmesh.core.yaml..")).check(CORE))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "Method <org.wgmesh.core.site.SiteCodec.read(java.nio.file.Path)> calls method <org.wgmesh.core.yaml.")
        .hasMessageNotContaining("Method <org.wgmesh.core.yaml.");
  }

  @Test
  void noPackageCycles_catchesACycle() {
    JavaClasses fixture =
        new ClassFileImporter().importPackages("org.wgmesh.core.testing.cyclefixture");

    assertThatThrownBy(() -> LayeringRules.noPackageCycles().check(fixture))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Cycle detected: Slice core.testing.cyclefixture.a -> ");
  }

  @Test
  void noClassCycles_catchesTwoClassesThatUseEachOther() {
    JavaClasses fixture =
        new ClassFileImporter().importPackages("org.wgmesh.core.testing.cyclefixture");

    assertThatThrownBy(
            () ->
                LayeringRules.noClassCycles("org.wgmesh.core.testing.cyclefixture").check(fixture))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Cycle detected: Slice org.wgmesh.core.testing.cyclefixture.");
    // Classes outside the root are not in a slice: the same fixture seen from a.. alone is fine.
    LayeringRules.noClassCycles("org.wgmesh.core.testing.cyclefixture.a").check(fixture);
  }

  @Test
  void classes_haveNoCycles() {
    LayeringRules.noClassCycles("org.wgmesh.core").check(CORE);
  }

  @Test
  void mainCode_importsTheTypesItNames() {
    assertThat(SourceRules.inlineQualifiedNames(Path.of("src/main/java"))).isEmpty();
  }

  @Test
  void inlineQualifiedNames_findsCodeNotCommentsOrStrings(@TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve("A.java"),
        String.join(
            "\n",
            "package a;",
            "import java.util.List;",
            "/** Uses {@link java.util.Map}. */",
            "class A {",
            "  String s = \"java.util.Set\"; // java.util.Set",
            "  java.util.Optional<String> o;",
            "}"));
    assertThat(SourceRules.inlineQualifiedNames(dir))
        .containsExactly("A.java:6: java.util.Optional<String> o;");
  }
}
