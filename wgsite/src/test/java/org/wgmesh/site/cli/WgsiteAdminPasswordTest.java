package org.wgmesh.site.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.testing.CliRun;
import org.wgmesh.core.testing.CliRun.Result;
import org.wgmesh.site.admin.AdminPasswordFile;
import org.wgmesh.site.admin.PasswordHash;
import org.wgmesh.site.publish.TestSites;

/** {@code wgsite --admin-password NAME FILE}: the status page's admin passwords (issue 23). */
class WgsiteAdminPasswordTest {
  @TempDir Path dir;
  Path yaml;
  Path admins;

  Result run(String stdin, String... args) {
    return CliRun.run(WgsiteCommand::new, stdin, false, args);
  }

  @BeforeEach
  void setUp() {
    yaml = dir.resolve("wgmesh.yaml");
    TestSites.create(yaml, "zonefile:" + dir.resolve("mesh.zone"), 0);
    admins = AdminPasswordFile.beside(yaml);
  }

  @Test
  void setsAHash_0600_neverThePassword_andASecondUserKeepsTheFirst() throws Exception {
    Result r = run("correct horse battery staple\n", "--admin-password", "admin", yaml.toString());
    assertThat(r.rc()).as(r.err()).isZero();
    assertThat(r.out()).contains("admin admin: password set in " + admins);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(admins)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(admins)).contains("wgmesh-admins-1").doesNotContain("horse");
    assertThat(run("another long passphrase\n", "--admin-password", "ops", yaml.toString()).rc())
        .isZero();
    Map<String, String> users = AdminPasswordFile.read(admins);
    assertThat(users).containsOnlyKeys("admin", "ops");
    assertThat(
            PasswordHash.verify("correct horse battery staple".toCharArray(), users.get("admin")))
        .isTrue();
    assertThat(PasswordHash.verify("another long passphrase".toCharArray(), users.get("ops")))
        .isTrue();
  }

  @Test
  void badInput_exits4_badCombination2_brokenFile3_andNothingChanges() throws Exception {
    Result shortOne = run("short\n", "--admin-password", "admin", yaml.toString());
    assertThat(shortOne.rc()).isEqualTo(4);
    assertThat(shortOne.err()).contains("at least 12");
    Result empty = run("", "--admin-password", "admin", yaml.toString());
    assertThat(empty.rc()).isEqualTo(4);
    assertThat(empty.err()).contains("standard input");
    Result badName =
        run("correct horse battery staple\n", "--admin-password", "a b", yaml.toString());
    assertThat(badName.rc()).isEqualTo(4);
    assertThat(Files.exists(admins)).isFalse();
    assertThat(run("x\n", "--admin-password", "admin", "--status", yaml.toString()).rc())
        .isEqualTo(2);
    Files.writeString(admins, "{\"format\":\"wgmesh-admins-1\",\"users\":{\"admin\":\"md5:x\"}}");
    Result broken =
        run("correct horse battery staple\n", "--admin-password", "ops", yaml.toString());
    assertThat(broken.rc()).isEqualTo(3);
    assertThat(broken.err()).contains("users.admin");
    assertThat(Files.readString(admins)).contains("md5:x").doesNotContain("ops");
  }
}
