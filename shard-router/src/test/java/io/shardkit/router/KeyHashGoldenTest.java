package io.shardkit.router;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Golden vectors of every named hash for every key type. These values place data: if one of them changes, keys
 * already stored would be looked for on the wrong shard. Never edit an expected value; a new function ships
 * under a new {@link KeyHash} name. The murmur3 values were computed with Guava's {@code murmur3_128}, the
 * FNV-1a values with an independent implementation; both are frozen here.
 */
class KeyHashGoldenTest {

    static final long[] LONGS = {0L, 1L, -1L, 2L, 42L, 1000L, 123456789L, Long.MAX_VALUE, Long.MIN_VALUE, 0x0102030405060708L,
            -42L, 255L, 256L, 65535L, 4294967295L, 4294967296L, 9007199254740993L, -9007199254740993L, 1700000000000L, 31337L};
    static final int[] INTS = {0, 1, -1, 2, 42, 1000, 123456789, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x01020304,
            -42, 255, 256, 65535, 65536, 7, 99, -99, 2024, 31337};
    static final String[] STRINGS = {"", "a", "ab", "abc", "tenant-42", "hello world", "customer:1000", "ünïcödé", "日本語テキスト", "😀",
            "0123456789abcde", "0123456789abcdef", "0123456789abcdefg", "0123456789abcdef0123456789abcdef", "Ω≈ç√∫", "\uD800", "a\uDC00b",
            "Straße", "The quick brown fox jumps over the lazy dog", "user@example.com"};
    static final UUID[] UUIDS = new UUID[20];
    static final byte[][] BYTES = new byte[20][];

    static {
        UUIDS[0] = new UUID(0, 0);
        UUIDS[1] = new UUID(-1, -1);
        UUIDS[2] = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        UUIDS[3] = UUID.fromString("00000000-0000-0000-0000-000000000001");
        for (int i = 4; i < 20; i++) {
            UUIDS[i] = new UUID(0x0123456789abcdefL * i, 0xfedcba9876543210L ^ (i * 0x9e3779b97f4a7c15L));
        }
        for (int n = 0; n < 20; n++) {
            byte[] b = new byte[n];
            for (int j = 0; j < n; j++) {
                b[j] = (byte) (j * 37 + n);
            }
            BYTES[n] = b;
        }
    }

