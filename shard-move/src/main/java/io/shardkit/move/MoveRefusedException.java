package io.shardkit.move;

import io.shardkit.router.ShardException;

/** A move or an import that cannot be done as asked, refused before anything changed; the message says why and what to do. */
public final class MoveRefusedException extends ShardException {
    public MoveRefusedException(String message) {
        super(Code.CONFIG, message);
    }
}
