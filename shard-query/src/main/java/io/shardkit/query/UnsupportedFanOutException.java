package io.shardkit.query;

import io.shardkit.router.ShardException;

/**
 * A query whose cross-shard answer Shardkit cannot compute exactly, refused before it runs anywhere. The message
 * names the construct and what to do instead; {@link #construct()} names it for code.
 */
public final class UnsupportedFanOutException extends ShardException {
    private final String construct;

    public UnsupportedFanOutException(String construct, String message) {
        super(Code.UNSUPPORTED, "cannot fan out this query: " + construct + " — " + message);
        this.construct = construct;
    }

    /** The refused construct, e.g. {@code COUNT(DISTINCT)}, {@code LIMIT PERCENT}, {@code window function}. */
    public String construct() {
        return construct;
    }
}
