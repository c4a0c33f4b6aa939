package dev.weir.controller.model;

import java.util.List;
import java.util.Objects;

/**
 * Header changes applied to a request or a response (Gateway API RequestHeaderModifier and
 * ResponseHeaderModifier filters).
 *
 * @param set headers replaced (or added when absent)
 * @param add values appended, keeping existing ones
 * @param remove header names removed, lower case
 */
public record HeaderModifier(List<Header> set, List<Header> add, List<String> remove) {

  /** No change. */
  public static final HeaderModifier NONE = new HeaderModifier(List.of(), List.of(), List.of());

  public HeaderModifier {
    set = List.copyOf(set);
    add = List.copyOf(add);
    remove = List.copyOf(remove);
  }

  /** True when this modifier changes nothing. */
  public boolean isEmpty() {
    return set.isEmpty() && add.isEmpty() && remove.isEmpty();
  }

  /**
   * One header.
   *
   * @param name the header name as given
   * @param value its value
   */
  public record Header(String name, String value) {
    public Header {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }
  }
}
