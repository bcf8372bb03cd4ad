package io.shardkit.query.differential;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;

/**
 * Maps a string to the representative of its class of strings equal under the reference database's collation, as the
 * reference database itself says ({@code select ? = ?}, each pair asked once). Why: under a case- and
 * accent-insensitive collation ('new' = 'NEW' = 'New', 'échec' = 'Échec', 'paid' = 'paid ' with PAD SPACE) a group, a
 * DISTINCT row or a MIN/MAX is represented by whichever of its equal strings the database met first — on a shard,
 * another than in the single database — and both answers are right. Nothing in Java reproduces a database collation
 * exactly, so Java only picks the candidates (same string after folding case, accents, ß and trailing blanks) and the
 * database decides. On PostgreSQL and H2, whose collations here tell all different strings apart, no two differing
 * strings are ever accepted.
 */
final class CollationEquality implements UnaryOperator<String> {
    private final DSLContext reference;
    private final String sql;
    private final Map<String, List<String>> classesByFold = new HashMap<>();
    private final Map<List<String>, Boolean> asked = new HashMap<>();

    CollationEquality(DSLContext reference) {
        this.reference = reference;
        // MariaDB: tables use the server default, latin1_swedish_ci, while parameters arrive in the connection's
        // utf8mb4_general_ci; converting to latin1 compares them under the table's collation.
        this.sql = reference.dialect().family() == SQLDialect.MARIADB || reference.dialect().family() == SQLDialect.MYSQL
                ? "select case when convert(? using latin1) = convert(? using latin1) then 1 else 0 end"
                : "select case when cast(? as varchar(4000)) = cast(? as varchar(4000)) then 1 else 0 end";
    }

    @Override
    public synchronized String apply(String s) {
        List<String> reps = classesByFold.computeIfAbsent(fold(s), k -> new ArrayList<>());
        for (String rep : reps) {
            if (rep.equals(s) || equal(rep, s)) return rep;
        }
        reps.add(s);
        return s;
    }

    /** Whether the reference database holds the two strings equal. */
    boolean equal(String a, String b) {
        return asked.computeIfAbsent(List.of(a, b), k -> {
            Object v = reference.fetchValue(sql, a, b);
            return v != null && ((Number) v).intValue() == 1;
        });
    }

    private static String fold(String s) {
        String n = Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT)
                .replace("ß", "ss");
        int end = n.length();
        while (end > 0 && n.charAt(end - 1) == ' ') end--;
        return n.substring(0, end);
    }
}
