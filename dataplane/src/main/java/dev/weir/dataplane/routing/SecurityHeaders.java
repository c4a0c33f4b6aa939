package dev.weir.dataplane.routing;

/**
 * Security headers set on a route's responses (proto {@code SecurityHeaders}); a {@code null} value
 * means the header is not set. Immutable.
 *
 * @param strictTransportSecurity the HSTS value, sent only over TLS (RFC 6797 §7.2)
 * @param contentTypeNosniff whether {@code X-Content-Type-Options: nosniff} is sent
 * @param frameOptions the {@code X-Frame-Options} value (RFC 7034)
 * @param contentSecurityPolicy the {@code Content-Security-Policy} value
 * @param referrerPolicy the {@code Referrer-Policy} value
 * @param removeServerHeaders whether {@code Server} and {@code X-Powered-By} are removed
 */
public record SecurityHeaders(
    String strictTransportSecurity,
    boolean contentTypeNosniff,
    String frameOptions,
    String contentSecurityPolicy,
    String referrerPolicy,
    boolean removeServerHeaders) {}
