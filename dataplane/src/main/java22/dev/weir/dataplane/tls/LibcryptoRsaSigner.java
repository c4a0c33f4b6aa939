package dev.weir.dataplane.tls;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.netty.handler.ssl.OpenSslPrivateKeyMethod;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Cleaner;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * Signs TLS handshakes for an RSA key with the system's OpenSSL 3 ({@code libcrypto.so.3}), through
 * the Foreign Function API, in place of BoringSSL's own RSA.
 *
 * <p>Why: OpenSSL 3 has an AVX-512 IFMA implementation of 2048-bit RSA that BoringSSL lacks. On a
 * CPU with IFMA (Intel Ice Lake and later, AMD Zen 4 and later) an RSA-2048 signature takes about
 * 260 µs instead of about 600 µs, and the signature is most of a full RSA handshake's cost.
 * BoringSSL still does everything else; only the private-key operation comes here.
 *
 * <p>Compiled with {@code --release 22} (the Foreign Function API is final in Java 22) and loaded
 * by name only on a Java 22 or newer runtime ({@link ServerSslContexts}); on Java 21 BoringSSL
 * signs. The key is parsed once into an {@code EVP_PKEY}, which a {@link Cleaner} frees when this
 * signer is unreachable; OpenSSL 3 allows concurrent signing with one {@code EVP_PKEY}, so one
 * signer serves every I/O thread.
 */
@SuppressWarnings("restricted") // native access: the launcher and images enable it
public final class LibcryptoRsaSigner implements OpenSslPrivateKeyMethod {

  private static final Cleaner cleaner = Cleaner.create();
  private static final int EVP_PKEY_RSA = 6;
  private static final int RSA_PKCS1_PADDING = 1;
  private static final int RSA_PKCS1_PSS_PADDING = 6;
  private static final int RSA_PSS_SALTLEN_DIGEST = -1;

  /** TLS SignatureScheme (RFC 8446 §4.2.3) to OpenSSL digest function and RSA padding. */
  private record Scheme(String digest, int padding) {}

  private static final Map<Integer, Scheme> schemes =
      Map.of(
          SSL_SIGN_RSA_PKCS1_SHA1, new Scheme("EVP_sha1", RSA_PKCS1_PADDING),
          SSL_SIGN_RSA_PKCS1_SHA256, new Scheme("EVP_sha256", RSA_PKCS1_PADDING),
          SSL_SIGN_RSA_PKCS1_SHA384, new Scheme("EVP_sha384", RSA_PKCS1_PADDING),
          SSL_SIGN_RSA_PKCS1_SHA512, new Scheme("EVP_sha512", RSA_PKCS1_PADDING),
          SSL_SIGN_RSA_PSS_RSAE_SHA256, new Scheme("EVP_sha256", RSA_PKCS1_PSS_PADDING),
          SSL_SIGN_RSA_PSS_RSAE_SHA384, new Scheme("EVP_sha384", RSA_PKCS1_PSS_PADDING),
          SSL_SIGN_RSA_PSS_RSAE_SHA512, new Scheme("EVP_sha512", RSA_PKCS1_PSS_PADDING));

  private final Libcrypto lib;
  private final MemorySegment key;
  private final int signatureSize;

  private LibcryptoRsaSigner(Libcrypto lib, MemorySegment key, int signatureSize) {
    this.lib = lib;
    this.key = key;
    this.signatureSize = signatureSize;
  }

  /**
   * A signer for a PEM private key, or empty when the system has no OpenSSL 3 or the key is not an
   * unencrypted RSA key. Called reflectively by {@link SystemRsaSigning}.
   */
  public static Optional<OpenSslPrivateKeyMethod> forKey(byte[] keyPem) {
    Libcrypto lib = Libcrypto.INSTANCE;
    if (lib == null) {
      return Optional.empty();
    }
    MemorySegment key = lib.readPrivateKey(keyPem);
    if (key.equals(MemorySegment.NULL)) {
      return Optional.empty();
    }
    if (lib.baseId(key) != EVP_PKEY_RSA) {
      lib.freeKey(key);
      return Optional.empty();
    }
    LibcryptoRsaSigner signer = new LibcryptoRsaSigner(lib, key, lib.size(key));
    cleaner.register(signer, () -> lib.freeKey(key));
    return Optional.of(signer);
  }

