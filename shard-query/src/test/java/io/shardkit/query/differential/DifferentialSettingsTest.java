package io.shardkit.query.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DifferentialSettingsTest {

    @Test
    void withoutPropertiesTheSeedIsFixedForCi() {
        DifferentialSettings s = DifferentialSettings.parse(null, null, () -> 99);
        assertEquals(new DifferentialSettings(20261121L, false, 3000), s);
        assertEquals("seed 20261121, 3000 queries", s.describe());
    }

    @Test
    void aRandomSeedIsDrawnAndPrintedWithHowToReplayIt() {
        DifferentialSettings s = DifferentialSettings.parse("random", "250", () -> 4242);
        assertEquals(new DifferentialSettings(4242, true, 250), s);
        assertEquals("seed 4242 (random; replay with -Dshardkit.diff.seed=4242), 250 queries", s.describe());
    }

    @Test
    void aGivenSeedIsReplayed() {
        assertEquals(new DifferentialSettings(-12345, false, 3000), DifferentialSettings.parse(" -12345 ", "", () -> 1));
    }

    @Test
    void badValuesAreRejectedNamingThePropertyAndWhatIsAllowed() {
        assertEquals("shardkit.diff.seed must be a whole number or 'random', was 'often'",
                assertThrows(IllegalArgumentException.class, () -> DifferentialSettings.parse("often", null, () -> 1)).getMessage());
        assertEquals("shardkit.diff.queries must be a whole number of at least 1, was '0'",
                assertThrows(IllegalArgumentException.class, () -> DifferentialSettings.parse(null, "0", () -> 1)).getMessage());
        assertEquals("shardkit.diff.queries must be a whole number of at least 1, was 'many'",
                assertThrows(IllegalArgumentException.class, () -> DifferentialSettings.parse(null, "many", () -> 1)).getMessage());
    }
}
