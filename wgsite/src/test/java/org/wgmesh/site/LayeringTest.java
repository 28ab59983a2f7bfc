package org.wgmesh.site;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.testing.LayeringRules;
import org.wgmesh.core.testing.SourceRules;

/** The layering rules of docs/architecture.md on wgsite's main classes. */
class LayeringTest {
  private static final JavaClasses SITE = LayeringRules.mainClasses("org.wgmesh.site");

  @Test
  void picocli_onlyInCommands() {
    LayeringRules.picocliOnlyInCommands().check(SITE);
  }

  @Test
  void awsSdk_onlyInTheRoute53Adapter() {
    LayeringRules.awsSdkOnlyInRoute53Adapter().check(SITE);
  }

  @Test
  void dnsjava_updatesAndTsigOnlyInTheRfc2136Adapter() {
    LayeringRules.dnsjavaOnlyInDnsAdapters().check(SITE);
  }

  @Test
  void publishers_useNoOtherPublisher() {
    LayeringRules.publishersUseNoOtherPublisher().check(SITE);
  }

  @Test
  void jetty_onlyInTheEnrolmentService() {
    LayeringRules.jettyOnlyInSiteService().check(SITE);
  }

  @Test
  void freemarker_notUsed() {
    LayeringRules.freemarkerOnlyInRenderer().check(SITE);
  }

  @Test
  void yaml_notUsed() {
    LayeringRules.yamlOnlyInFileCodecs(LayeringRules.CORE_YAML_CODECS).check(SITE);
  }

  @Test
  void packages_haveNoCycles() {
    LayeringRules.noPackageCycles().check(SITE);
  }

  @Test
  void classes_haveNoCycles() {
    LayeringRules.noClassCycles("org.wgmesh.site").check(SITE);
  }

  @Test
  void classes_areWgsitesOnly() {
    assertThat(SITE.contain("org.wgmesh.site.publish.route53.Route53Publisher")).isTrue();
    assertThat(SITE.contain("org.wgmesh.site.publish.rfc2136.Rfc2136Publisher")).isTrue();
    assertThat(SITE.contain("org.wgmesh.site.publish.zonefile.ZoneFilePublisher")).isTrue();
    assertThat(SITE.contain("org.wgmesh.site.service.EnrolmentServer")).isTrue();
    assertThat(SITE.stream().allMatch(c -> c.getPackageName().startsWith("org.wgmesh.site")))
        .isTrue();
  }

  @Test
  void mainCode_importsTheTypesItNames() {
    assertThat(SourceRules.inlineQualifiedNames(Path.of("src/main/java"))).isEmpty();
  }
}