  /** Names the library, for the log: "the system's OpenSSL 3.0.19 27 Jan 2026". */
  @Override
  public String toString() {
    return "the system's " + lib.version();
  }

  @Override
  public byte[] sign(SSLEngine engine, int signatureAlgorithm, byte[] input) throws Exception {
    Scheme scheme = schemes.get(signatureAlgorithm);
    if (scheme == null) {
      throw new SSLException(
          "unsupported RSA signature algorithm 0x" + Integer.toHexString(signatureAlgorithm));
    }
    return lib.sign(key, lib.md(scheme.digest()), scheme.padding(), input, signatureSize);
  }

  /**
   * Never called: Weir's server contexts offer only ECDHE cipher suites, so no client encrypts a
   * premaster secret to the RSA key.
   */
  @Override
  public byte[] decrypt(SSLEngine engine, byte[] input) throws SSLException {
    throw new SSLException("RSA key exchange is not offered");
  }

  /** The downcalls into {@code libcrypto.so.3}; {@link #INSTANCE} is null when it cannot load. */
  private static final class Libcrypto {

    static final Libcrypto INSTANCE = load();

    private final SymbolLookup symbols;
    private final MethodHandle versionText;
    private final MethodHandle bioNewMemBuf;
    private final MethodHandle bioFree;
    private final MethodHandle pemReadPrivateKey;
    private final MethodHandle pkeyBaseId;
    private final MethodHandle pkeySize;
    private final MethodHandle pkeyFree;
    private final MethodHandle mdCtxNew;
    private final MethodHandle mdCtxFree;
    private final MethodHandle digestSignInit;
    private final MethodHandle setRsaPadding;
    private final MethodHandle setPssSaltLength;
    private final MethodHandle digestSign;
    private final MethodHandle errClear;
    private final Map<String, MemorySegment> digests = new java.util.HashMap<>();

