package org.wgmesh.site.enrolment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two writes that stand or fall together (site file and token store; queue and site file). */
class CommitsTest {
  @Test
  void whenTheSecondFails_theFirstIsUndone_andTheFailureSurfaces() {
    List<String> done = new ArrayList<>();
    assertThatThrownBy(
            () ->
                Commits.both(
                    () -> done.add("tokens"),
                    () -> done.remove("tokens"),
                    () -> {
                      throw new IllegalStateException("site file not written");
                    }))
        .hasMessage("site file not written");
    assertThat(done).isEmpty();
  }

  @Test
  void whenBothSucceed_bothStand() {
    List<String> done = new ArrayList<>();
    Commits.both(() -> done.add("tokens"), () -> done.remove("tokens"), () -> done.add("site"));
    assertThat(done).containsExactly("tokens", "site");
  }
}
