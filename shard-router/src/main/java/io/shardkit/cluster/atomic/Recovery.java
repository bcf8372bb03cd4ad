package io.shardkit.cluster.atomic;

import io.shardkit.cluster.Shard;
import io.shardkit.router.ShardId;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Record2;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One recovery pass, from the databases alone: any instance finishes any instance's transactions. Decision rows are
 * read first, then every participant's prepared branches of this cluster; each transaction with a branch older than
 * the minimum age is probed on its deciding shard and finished as the probe finds. Last, decision rows read before
 * the scan that have no branch left are deleted: a committed row's branches were all prepared before it committed,
 * so none in a later scan means all are finished.
 */
final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    private record Branch(Gid gid, Duration age) {
    }

    private record Row(ShardId shard, String transaction, Duration age) {
    }

    private final AtomicTransactions owner;
    private final List<String> committed = new ArrayList<>();
    private final List<String> rolledBack = new ArrayList<>();
    private final List<String> running = new ArrayList<>();
    private final List<RecoveryReport.Lingering> lingering = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    Recovery(AtomicTransactions owner) {
        this.owner = owner;
    }

    RecoveryReport run() {
        List<Shard> shards = owner.preparableShards();
        Map<String, Shard> databases = new LinkedHashMap<>();
        for (Shard s : shards) databases.putIfAbsent(s.database(), s);
        List<Row> rows = decisionRows(shards);
        Map<String, List<Branch>> byTransaction = new LinkedHashMap<>();
        Set<String> scannedAll = new HashSet<>();
        boolean completeScan = true;
        for (Shard db : databases.values()) {
            try {
                for (Branch b : prepared(db)) byTransaction.computeIfAbsent(b.gid.transaction(), t -> new ArrayList<>()).add(b);
                scannedAll.add(db.database());
            } catch (RuntimeException | SQLException e) {
                completeScan = false;
                problems.add(db.database() + ": listing prepared transactions failed: " + e.getMessage());
            }
        }
        if (completeScan) {
            owner.sightings().retainOnly(byTransaction.values().stream().flatMap(List::stream).map(Branch::gid).toList());
        }
        byTransaction.forEach((tx, branches) -> settle(tx, branches, databases));
        int cleared = completeScan ? clear(rows, byTransaction.keySet()) : 0;
        return new RecoveryReport(committed, rolledBack, running, lingering, cleared, problems);
    }

    private void settle(String transaction, List<Branch> branches, Map<String, Shard> databases) {
        Duration oldest = branches.stream().map(Branch::age).max(Duration::compareTo).orElseThrow();
        if (oldest.compareTo(owner.settings().minimumAge()) < 0) return; // its coordinator's, for now
        ShardId decisionShard = branches.getFirst().gid.decisionShard();
        Probe.Finding finding;
        try {
            finding = Probe.probe(owner.shard(decisionShard), transaction, owner.settings().lockWait(),
                    () -> anyPrepared(branches, databases));
        } catch (RuntimeException | SQLException e) {
            problems.add(transaction + ": asking its deciding shard " + decisionShard + " failed: " + e.getMessage());
            return;
        }
        if (finding == Probe.Finding.RUNNING) {
            running.add(transaction);
            if (oldest.compareTo(owner.settings().lingerAfter()) >= 0) lingering.add(new RecoveryReport.Lingering(transaction, oldest));
            return;
        }
        if (finding == Probe.Finding.FINISHED) return; // by its coordinator or another recoverer, meanwhile
        boolean commit = finding == Probe.Finding.COMMITTED;
        int finished = 0;
        for (Branch b : branches) {
            Shard db = databases.get(b.gid.participant());
            if (db == null) {
                problems.add(b.gid.text() + ": names a database this cluster does not have");
                continue;
            }
            PreparedBranches kind = PreparedBranches.of(db);
            try (Connection c = db.dataSource().getConnection()) {
                kind.finish(c, DSL.using(c, db.dialect()), b.gid, commit);
                finished++;
            } catch (RuntimeException | SQLException e) {
                // unknown: finished meanwhile; 55000 "is busy" (PostgreSQL): being finished by its coordinator or another
                // recoverer right now (if that fails, the next pass finds the branch again)
                if (!kind.unknownBranch(e) && !"55000".equals(Probe.sqlState(e))) {
                    problems.add(b.gid.text() + ": " + (commit ? "COMMIT" : "ROLLBACK") + " PREPARED failed: " + e.getMessage());
                }
            }
        }
        if (finished == 0) return; // every branch finished meanwhile: this pass did nothing to report
        (commit ? committed : rolledBack).add(transaction);
        LOG.info("recovered atomic transaction {}: {} {} branch(es)", transaction, commit ? "committed" : "rolled back", branches.size());
    }

    /** Whether any of {@code branches} is still prepared on its database. */
    private boolean anyPrepared(List<Branch> branches, Map<String, Shard> databases) throws SQLException {
        for (Branch b : branches) {
            Shard db = databases.get(b.gid.participant());
            if (db == null) continue;
            try (Connection c = db.dataSource().getConnection()) {
                for (PreparedBranches.Listed l : PreparedBranches.of(db).prepared(db, DSL.using(c, db.dialect()), owner.clusterName())) {
                    if (l.gid().equals(b.gid)) return true;
                }
            }
        }
        return false;
    }

    /** This cluster's prepared branches in {@code db}'s database, with their age (see {@link BranchSightings}). */
    private List<Branch> prepared(Shard db) throws SQLException {
        List<Branch> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection()) {
            for (PreparedBranches.Listed l : PreparedBranches.of(db).prepared(db, DSL.using(c, db.dialect()), owner.clusterName())) {
                out.add(new Branch(l.gid(), l.age() != null ? l.age() : owner.sightings().age(l.gid())));
            }
        }
        return out;
    }

    private List<Row> decisionRows(List<Shard> shards) {
        List<Row> rows = new ArrayList<>();
        for (Shard s : shards) {
            try {
                for (Record2<String, java.math.BigDecimal> r : s.dsl().select(DecisionTable.TX_ID,
                        PreparedBranches.of(s).secondsSince(DecisionTable.DECIDED_AT))
                        .from(DecisionTable.TABLE).fetch()) {
                    rows.add(new Row(s.id(), r.value1(), seconds(r.value2())));
                }
            } catch (RuntimeException e) {
                problems.add("shard " + s.id() + ": reading its decision rows failed: " + e.getMessage());
            }
        }
        return rows;
    }

    /** Deletes rows (read before the scan) of transactions with no branch left, once past the minimum age. */
    private int clear(List<Row> rows, Set<String> withBranches) {
        Map<ShardId, List<String>> done = new LinkedHashMap<>();
        for (Row r : rows) {
            if (!withBranches.contains(r.transaction) && r.age.compareTo(owner.settings().minimumAge()) >= 0) {
                done.computeIfAbsent(r.shard, k -> new ArrayList<>()).add(r.transaction);
            }
        }
        int cleared = 0;
        for (var e : done.entrySet()) {
            try {
                DSLContext dsl = owner.shard(e.getKey()).dsl();
                cleared += dsl.deleteFrom(DecisionTable.TABLE).where(DecisionTable.TX_ID.in(e.getValue())).execute();
            } catch (RuntimeException ex) {
                problems.add("shard " + e.getKey() + ": clearing decision rows failed: " + ex.getMessage());
            }
        }
        return cleared;
    }

    static Duration seconds(java.math.BigDecimal s) {
        return s == null ? Duration.ZERO : Duration.ofNanos(s.movePointRight(9).longValue());
    }
}
