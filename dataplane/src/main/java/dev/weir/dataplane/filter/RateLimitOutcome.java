package dev.weir.dataplane.filter;

/**
 * A rate limit's verdict on one request, sent back in the {@code RateLimit-Policy} and {@code
 * RateLimit} fields (draft-ietf-httpapi-ratelimit-headers: {@code "name";q=quota;w=window} and
 * {@code "name";r=remaining;t=reset}, seconds). Immutable.
 *
 * @param allowed whether the request took a token
 * @param quota tokens per window
 * @param windowSeconds the window, seconds (rounded up)
 * @param remaining tokens left after this request
 * @param resetSeconds seconds until the next token, rounded up; also the 429's Retry-After
 */
public record RateLimitOutcome(
    boolean allowed, long quota, long windowSeconds, long remaining, long resetSeconds) {}
