package dev.weir.controller.translate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class Ipv4LiteralTest {

  /** The regular expression the parser replaced: the two must agree on every input. */
  private static final Pattern REGEX =
      Pattern.compile(
          "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

  @Test
  void acceptsDottedQuadsAndRejectsTheRest() {
    assertThat(Ipv4Literal.matches("10.0.0.1")).isTrue();
    assertThat(Ipv4Literal.matches("255.255.255.255")).isTrue();
    assertThat(Ipv4Literal.matches("0.0.0.0")).isTrue();
    for (String bad :
        new String[] {
          "",
          "1.2.3",
          "1.2.3.4.",
          "1.2.3.4.5",
          "256.1.1.1",
          "01.2.3.4",
          "1..2.3",
          "1.2.3.1000",
          "a.b.c.d",
          " 1.2.3.4",
          "1.2.3.4 ",
          "::1",
          "1.2.3.-4"
        }) {
      assertThat(Ipv4Literal.matches(bad)).as(bad).isFalse();
    }
  }

  @Test
  void agreesWithTheRegularExpressionOnRandomInput() {
    Random random = new Random(7);
    String alphabet = "0123456789.0125.";
    for (int i = 0; i < 200_000; i++) {
      StringBuilder s = new StringBuilder();
      if (i % 2 == 0) {
        int n = random.nextInt(17);
        for (int k = 0; k < n; k++) {
          s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
      } else {
        // Near-quads: 3 to 5 parts of 0 to 300, some with a leading zero.
        int parts = 3 + random.nextInt(3);
        for (int k = 0; k < parts; k++) {
          s.append(k == 0 ? "" : ".").append(random.nextInt(10) == 0 ? "0" : "");
          s.append(random.nextInt(301));
        }
      }
      String in = s.toString();
      assertThat(Ipv4Literal.matches(in)).as(in).isEqualTo(REGEX.matcher(in).matches());
    }
  }
}
