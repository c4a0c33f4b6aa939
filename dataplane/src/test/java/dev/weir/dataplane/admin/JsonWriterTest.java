package dev.weir.dataplane.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class JsonWriterTest {

  @Test
  void stringsAreEscapedPerRfc8259() {
    String json =
        new JsonWriter()
            .beginObject()
            .name("s")
            .value("q\" b\\ n\n t\t c\u0001 ls\u2028 lone\ud800")
            .endObject()
            .toString();

    assertThat(json).isEqualTo("{\"s\":\"q\\\" b\\\\ n\\n t\\t c\\u0001 ls\\u2028 lone\\ud800\"}");
  }

  @Test
  void membersArraysAndNestedObjectsAreCommaSeparated() {
    String json =
        new JsonWriter()
            .beginObject()
            .name("a")
            .value(1)
            .name("b")
            .value(List.of("x", "y"))
            .name("c")
            .beginObject()
            .name("d")
            .value(true)
            .endObject()
            .name("e")
            .value(List.of())
            .endObject()
            .toString();

    assertThat(json).isEqualTo("{\"a\":1,\"b\":[\"x\",\"y\"],\"c\":{\"d\":true},\"e\":[]}");
  }
}
