package dev.weir.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderModifierTest {

  @Test
  void setThenAddThenRemoveWithCaseInsensitiveNames() {
    HttpHeaders h = new DefaultHttpHeaders();
    h.add("X-Set", "old1").add("x-set", "old2").add("X-Add", "kept").add("X-Gone", "g");
    HeaderModifier m =
        new HeaderModifier(
            List.of(new HeaderModifier.Header("x-SET", "new")),
            List.of(
                new HeaderModifier.Header("x-add", "more"),
                new HeaderModifier.Header("X-Both", "added")),
            List.of("x-gone", "x-both"));
    m.apply(h);
    assertThat(h.getAll("x-set")).containsExactly("new");
    assertThat(h.getAll("x-add")).containsExactly("kept", "more");
    // Remove runs last, so a header added by the same modifier is removed again.
    assertThat(h.contains("x-both")).isFalse();
    assertThat(h.contains("x-gone")).isFalse();
  }

  @Test
  void setReplacesWhatAnEarlierModifierAdded() {
    HttpHeaders h = new DefaultHttpHeaders();
    new HeaderModifier(List.of(), List.of(new HeaderModifier.Header("x-r", "route")), List.of())
        .apply(h);
    new HeaderModifier(List.of(new HeaderModifier.Header("x-r", "backend")), List.of(), List.of())
        .apply(h);
    assertThat(h.getAll("x-r")).containsExactly("backend");
    assertThat(HeaderModifier.NONE.isEmpty()).isTrue();
  }
}
