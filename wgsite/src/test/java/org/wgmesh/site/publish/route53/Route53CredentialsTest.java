package org.wgmesh.site.publish.route53;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.PublishException;
import org.wgmesh.site.publish.Publishers;
import org.wgmesh.site.publish.target.Publisher;

/**
 * Every credential path of the AWS SDK's default chain that docs/publishing.md promises, end to end
 * through {@code route53:} target URIs against {@link Route53Fake} (which also answers STS): static
 * keys, a named profile, assume-role from a profile, a web identity token file; and an SSO profile
 * gets as far as its token (its modules are on the class path). The profile files are temporary,
 * named by the SDK's system properties; every property is restored after each test.
 */
class Route53CredentialsTest {
  private static final String DOMAIN = "mesh.example.test";
  private static final String ROLE = "arn:aws:iam::123456789012:role/wgpub";

  /** The SDK's system properties these tests set. */
  private static final List<String> PROPERTIES =
      List.of(
          "aws.accessKeyId",
          "aws.secretAccessKey",
          "aws.sessionToken",
          "aws.configFile",
          "aws.sharedCredentialsFile",
          "aws.profile",
          "aws.region",
          "aws.webIdentityTokenFile",
          "aws.roleArn",
          "aws.roleSessionName",
          "aws.endpointUrlSts",
          // never ask an instance metadata service should a test's chain fall through
          "aws.disableEc2Metadata");

  @TempDir Path dir;
  private Route53Fake fake;
  private final Map<String, String> saved = new HashMap<>();

  @BeforeEach
  void start() throws Exception {
    // Credentials in the environment would come first in the chain and hide what is tested.
    for (String v :
        List.of(
            "AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONFIG_FILE")) {
      assumeTrue(System.getenv(v) == null, v + " is set in the environment");
    }
    for (String p : PROPERTIES) {
      saved.put(p, System.getProperty(p));
      System.clearProperty(p);
    }
    System.setProperty("aws.disableEc2Metadata", "true");
    // No profile file unless a test writes one: the user's ~/.aws is never read.
    System.setProperty("aws.configFile", dir.resolve("config").toString());
    System.setProperty("aws.sharedCredentialsFile", dir.resolve("credentials").toString());
    fake = new Route53Fake("ZFAKE123");
  }

  @AfterEach
  void stop() {
    if (fake != null) {
      fake.close();
    }
    saved.forEach(
        (k, v) -> {
          if (v == null) {
            System.clearProperty(k);
          } else {
            System.setProperty(k, v);
          }
        });
  }

  /** Publishes one record through {@code Publishers.fromUri}, the way wgpub makes its target. */
  private void publishOneRecord() {
    try (Publisher p =
        Publishers.fromUri(
            "route53:ZFAKE123?wait=false&retries=0&endpoint=" + fake.endpoint(), dir, Map.of())) {
      p.upsert(List.of(new TxtRecordSet(DOMAIN, 300, List.of("m"))));
    }
    assertThat(fake.zone).containsKey(DOMAIN + ". TXT");
  }

  private void write(String file, String text) throws Exception {
    Files.writeString(dir.resolve(file), text);
  }

  @Test
  void staticKeys_fromSystemProperties_signTheRequests() {
    System.setProperty("aws.accessKeyId", "AKIDSTATIC");
    System.setProperty("aws.secretAccessKey", "static-secret");

    publishOneRecord();

    assertThat(fake.lastAuthorization).startsWith("AWS4-HMAC-SHA256 Credential=AKIDSTATIC/");
    assertThat(fake.stsRequests).isEmpty();
  }

  @Test
  void namedProfile_fromTheCredentialsFile_signsTheRequests() throws Exception {
    write(
        "credentials",
        "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = d\n"
            + "[wgmesh]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = p\n");
    System.setProperty("aws.profile", "wgmesh");

    publishOneRecord();

    assertThat(fake.lastAuthorization).startsWith("AWS4-HMAC-SHA256 Credential=AKIDPROFILE/");
  }

  @Test
  void assumeRoleProfile_asksStsWithTheSourceProfileAndSignsWithTheSession() throws Exception {
    write("credentials", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = b\n");
    // The STS endpoint comes from the profile's services section (the SDK's endpoint_url setting).
    write(
        "config",
        "[profile wgmesh-role]\nrole_arn = "
            + ROLE
            + "\nsource_profile = base\nregion = us-east-1\nservices = local\n"
            + "[services local]\nsts =\n  endpoint_url = "
            + fake.endpoint()
            + "\n");
    System.setProperty("aws.profile", "wgmesh-role");

    publishOneRecord();

    assertThat(fake.stsRequests).hasSize(1);
    Route53Fake.StsRequest sts = fake.stsRequests.get(0);
    assertThat(sts.form()).containsEntry("Action", "AssumeRole").containsEntry("RoleArn", ROLE);
    assertThat(sts.authorization()).startsWith("AWS4-HMAC-SHA256 Credential=AKIDBASE/");
    assertThat(fake.lastAuthorization)
        .startsWith("AWS4-HMAC-SHA256 Credential=" + Route53Fake.STS_KEY_ID + "/");
    assertThat(fake.lastSecurityToken).isEqualTo(Route53Fake.STS_SESSION_TOKEN);
  }

  @Test
  void webIdentityTokenFile_isExchangedAtStsForSessionCredentials() throws Exception {
    // As on Kubernetes (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN), here as system properties.
    write("token", "eyJfake.web.identity");
    System.setProperty("aws.webIdentityTokenFile", dir.resolve("token").toString());
    System.setProperty("aws.roleArn", ROLE);
    System.setProperty("aws.region", "us-east-1");
    System.setProperty("aws.endpointUrlSts", fake.endpoint().toString());

    publishOneRecord();

    assertThat(fake.stsRequests).hasSize(1);
    assertThat(fake.stsRequests.get(0).form())
        .containsEntry("Action", "AssumeRoleWithWebIdentity")
        .containsEntry("RoleArn", ROLE)
        .containsEntry("WebIdentityToken", "eyJfake.web.identity");
    assertThat(fake.lastAuthorization)
        .startsWith("AWS4-HMAC-SHA256 Credential=" + Route53Fake.STS_KEY_ID + "/");
    assertThat(fake.lastSecurityToken).isEqualTo(Route53Fake.STS_SESSION_TOKEN);
  }

  @Test
  void ssoProfile_loadsTheSsoProviderAndAsksForALogin() throws Exception {
    // Without the sso and ssooidc modules the SDK says "the 'sso' service module must be on the
    // class path". With them it looks for the token `aws sso login` caches (under the user's
    // home, which a test cannot move within this JVM): none for this session, so it fails there.
    String session = "wgmesh-test-" + System.nanoTime();
    write(
        "config",
        "[profile wgmesh-sso]\nsso_session = "
            + session
            + "\nsso_account_id = 123456789012\nsso_role_name = wgpub\nregion = us-east-1\n"
            + "[sso-session "
            + session
            + "]\nsso_start_url = https://example.test/start\nsso_region = us-east-1\n");
    System.setProperty("aws.profile", "wgmesh-sso");

    assertThatThrownBy(this::publishOneRecord)
        .isInstanceOf(PublishException.class)
        .hasMessageNotContaining("must be on the class path")
        .hasMessageContaining("run aws sso login");
    assertThat(fake.changeRequests.get()).isZero();
  }
}
