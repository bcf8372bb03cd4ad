package io.shardkit.samples.orders;

import io.shardkit.router.ShardException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/** Errors as RFC 9457 problem details whose {@code detail} says what was wrong and what is allowed. */
@RestControllerAdvice
class ApiErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    @ExceptionHandler
    ProblemDetail badRequest(BadRequestException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    /** A path or query value of the wrong type: {@code /customers/abc/orders}, {@code ?limit=ten}. */
    @ExceptionHandler
    ProblemDetail wrongType(MethodArgumentTypeMismatchException e) {
        String expected = e.getRequiredType() == null ? "another type" : switch (e.getRequiredType().getName()) {
            case "long", "int" -> "a whole number";
            default -> "a " + e.getRequiredType().getSimpleName();
        };
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                words(e.getName()) + " must be " + expected + ", got '" + e.getValue() + "'");
    }

    /** {@code customerId} as {@code customer id}. */
    private static String words(String parameter) {
        return parameter.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
    }

    /** A body that is missing, not JSON, or whose values do not fit (a string where the amount goes). */
    @ExceptionHandler
    ProblemDetail unreadableBody(HttpMessageNotReadableException e) {
        String cause = e.getMostSpecificCause().getMessage();
        String firstLine = cause == null ? "" : cause.lines().findFirst().orElse("");
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "the body must be a JSON order like "
                + "{\"amount\": 19.99, \"status\": \"NEW\"}: " + firstLine);
    }

    /**
     * A shard that did not answer, timed out or is moving: the service is up, that data is not reachable now (503,
     * worth a retry). Any other Shardkit failure is a fault of the service (500).
     */
    @ExceptionHandler
    ProblemDetail shardFailure(ShardException e) {
        boolean transientFailure = switch (e.code()) {
            case DATABASE, TIMEOUT, MOVED, CLOSED, INTERRUPTED -> true;
            default -> false;
        };
        LOG.warn("{}", e.getMessage(), transientFailure ? null : e);
        return ProblemDetail.forStatusAndDetail(transientFailure ? HttpStatus.SERVICE_UNAVAILABLE
                : HttpStatus.INTERNAL_SERVER_ERROR, e.getMessage());
    }
}
