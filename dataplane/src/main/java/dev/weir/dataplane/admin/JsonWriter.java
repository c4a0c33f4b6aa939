package dev.weir.dataplane.admin;

import java.util.List;

/**
 * A minimal streaming JSON writer for the admin endpoints, so that the data plane needs no JSON
 * library. Commas are placed automatically; the caller keeps names and values balanced.
 *
 * <p>Not thread-safe: one writer per response.
 */
final class JsonWriter {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final StringBuilder out = new StringBuilder(256);
  private boolean needComma;

  JsonWriter beginObject() {
    separate();
    out.append('{');
    needComma = false;
    return this;
  }

  JsonWriter endObject() {
    out.append('}');
    needComma = true;
    return this;
  }

  /** Writes a member name; the next call writes its value. */
  JsonWriter name(String name) {
    separate();
    quote(name);
    out.append(':');
    needComma = false;
    return this;
  }

  JsonWriter value(String value) {
    separate();
    quote(value);
    needComma = true;
    return this;
  }

  JsonWriter value(long value) {
    separate();
    out.append(value);
    needComma = true;
    return this;
  }

  JsonWriter value(boolean value) {
    separate();
    out.append(value);
    needComma = true;
    return this;
  }

  JsonWriter value(List<String> values) {
    separate();
    out.append('[');
    needComma = false;
    for (String v : values) {
      value(v);
    }
    out.append(']');
    needComma = true;
    return this;
  }

  @Override
  public String toString() {
    return out.toString();
  }

  private void separate() {
    if (needComma) {
      out.append(',');
    }
  }

  // RFC 8259 §7: '"', '\' and the control characters U+0000..U+001F must be escaped. Surrogates
  // are escaped too, so that a lone one cannot turn into invalid UTF-8 on the wire, and U+2028 and
  // U+2029 so that the output is also safe inside JavaScript.
  private void quote(String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || Character.isSurrogate(c) || c == '\u2028' || c == '\u2029') {
            out.append("\\u")
                .append(HEX[(c >> 12) & 0xF])
                .append(HEX[(c >> 8) & 0xF])
                .append(HEX[(c >> 4) & 0xF])
                .append(HEX[c & 0xF]);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
