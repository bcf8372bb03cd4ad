package io.shardkit.samples.orders;

/** A request the service refuses as it stands; its message says what is wrong and what is allowed (HTTP 400). */
public class BadRequestException extends RuntimeException {
    public BadRequestException(String message) {
        super(message);
    }
}
