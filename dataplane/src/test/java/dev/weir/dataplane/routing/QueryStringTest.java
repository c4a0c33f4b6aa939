package dev.weir.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueryStringTest {

  @Test
  void firstValueOfARepeatedParameterWins() {
    assertThat(QueryString.parse("a=1&b=2&a=3")).containsEntry("a", "1").containsEntry("b", "2");
  }

  @Test
  void namesAndValuesArePercentDecodedAsUtf8() {
    assertThat(QueryString.parse("na%6De=x%20y%2Fz&u=%C3%A9"))
        .containsEntry("name", "x y/z")
        .containsEntry("u", "é");
  }

  @Test
  void plusStaysAPlusAndMalformedEscapesAreKept() {
    assertThat(QueryString.parse("p=a+b&m=%zz&t=%4"))
        .containsEntry("p", "a+b")
        .containsEntry("m", "%zz")
        .containsEntry("t", "%4");
  }

  @Test
  void parametersWithoutValueAndEmptyPiecesAreHandled() {
    assertThat(QueryString.parse("flag&&x="))
        .containsEntry("flag", "")
        .containsEntry("x", "")
        .hasSize(2);
    assertThat(QueryString.parse(null)).isEmpty();
    assertThat(QueryString.parse("")).isEmpty();
  }
}