    private Libcrypto(SymbolLookup symbols) throws Throwable {
      this.symbols = symbols;
      versionText = handle("OpenSSL_version", FunctionDescriptor.of(ADDRESS, JAVA_INT));
      bioNewMemBuf = handle("BIO_new_mem_buf", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
      bioFree = handle("BIO_free", FunctionDescriptor.of(JAVA_INT, ADDRESS));
      pemReadPrivateKey =
          handle(
              "PEM_read_bio_PrivateKey",
              FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
      pkeyBaseId = handle("EVP_PKEY_get_base_id", FunctionDescriptor.of(JAVA_INT, ADDRESS));
      pkeySize = handle("EVP_PKEY_get_size", FunctionDescriptor.of(JAVA_INT, ADDRESS));
      pkeyFree = handle("EVP_PKEY_free", FunctionDescriptor.ofVoid(ADDRESS));
      mdCtxNew = handle("EVP_MD_CTX_new", FunctionDescriptor.of(ADDRESS));
      mdCtxFree = handle("EVP_MD_CTX_free", FunctionDescriptor.ofVoid(ADDRESS));
      digestSignInit =
          handle(
              "EVP_DigestSignInit",
              FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
      setRsaPadding =
          handle(
              "EVP_PKEY_CTX_set_rsa_padding", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
      setPssSaltLength =
          handle(
              "EVP_PKEY_CTX_set_rsa_pss_saltlen",
              FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
      digestSign =
          handle(
              "EVP_DigestSign",
              FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
      errClear = handle("ERR_clear_error", FunctionDescriptor.ofVoid());
      for (String name : new String[] {"EVP_sha1", "EVP_sha256", "EVP_sha384", "EVP_sha512"}) {
        digests.put(
            name, (MemorySegment) handle(name, FunctionDescriptor.of(ADDRESS)).invokeExact());
      }
    }

    private static Libcrypto load() {
      try {
        return new Libcrypto(SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global()));
      } catch (Throwable e) {
        // No OpenSSL 3 here (or native access is denied): BoringSSL signs.
        return null;
      }
    }

    private MethodHandle handle(String name, FunctionDescriptor descriptor) {
      MemorySegment symbol =
          symbols.find(name).orElseThrow(() -> new IllegalStateException("no " + name));
      return Linker.nativeLinker().downcallHandle(symbol, descriptor);
    }

    String version() {
      try {
        MemorySegment text = (MemorySegment) versionText.invokeExact(0);
        return text.reinterpret(256).getString(0);
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    }

    MemorySegment md(String name) {
      return digests.get(name);
    }

    /** The EVP_PKEY, or NULL when the PEM holds no key OpenSSL reads without a passphrase. */
    MemorySegment readPrivateKey(byte[] pem) {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment buffer = arena.allocateFrom(JAVA_BYTE, pem);
        try {
          return readPrivateKey(buffer, pem.length, arena);
        } finally {
          buffer.fill((byte) 0); // the key's text does not linger in freed native memory
        }
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    }

    private MemorySegment readPrivateKey(MemorySegment pem, int length, Arena arena)
        throws Throwable {
      MemorySegment bio = (MemorySegment) bioNewMemBuf.invokeExact(pem, length);
      if (bio.equals(MemorySegment.NULL)) {
        return MemorySegment.NULL;
      }
      try {
        // An empty passphrase (not a NULL one, which would prompt on the terminal): an encrypted
        // key fails to read and BoringSSL keeps it.
        MemorySegment key =
            (MemorySegment)
                pemReadPrivateKey.invokeExact(
                    bio, MemorySegment.NULL, MemorySegment.NULL, arena.allocateFrom(""));
        if (key.equals(MemorySegment.NULL)) {
          errClear.invokeExact();
        }
        return key;
      } finally {
        int ignored = (int) bioFree.invokeExact(bio);
      }
    }

    int baseId(MemorySegment key) {
      try {
        return (int) pkeyBaseId.invokeExact(key);
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    }

    int size(MemorySegment key) {
      try {
        return (int) pkeySize.invokeExact(key);
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    }

    void freeKey(MemorySegment key) {
      try {
        pkeyFree.invokeExact(key);
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    }

    byte[] sign(MemorySegment key, MemorySegment md, int padding, byte[] input, int maxSize)
        throws SSLException {
      MemorySegment ctx;
      try {
        ctx = (MemorySegment) mdCtxNew.invokeExact();
      } catch (Throwable e) {
        throw new SSLException(e);
      }
      if (ctx.equals(MemorySegment.NULL)) {
        throw new SSLException("EVP_MD_CTX_new failed");
      }
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment pkeyCtx = arena.allocate(ADDRESS);
        MemorySegment tbs = arena.allocateFrom(JAVA_BYTE, input);
        MemorySegment signature = arena.allocate(maxSize);
        MemorySegment length = arena.allocateFrom(JAVA_LONG, maxSize);
        int ok = (int) digestSignInit.invokeExact(ctx, pkeyCtx, md, MemorySegment.NULL, key);
        MemorySegment pctx = pkeyCtx.get(ADDRESS, 0);
        ok = ok == 1 ? (int) setRsaPadding.invokeExact(pctx, padding) : ok;
        if (ok == 1 && padding == RSA_PKCS1_PSS_PADDING) {
          ok = (int) setPssSaltLength.invokeExact(pctx, RSA_PSS_SALTLEN_DIGEST);
        }
        ok =
            ok == 1
                ? (int) digestSign.invokeExact(ctx, signature, length, tbs, (long) input.length)
                : ok;
        if (ok != 1) {
          errClear.invokeExact();
          throw new SSLException("OpenSSL could not sign with the RSA key");
        }
        return signature.asSlice(0, length.get(JAVA_LONG, 0)).toArray(JAVA_BYTE);
      } catch (SSLException e) {
        throw e;
      } catch (Throwable e) {
        throw new SSLException(e);
      } finally {
        try {
          mdCtxFree.invokeExact(ctx);
        } catch (Throwable e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }
}
