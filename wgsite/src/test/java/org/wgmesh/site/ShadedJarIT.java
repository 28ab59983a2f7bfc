package org.wgmesh.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar the package ships ({@code dist/lib/wgsite.jar}, made in the package phase, so this
 * runs as an integration test after it): it holds the SDK modules the AWS default credential chain
 * loads by reflection, which no compile step would miss.
 */
class ShadedJarIT {
  /**
   * The factories the SDK's {@code auth} module loads by name: assume-role profiles and web
   * identity (sts), SSO profiles (sso) and their token refresh (ssooidc).
   */
  static final List<String> CREDENTIAL_FACTORIES =
      List.of(
          "software.amazon.awssdk.services.sts.internal.StsProfileCredentialsProviderFactory",
          "software.amazon.awssdk.services.sts.internal.StsWebIdentityCredentialsProviderFactory",
          "software.amazon.awssdk.services.sso.auth.SsoProfileCredentialsProviderFactory",
          "software.amazon.awssdk.services.ssooidc.SsoOidcProfileTokenProviderFactory");

  static Path jar() {
    return Path.of(System.getProperty("wgmesh.jar", "../dist/lib/wgsite.jar"));
  }

  @Test
  void holdsTheCredentialProvidersOfStsSsoAndSsoOidc() throws Exception {
    try (JarFile jar = new JarFile(jar().toFile())) {
      for (String factory : CREDENTIAL_FACTORIES) {
        assertThat(jar.getEntry(factory.replace('.', '/') + ".class"))
            .as(factory + " in " + jar())
            .isNotNull();
      }
    }
  }

  @Test
  void offersOnlyTheUrlConnectionHttpClient() throws Exception {
    try (JarFile jar = new JarFile(jar().toFile())) {
      ZipEntry services =
          jar.getEntry("META-INF/services/software.amazon.awssdk.http.SdkHttpService");
      assertThat(services).isNotNull();
      String text = new String(jar.getInputStream(services).readAllBytes(), StandardCharsets.UTF_8);
      assertThat(text.lines().filter(l -> !l.isBlank() && !l.startsWith("#")))
          .containsExactly("software.amazon.awssdk.http.urlconnection.UrlConnectionSdkHttpService");
    }
  }

  @Test
  void jarExists() {
    assertThat(Files.isRegularFile(jar())).as(jar().toString()).isTrue();
  }
}
