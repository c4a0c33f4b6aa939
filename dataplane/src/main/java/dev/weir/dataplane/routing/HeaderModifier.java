package dev.weir.dataplane.routing;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Objects;

/**
 * A compiled {@code HeaderModifier}: set, then add, then remove, the order of the Gateway API's
 * HTTPHeaderFilter. Field names are case-insensitive (RFC 9110 §5.1), which Netty's headers already
 * are. Immutable; any thread.
 *
 * @param set fields whose values are replaced (or created)
 * @param add fields appended as further field lines, keeping existing ones (RFC 9110 §5.3)
 * @param remove names of fields to remove
 */
public record HeaderModifier(List<Header> set, List<Header> add, List<String> remove) {

  /** Changes nothing. */
  public static final HeaderModifier NONE = new HeaderModifier(List.of(), List.of(), List.of());

  public HeaderModifier {
    set = List.copyOf(set);
    add = List.copyOf(add);
    remove = List.copyOf(remove);
  }

  /**
   * One field.
   *
   * @param name the field name
   * @param value the field value
   */
  public record Header(String name, String value) {
    public Header {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }
  }

  /** Whether applying this changes nothing. */
  public boolean isEmpty() {
    return set.isEmpty() && add.isEmpty() && remove.isEmpty();
  }

  /** Applies this to {@code headers} in place. */
  public void apply(HttpHeaders headers) {
    for (int i = 0; i < set.size(); i++) {
      headers.set(set.get(i).name(), set.get(i).value());
    }
    for (int i = 0; i < add.size(); i++) {
      headers.add(add.get(i).name(), add.get(i).value());
    }
    for (int i = 0; i < remove.size(); i++) {
      headers.remove(remove.get(i));
    }
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    set.forEach(h -> out.append(" set ").append(h.name()).append('=').append(h.value()));
    add.forEach(h -> out.append(" add ").append(h.name()).append('=').append(h.value()));
    remove.forEach(n -> out.append(" remove ").append(n));
    return out.toString().trim();
  }
}
