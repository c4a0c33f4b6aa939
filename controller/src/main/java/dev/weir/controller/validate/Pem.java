package dev.weir.controller.validate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** RFC 7468 PEM blocks: reading ("textual encoding") and writing. Stateless. */
final class Pem {

  /**
   * One decoded block.
   *
   * @param type the label, for example "CERTIFICATE"
   * @param der the decoded body
   */
  record Block(String type, byte[] der) {}

  private static final String BEGIN = "-----BEGIN ";
  private static final String END = "-----END ";

  private Pem() {}

  /**
   * The blocks of {@code pem}, in order; text between blocks is ignored (RFC 7468 §2 allows
   * explanatory text). Throws {@link IllegalArgumentException} on a malformed block.
   */
  static List<Block> blocks(byte[] pem) {
    String text = new String(pem, StandardCharsets.US_ASCII);
    List<Block> blocks = new ArrayList<>();
    int at = 0;
    while (true) {
      int begin = text.indexOf(BEGIN, at);
      if (begin < 0) {
        return blocks;
      }
      int labelEnd = text.indexOf("-----", begin + BEGIN.length());
      if (labelEnd < 0) {
        throw new IllegalArgumentException("unterminated PEM header");
      }
      String type = text.substring(begin + BEGIN.length(), labelEnd);
      String footer = END + type + "-----";
      int end = text.indexOf(footer, labelEnd + 5);
      if (end < 0) {
        throw new IllegalArgumentException("missing PEM footer");
      }
      String body = text.substring(labelEnd + 5, end);
      if (body.contains(":")) {
        // RFC 1421 headers ("Proc-Type: 4,ENCRYPTED") mark an encrypted legacy key.
        throw new IllegalArgumentException("PEM headers are not supported");
      }
      blocks.add(new Block(type, Base64.getMimeDecoder().decode(body.strip())));
      at = end + footer.length();
    }
  }

  /** Encodes {@code der} as one PEM block with 64-character lines (RFC 7468 §2). */
  static String encode(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return BEGIN + type + "-----\n" + body + "\n" + END + type + "-----\n";
  }
}