    static final long[] MURMUR3_LONG = {
            2945182322382062539L, 19144387141682250L, -6853156495446839949L, -2447670524089286488L,
            -5283633198602748424L, -5886520583139273669L, 2733603999106345681L, 7815693464130447828L,
            78142285821850151L, -7820666188772253294L, -4495763163457676837L, 8364042848127303736L,
            -2168341750895762470L, -3706406000371242298L, -6086722372487961354L, 2557692097253244603L,
            -4213922593123932684L, -3699496867606897530L, 1236949186713843713L, 4951168998495190934L,
    };
    static final long[] MURMUR3_INT = {
            2945182322382062539L, 19144387141682250L, -6853156495446839949L, -2447670524089286488L,
            -5283633198602748424L, -5886520583139273669L, 2733603999106345681L, -825607467753297562L,
            -5578563537981569060L, -4705703588004660688L, -4495763163457676837L, 8364042848127303736L,
            -2168341750895762470L, -3706406000371242298L, -8779846503135273481L, 3522142095546486706L,
            7111356770860875532L, 1508626833994970428L, -6526640677377017034L, 4951168998495190934L,
    };
    static final long[] MURMUR3_STRING = {
            0L, -8839064797231613815L, -7815133031266706642L, -5434086359492102041L,
            -1500784320442364190L, 5998619086395760910L, 2122339232750999553L, 894021159702796914L,
            4366888359348307440L, 1544085228167910492L, -6472281833689111727L, 5467490433528156583L,
            -8200385122730116642L, 5708918040068455610L, -4818730224794616349L, -9034837761737348116L,
            7348157743185517386L, -7329121281898263415L, -2068352364225029268L, -2227284181281724673L,
    };
    static final long[] MURMUR3_UUID = {
            5457549051747178710L, -2824192546314762522L, -44119901388393997L, 2589554819249504804L,
            -7068616321183877684L, 1615522768534706458L, -5626414101397101015L, 8200274577053966363L,
            4943601336332769934L, 8184754364854878457L, -7021377144918455090L, 4654998082123819784L,
            8577858659315285702L, 7481701926273295027L, -6583515770583083465L, 77348232309284347L,
            -4294754748557187136L, 8361004377730637054L, 5551785419347236890L, 5501066010598333310L,
    };
    static final long[] MURMUR3_BYTES = {
            0L, 8849112093580131862L, 799513281540574969L, -5539475470761112520L,
            5094400054452330526L, 461276108583232161L, 558758679282007609L, -5032109244595346243L,
            -9100369295966276925L, 3372792669411556853L, 7462582556170831612L, -3598276815356897948L,
            3086510819892503327L, -2337005521310623964L, 2965088386516157179L, -3276396639120151926L,
            -2835711069763561885L, -6906160732493806328L, 8454400571463749888L, 7533275273992112779L,
    };
    static final long[] FNV1A32_LONG = {
            2615243109L, 2598465490L, 1823345245L, 2581687871L,
            2179025015L, 1508067350L, 3141120449L, 3585728989L,
            3945914597L, 671377293L, 2209230482L, 1289914376L,
            1977546492L, 1280307259L, 3025216001L, 1429875106L,
            630001458L, 570972413L, 3107974569L, 3214479652L,
    };
    static final long[] FNV1A32_INT = {
            2615243109L, 2598465490L, 1823345245L, 2581687871L,
            2179025015L, 1508067350L, 3141120449L, 3036828289L,
            1855983937L, 2810193101L, 2209230482L, 1289914376L,
            1977546492L, 1280307259L, 1559936538L, 2497799776L,
            3101794060L, 1252906199L, 1104816114L, 3214479652L,
    };
    static final long[] FNV1A32_STRING = {
            2166136261L, 3826002220L, 1294271946L, 440920331L,
            4157740482L, 3582672807L, 3170548888L, 820705234L,
            1986314025L, 866293256L, 112933257L, 2277258045L,
            121951918L, 2261798325L, 1190106870L, 973910158L,
            448090833L, 499330616L, 76545936L, 3718907387L,
    };
    static final long[] FNV1A32_UUID = {
            1768495365L, 906459637L, 3313897728L, 1751717746L,
            350185393L, 488531027L, 2390845436L, 18091486L,
            2920774830L, 2295792402L, 2561932659L, 270650382L,
            2178039273L, 3952063890L, 2119672456L, 3834163073L,
            3255392393L, 174441512L, 3370649633L, 1263254986L,
    };
    static final long[] FNV1A32_BYTES = {
            2166136261L, 67918732L, 2054928966L, 2925247257L,
            4286979401L, 2609659876L, 1996937270L, 3362226541L,
            1252235757L, 1820504596L, 3997631678L, 765369801L,
            4293723137L, 1645006636L, 1092750174L, 1910595277L,
            3378299349L, 2525775004L, 372150278L, 3664099273L,
    };

    @Test
    void murmur3VectorsNeverChange() {
        check(KeyHash.MURMUR3, MURMUR3_LONG, MURMUR3_INT, MURMUR3_STRING, MURMUR3_UUID, MURMUR3_BYTES);
    }

    @Test
    void fnv1a32VectorsNeverChange() {
        check(KeyHash.FNV1A32, FNV1A32_LONG, FNV1A32_INT, FNV1A32_STRING, FNV1A32_UUID, FNV1A32_BYTES);
    }

    @Test
    void everyTableHasTwentyVectors() {
        for (long[] table : new long[][] {MURMUR3_LONG, MURMUR3_INT, MURMUR3_STRING, MURMUR3_UUID, MURMUR3_BYTES,
                FNV1A32_LONG, FNV1A32_INT, FNV1A32_STRING, FNV1A32_UUID, FNV1A32_BYTES}) {
            assertEquals(20, table.length);
        }
    }

    private static void check(KeyHash hash, long[] longs, long[] ints, long[] strings, long[] uuids, long[] bytes) {
        for (int i = 0; i < 20; i++) {
            assertEquals(longs[i], hash.hashLong(LONGS[i]), hash + " long " + LONGS[i]);
            assertEquals(longs[i], hash.hash(LONGS[i]), hash + " boxed long " + LONGS[i]);
            assertEquals(ints[i], hash.hash(INTS[i]), hash + " int " + INTS[i]);
            assertEquals(strings[i], hash.hashString(STRINGS[i]), hash + " string #" + i);
            assertEquals(strings[i], hash.hash(STRINGS[i]), hash + " boxed string #" + i);
            assertEquals(uuids[i], hash.hashUuid(UUIDS[i]), hash + " uuid " + UUIDS[i]);
            assertEquals(uuids[i], hash.hash(UUIDS[i]), hash + " boxed uuid " + UUIDS[i]);
            assertEquals(bytes[i], hash.hashBytes(BYTES[i]), hash + " bytes of length " + i);
        }
    }
}
