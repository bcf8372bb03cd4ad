package io.shardkit.cluster.atomic;

import io.shardkit.cluster.Shard;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.impl.DSL;

/** What a commit across databases needs, each problem with what to do about it; the SQL is each kind's own. */
final class StartupChecks {
    private StartupChecks() {
    }

    static List<String> problems(List<Shard> preparableShards, String cluster) {
        List<String> problems = new ArrayList<>();
        Map<String, Shard> databases = new LinkedHashMap<>();
        for (Shard s : preparableShards) databases.putIfAbsent(s.database(), s);
        for (Shard db : databases.values()) {
            try {
                problems.addAll(PreparedBranches.of(db).serverProblems(db, db.dsl(), cluster));
            } catch (RuntimeException e) {
                problems.add("database " + db.database() + " could not be checked: " + e.getMessage());
            }
        }
        for (Shard s : preparableShards) {
            try {
                s.dsl().selectCount().from(DecisionTable.TABLE).where(DSL.falseCondition()).fetch();
            } catch (RuntimeException e) {
                problems.add("shard " + s.id() + " has no table " + DecisionTable.NAME + " in its schema: run shard-migrate"
                        + " (it creates it), or create it with DecisionTable.createStatement()");
                continue;
            }
            try {
                String problem = PreparedBranches.of(s).tableProblem(s);
                if (problem != null) problems.add(problem);
            } catch (RuntimeException e) {
                problems.add("shard " + s.id() + "'s table " + DecisionTable.NAME + " could not be checked: " + e.getMessage());
            }
        }
        return problems;
    }
}
