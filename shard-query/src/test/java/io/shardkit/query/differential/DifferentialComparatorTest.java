package io.shardkit.query.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.query.differential.ResultComparator.Comparison;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The comparator on plain values: each strictness accepts what the database may return and nothing else. */
class DifferentialComparatorTest {
    static final List<String> COLUMNS = List.of("id", "status", "total");
    static final Supplier<List<List<Object>>> NO_COMPLETE_ANSWER = () -> {
        throw new AssertionError("the complete answer is only needed when a LIMIT may cut ties");
    };

    static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }

    static Comparison compare(ResultShape shape, List<List<Object>> expected, List<List<Object>> actual) {
        return ResultComparator.compare(shape, COLUMNS, expected, actual, NO_COMPLETE_ANSWER);
    }

    // ---- total order -------------------------------------------------------------------------------------------

    @Test
    void aTotalOrderAcceptsTheSameRowsInTheSameOrder() {
        List<List<Object>> rows = List.of(row(1L, "a", dec("1.00")), row(2L, null, null));
        assertEquals(Comparison.EQUAL, compare(ResultShape.total(), rows, List.copyOf(rows)));
    }

    @Test
    void aTotalOrderDetectsTwoSwappedRows() {
        Comparison c = compare(ResultShape.total(),
                List.of(row(1L, "a", dec("1.00")), row(2L, "b", dec("2.00"))),
                List.of(row(2L, "b", dec("2.00")), row(1L, "a", dec("1.00"))));
        assertFalse(c.equal());
        assertEquals("row 0 differs (ORDER BY is total) (the same rows, in another order): expected [1, 'a', 1.00], "
                + "got [2, 'b', 2.00]; id: expected 1 (Long), got 2 (Long); status: expected 'a' (String), got 'b' (String); "
                + "total: expected 1.00 (BigDecimal scale 2), got 2.00 (BigDecimal scale 2)", c.difference());
    }

    @Test
    void everyDecimalMustHaveTheDatabasesScaleNotOnlyItsValue() {
        assertFalse(compare(ResultShape.total(), List.of(row(1L, "a", dec("10.00"))), List.of(row(1L, "a", dec("1E+1")))).equal());
        assertFalse(compare(ResultShape.total(), List.of(row(1L, "a", dec("0.00"))), List.of(row(1L, "a", dec("0")))).equal());
        assertFalse(compare(ResultShape.unordered(), List.of(row(1L, "a", dec("10.00"))), List.of(row(1L, "a", dec("10.0")))).equal());
        assertTrue(compare(ResultShape.total(), List.of(row(1L, "a", dec("10.00"))), List.of(row(1L, "a", dec("10.00")))).equal());
    }

    @Test
    void anAvgColumnMustHaveTheDatabasesScale() {
        ResultShape avg = ResultShape.total();
        Comparison c = compare(avg, List.of(row(1L, "a", dec("7.3125000000000000"))), List.of(row(1L, "a", dec("7.3125"))));
        assertFalse(c.equal());
        assertEquals("row 0 differs (ORDER BY is total): expected [1, 'a', 7.3125000000000000], got [1, 'a', 7.3125]; "
                + "total: expected 7.3125000000000000 (BigDecimal scale 16), got 7.3125 (BigDecimal scale 4) — same value, "
                + "different scale (total must have the database's scale)", c.difference());
        assertTrue(compare(avg, List.of(row(1L, "a", dec("7.3125000000000000"))),
                List.of(row(1L, "a", dec("7.3125000000000000")))).equal());
    }

    @Test
    void aTypeMismatchIsReportedAsSuch() {
        Comparison c = compare(ResultShape.total(), List.of(row(1L, "a", dec("2.5"))), List.of(row(1, "a", 2.5d)));
        assertEquals("type mismatch in column 0 (id): the single database returns java.lang.Long, the fan-out java.lang.Integer",
                c.difference());
    }

    @Test
    void nullIsNotZeroNorTheEmptyString() {
        assertFalse(compare(ResultShape.total(), List.of(row(1L, null, null)), List.of(row(1L, null, dec("0")))).equal());
        assertFalse(compare(ResultShape.total(), List.of(row(1L, null, null)), List.of(row(1L, "", null))).equal());
    }

    @Test
    void aRowOfTheWrongWidthIsReported() {
        Comparison c = compare(ResultShape.unordered(), List.of(row(1L, "a", null)), List.of(row(1L, "a")));
        assertEquals("expected 3 columns [id, status, total], got 2 in row 0: [1, 'a']", c.difference());
    }

    // ---- no order: multisets -----------------------------------------------------------------------------------

    @Test
    void withoutOrderByAnyOrderOfTheSameRowsIsEqual() {
        assertTrue(compare(ResultShape.unordered(),
                List.of(row(1L, "a", null), row(2L, "b", null), row(2L, "b", null)),
                List.of(row(2L, "b", null), row(1L, "a", null), row(2L, "b", null))).equal());
    }

    @Test
    void withoutOrderByAMissingRowIsDetected() {
        Comparison c = compare(ResultShape.unordered(),
                List.of(row(1L, "a", null), row(2L, "b", null), row(3L, "c", null)),
                List.of(row(3L, "c", null), row(1L, "a", null)));
        assertEquals("expected 3 rows, got 2: missing 1 row(s) e.g. [2, 'b', NULL]; unexpected 0 row(s)", c.difference());
    }

    @Test
    void withoutOrderByADuplicateInPlaceOfAnotherRowIsDetected() {
        Comparison c = compare(ResultShape.unordered(),
                List.of(row(1L, "a", null), row(2L, "b", null)),
                List.of(row(1L, "a", null), row(1L, "a", null)));
        assertEquals("different rows (no ORDER BY): missing 1 row(s) e.g. [2, 'b', NULL]; unexpected 1 row(s) e.g. [1, 'a', NULL]",
                c.difference());
    }

    // ---- ties --------------------------------------------------------------------------------------------------

    /** Sorted by status (column 1): rows 0–1 tie on 'a', row 2 is 'b'. */
    static final List<List<Object>> TIED = List.of(row(1L, "a", null), row(2L, "a", null), row(3L, "b", null));

    @Test
    void withTiesTheRowsOfATieMayComeInAnyOrder() {
        assertTrue(compare(ResultShape.partial(List.of(1), false), TIED,
                List.of(row(2L, "a", null), row(1L, "a", null), row(3L, "b", null))).equal());
    }

    @Test
    void withTiesTheSortKeysMustComeInOrder() {
        Comparison c = compare(ResultShape.partial(List.of(1), false), TIED,
                List.of(row(3L, "b", null), row(1L, "a", null), row(2L, "a", null)));
        assertEquals("row 0 has sort keys ['b'] where ['a'] belong (ORDER BY columns [1])", c.difference());
    }

    @Test
    void withTiesATieMustHoldTheSameRows() {
        Comparison c = compare(ResultShape.partial(List.of(1), false), TIED,
                List.of(row(1L, "a", null), row(9L, "a", null), row(3L, "b", null)));
        assertEquals("rows 0..1 (tied on sort keys ['a']) differ: missing 1 row(s) e.g. [2, 'a', NULL]; "
                + "unexpected 1 row(s) e.g. [9, 'a', NULL]", c.difference());
    }

    @Test
    void whereALimitCutsATieAnyRowsOfThatTieWillDo() {
        // ORDER BY status LIMIT 2 over a, a, a, b: the database chose ids 1 and 2; 3 and 1 are as right.
        List<List<Object>> complete = List.of(row(1L, "a", null), row(2L, "a", null), row(3L, "a", null), row(4L, "b", null));
        ResultShape cut = ResultShape.partial(List.of(1), true);
        List<List<Object>> expected = complete.subList(0, 2);
        assertTrue(ResultComparator.compare(cut, COLUMNS, expected, List.of(row(3L, "a", null), row(1L, "a", null)),
                () -> complete).equal());

        Comparison stranger = ResultComparator.compare(cut, COLUMNS, expected,
                List.of(row(3L, "a", null), row(7L, "a", null)), () -> complete);
        assertEquals("rows 0..1 (sort keys ['a'], a tie LIMIT/OFFSET may cut): [7, 'a', NULL] is not one of the 3 rows "
                + "with these sort keys in the complete answer", stranger.difference());

        Comparison twice = ResultComparator.compare(cut, COLUMNS, expected,
                List.of(row(3L, "a", null), row(3L, "a", null)), () -> complete);
        assertFalse(twice.equal(), "a row of the tie returned twice");
    }

    @Test
    void aSortKeyTieIsByValueSoScalesDoNotSplitIt() {
        // 7.50 and 7.5000 tie in the database, whatever the order it returns them in.
        ResultShape byTotal = ResultShape.partial(List.of(2), false);
        assertTrue(compare(byTotal, List.of(row(1L, "x", dec("7.50")), row(2L, "y", dec("7.5000"))),
                List.of(row(2L, "y", dec("7.5000")), row(1L, "x", dec("7.50")))).equal());
    }

    private static BigDecimal dec(String s) {
        return new BigDecimal(s);
    }

    @Test
    void stringsDifferingExactlyAreEqualOnlyWhereTheCollationSaysSo() {
        // As a case-insensitive collation: the group of 'new' and 'NEW' may be represented by either.
        java.util.function.UnaryOperator<String> caseInsensitive = String::toLowerCase;
        List<List<Object>> expected = List.of(row(1L, "new", dec("1.00")));
        List<List<Object>> actual = List.of(row(1L, "NEW", dec("1.00")));
        assertFalse(ResultComparator.compare(ResultShape.total(), COLUMNS, expected, actual, NO_COMPLETE_ANSWER).equal());
        assertTrue(ResultComparator.compare(ResultShape.total(), COLUMNS, expected, actual, NO_COMPLETE_ANSWER, caseInsensitive).equal());
        assertFalse(ResultComparator.compare(ResultShape.total(), COLUMNS, expected, List.of(row(1L, "paid", dec("1.00"))),
                NO_COMPLETE_ANSWER, caseInsensitive).equal());
    }
}
