package dev.weir.controller.validate;

import java.io.ByteArrayOutputStream;

/**
 * Just enough ASN.1 DER (ITU-T X.690) to wrap legacy private keys in a PKCS#8 PrivateKeyInfo (RFC
 * 5208 §5), so the JDK's {@code KeyFactory} can read them without BouncyCastle. Stateless.
 */
final class Der {

  private static final int SEQUENCE = 0x30;
  private static final int OCTET_STRING = 0x04;
  private static final int CONTEXT_0 = 0xA0;

  /**
   * AlgorithmIdentifier rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters, RFC 8017 A.1.
   */
  private static final byte[] RSA_ALGORITHM = {
    0x30,
    0x0d,
    0x06,
    0x09,
    0x2a,
    (byte) 0x86,
    0x48,
    (byte) 0x86,
    (byte) 0xf7,
    0x0d,
    0x01,
    0x01,
    0x01,
    0x05,
    0x00
  };

  /** OBJECT IDENTIFIER id-ecPublicKey (1.2.840.10045.2.1), RFC 5480 §2.1.1. */
  private static final byte[] EC_PUBLIC_KEY_OID = {
    0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01
  };

  /** INTEGER 0: the PrivateKeyInfo version. */
  private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

  private Der() {}

  /** Wraps a PKCS#1 RSAPrivateKey (RFC 8017 A.1.2) in a PrivateKeyInfo. */
  static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
    return tlv(SEQUENCE, concat(VERSION_0, RSA_ALGORITHM, tlv(OCTET_STRING, pkcs1)));
  }

  /**
   * Wraps a SEC1 ECPrivateKey (RFC 5915 §3) in a PrivateKeyInfo; its named curve, in the {@code [0]
   * parameters} field, becomes the AlgorithmIdentifier's parameter (RFC 5480 §2.1.1). Throws {@link
   * IllegalArgumentException} when the key names no curve or is malformed.
   */
  static byte[] sec1ToPkcs8(byte[] sec1) {
    int[] header = header(sec1, 0);
    if ((sec1[0] & 0xff) != SEQUENCE) {
      throw new IllegalArgumentException("not a SEQUENCE");
    }
    int at = header[0];
    int end = at + header[1];
    byte[] curve = null;
    while (at < end) {
      int[] h = header(sec1, at);
      if ((sec1[at] & 0xff) == CONTEXT_0) {
        curve = java.util.Arrays.copyOfRange(sec1, h[0], h[0] + h[1]);
      }
      at = h[0] + h[1];
    }
    if (curve == null || curve.length == 0 || curve[0] != 0x06) {
      throw new IllegalArgumentException("EC key without a named curve");
    }
    byte[] algorithm = tlv(SEQUENCE, concat(EC_PUBLIC_KEY_OID, curve));
    return tlv(SEQUENCE, concat(VERSION_0, algorithm, tlv(OCTET_STRING, sec1)));
  }

  /** Returns {contentStart, contentLength} of the TLV at {@code at}. */
  private static int[] header(byte[] der, int at) {
    if (at + 2 > der.length) {
      throw new IllegalArgumentException("truncated");
    }
    int len = der[at + 1] & 0xff;
    int start = at + 2;
    if (len >= 0x80) {
      int n = len & 0x7f;
      if (n == 0 || n > 3 || start + n > der.length) {
        throw new IllegalArgumentException("bad length");
      }
      len = 0;
      for (int i = 0; i < n; i++) {
        len = (len << 8) | (der[start + i] & 0xff);
      }
      start += n;
    }
    if (start + len > der.length) {
      throw new IllegalArgumentException("truncated");
    }
    return new int[] {start, len};
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int len = content.length;
    if (len < 0x80) {
      out.write(len);
    } else if (len < 0x100) {
      out.write(0x81);
      out.write(len);
    } else if (len < 0x10000) {
      out.write(0x82);
      out.write(len >> 8);
      out.write(len);
    } else {
      out.write(0x83);
      out.write(len >> 16);
      out.write(len >> 8);
      out.write(len);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
