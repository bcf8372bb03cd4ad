package io.shardkit.cluster.atomic;

import io.shardkit.cluster.Shard;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** What a commit across PostgreSQL databases needs, each problem with what to do about it. */
final class StartupChecks {
    private StartupChecks() {
    }

    static List<String> problems(List<Shard> postgresShards, String cluster) {
        List<String> problems = new ArrayList<>();
        Map<String, Shard> databases = new LinkedHashMap<>();
        for (Shard s : postgresShards) databases.putIfAbsent(s.database(), s);
        for (Shard db : databases.values()) {
            try {
                DSLContext dsl = db.dsl();
                int max = Integer.parseInt(String.valueOf(dsl.fetchValue("show max_prepared_transactions")).strip());
                if (max <= 0) {
                    problems.add("database " + db.database() + " has max_prepared_transactions = 0: set it above 0 (at"
                            + " least the number of concurrent atomic transactions; on standbys too) and restart the server");
                }
                boolean superuser = Boolean.TRUE.equals(dsl.fetchValue("select rolsuper from pg_roles where rolname = current_user"));
                if (!superuser) {
                    List<?> owners = dsl.fetchValues("select distinct owner from pg_prepared_xacts"
                            + " where gid like {0} and owner <> current_user", DSL.inline(Gid.prefix(cluster) + "%"));
                    if (!owners.isEmpty()) {
                        problems.add("database " + db.database() + " holds prepared transactions of this cluster owned by "
                                + owners + ": only that role or a superuser can finish them; run every instance as one role");
                    }
                }
            } catch (RuntimeException e) {
                problems.add("database " + db.database() + " could not be checked: " + e.getMessage());
            }
        }
        for (Shard s : postgresShards) {
            try {
                s.dsl().selectCount().from(DecisionTable.TABLE).where(DSL.falseCondition()).fetch();
            } catch (RuntimeException e) {
                problems.add("shard " + s.id() + " has no table " + DecisionTable.NAME + " in its schema: run shard-migrate"
                        + " (it creates it), or create it with DecisionTable.createStatement()");
            }
        }
        return problems;
    }
}
