package org.wgmesh.site;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.testing.LayeringRules;

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
  void classes_areWgsitesOnly() {
    assertThat(SITE.contain(LayeringRules.ROUTE53_ADAPTER)).isTrue();
    assertThat(SITE.stream().allMatch(c -> c.getPackageName().startsWith("org.wgmesh.site")))
        .isTrue();
  }
}
