package org.wgmesh.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.testing.LayeringRules;
import org.wgmesh.core.testing.SourceRules;

/** The layering rules of docs/architecture.md on wgendpoint's main classes. */
class LayeringTest {
  private static final JavaClasses ENDPOINT = LayeringRules.mainClasses("org.wgmesh.endpoint");

  /** Where YAML is allowed here: wgcore's codecs and the endpoint file codec and its spec. */
  static final List<String> YAML_CODECS =
      Stream.concat(
              LayeringRules.CORE_YAML_CODECS.stream(),
              Stream.of(
                  "org.wgmesh.endpoint.config.EndpointFile",
                  "org.wgmesh.endpoint.config.EndpointSpec"))
          .toList();

  @Test
  void picocli_onlyInCommands() {
    LayeringRules.picocliOnlyInCommands().check(ENDPOINT);
  }

  @Test
  void awsSdk_notUsed() {
    LayeringRules.awsSdkOnlyInRoute53Adapter().check(ENDPOINT);
  }

  @Test
  void jetty_notUsed() {
    LayeringRules.jettyOnlyInSiteService().check(ENDPOINT);
  }

  @Test
  void freemarker_onlyInTheRenderer() {
    LayeringRules.freemarkerOnlyInRenderer().check(ENDPOINT);
  }

  @Test
  void yaml_onlyInTheEndpointFileCodec() {
    LayeringRules.yamlOnlyInFileCodecs(YAML_CODECS).check(ENDPOINT);
  }

  @Test
  void packages_haveNoCycles() {
    LayeringRules.noPackageCycles().check(ENDPOINT);
  }

  @Test
  void classes_haveNoCycles() {
    LayeringRules.noClassCycles("org.wgmesh.endpoint").check(ENDPOINT);
  }

  @Test
  void mainCode_importsTheTypesItNames() {
    assertThat(SourceRules.inlineQualifiedNames(Path.of("src/main/java"))).isEmpty();
  }
}
