package io.shardkit.query.differential;

import java.util.List;
import java.util.Locale;

/**
 * A construct the generator puts in a query on purpose because a fan-out may refuse it, with the names
 * {@link io.shardkit.query.UnsupportedFanOutException#construct()} may give it. A refusal naming some other construct
 * means the fan-out refused for the wrong reason, which the harness reports as a failure.
 */
enum Refusable {
    COUNT_DISTINCT("COUNT(DISTINCT)", "DISTINCT aggregate"),
    WINDOW_FUNCTION("window function", "window"),
    LIMIT_PERCENT("LIMIT PERCENT", "PERCENT"),
    WITH_TIES("WITH TIES");

    private final List<String> names;

    Refusable(String... names) {
        this.names = List.of(names);
    }

    /** The name the fan-out's exception documents, e.g. {@code COUNT(DISTINCT)}. */
    String displayName() {
        return names.getFirst();
    }

    /**
     * Whether a refusal naming {@code construct} is a refusal of this: case, blanks and punctuation are ignored, and
     * the refused name may say more than one of ours ("FETCH FIRST n ROWS WITH TIES" is WITH TIES, "window functions"
     * is window function) but not less ("COUNT" is not COUNT(DISTINCT)).
     */
    boolean accepts(String construct) {
        String actual = normalize(construct);
        return names.stream().map(Refusable::normalize).anyMatch(actual::contains);
    }

    private static String normalize(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }
}
