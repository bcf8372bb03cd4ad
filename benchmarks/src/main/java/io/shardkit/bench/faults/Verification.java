package io.shardkit.bench.faults;

import static io.shardkit.bench.faults.FaultCluster.ID;
import static io.shardkit.bench.faults.FaultCluster.ORDERS;
import static io.shardkit.bench.faults.FaultCluster.VERSION;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jooq.Record2;

/**
 * The data on every shard's primary against the callers' ledgers, once the callers have ended: an acknowledged insert
 * that is missing or on another shard, or an acknowledged update not applied, is <b>lost</b>; a row on two shards, an
 * update applied more often than it was sent, or a row nobody wrote, is <b>written twice</b>.
 */
record Verification(int rowsChecked, int acknowledgedInserts, int acknowledgedUpdates, int unknownOutcomes, int lost,
                    int duplicated, List<String> examples) {

    static Verification check(FaultCluster c, List<Ledger> ledgers) {
        Map<Long, List<int[]>> found = new HashMap<>(); // id -> (shard, version) per copy
        for (int shard = 0; shard < c.shards.size(); shard++) {
            for (Record2<Long, Integer> r : c.cluster.dsl(c.shards.get(shard)).select(ID, VERSION).from(ORDERS).fetch()) {
                found.computeIfAbsent(r.value1(), k -> new ArrayList<>(1)).add(new int[] {shard, r.value2()});
            }
        }
        int lost = 0, duplicated = 0, inserts = 0, updates = 0, unknown = 0;
        List<String> examples = new ArrayList<>();
        for (Ledger row : ledgers) {
            List<int[]> copies = found.remove(row.id);
            if (row.insertAcknowledged) inserts++;
            updates += row.updatesAcknowledged;
            unknown += row.updatesUnknown + (row.insertAcknowledged ? 0 : 1);
            if (copies == null) {
                if (row.insertAcknowledged) {
                    lost++;
                    note(examples, "row " + row.id + " (shard " + row.shard + "): acknowledged insert missing");
                }
                continue;
            }
            if (copies.size() > 1) {
                duplicated++;
                note(examples, "row " + row.id + ": on " + copies.size() + " shards");
            }
            int[] copy = copies.getFirst();
            if (copy[0] != row.shard) {
                lost++;
                note(examples, "row " + row.id + ": on shard " + copy[0] + ", routed to shard " + row.shard);
            }
            int lowest = row.insertAcknowledged ? row.lowestVersion() : 1;
            if (copy[1] < lowest) {
                lost++;
                note(examples, "row " + row.id + ": version " + copy[1] + ", acknowledged up to " + lowest);
            } else if (copy[1] > row.highestVersion()) {
                duplicated++;
                note(examples, "row " + row.id + ": version " + copy[1] + ", at most " + row.highestVersion() + " sent");
            }
        }
        duplicated += found.size(); // rows nobody wrote
        found.keySet().stream().limit(3).forEach(id -> note(examples, "row " + id + ": in no caller's ledger"));
        return new Verification(ledgers.size(), inserts, updates, unknown, lost, duplicated, List.copyOf(examples));
    }

    private static void note(List<String> examples, String example) {
        if (examples.size() < 10) examples.add(example);
    }
}
