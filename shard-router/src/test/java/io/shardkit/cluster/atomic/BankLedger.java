package io.shardkit.cluster.atomic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkit.cluster.ShardCluster;
import io.shardkit.cluster.ShardClusterBuilder;
import io.shardkit.router.ShardId;
import io.shardkit.test.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.impl.DSL;

/**
 * The bank the fault tests of atomic transactions run: accounts on every shard (one database each), a transfer that
 * moves money between one account on each of 2–4 shards and writes an audit row on each, and the invariants that must
 * hold after any fault once recovery is quiet.
 */
final class BankLedger {
    static final int ACCOUNTS_PER_SHARD = 8;
    static final long OPENING_BALANCE = 1_000_000;

    private final String clusterName;
    private final List<TestDatabase> databases;

    /** One shard {@code s<i>} on each database {@code db<i>}, in order. */
    BankLedger(String clusterName, List<TestDatabase> databases) {
        this.clusterName = clusterName;
        this.databases = List.copyOf(databases);
    }

    List<TestDatabase> databases() {
        return databases;
    }

    String clusterName() {
        return clusterName;
    }

    /** Fresh tables on every database: accounts at their opening balance, no audit row, no decision row. */
    void open() throws SQLException {
        for (TestDatabase d : databases) {
            try (Connection c = d.open(); Statement s = c.createStatement()) {
                // a failed test may have left branches, whose locks would block the drop for ever
                List<String> left = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("select gid from pg_prepared_xacts where database = current_database()"
                        + " and gid like " + DSL.inline(Gid.prefix(clusterName) + "%"))) {
                    while (rs.next()) left.add(rs.getString(1));
                }
                for (String gid : left) s.execute("rollback prepared " + PreparedBranches.literal(gid));
                s.execute("drop table if exists account, transfer_audit, " + DecisionTable.NAME);
                s.execute("create table account (id bigint primary key, balance bigint not null)");
                s.execute("create table transfer_audit (transfer_id varchar(64) not null, account_id bigint not null,"
                        + " delta bigint not null, participants int not null)");
                s.execute(DecisionTable.createStatement());
                s.execute("insert into account select g, " + OPENING_BALANCE + " from generate_series(0, "
                        + (ACCOUNTS_PER_SHARD - 1) + ") g");
            }
        }
    }

    /** A cluster on the bank's databases; {@code applicationName} tags its sessions in {@code pg_stat_activity}. */
    ShardCluster cluster(String applicationName) {
        ShardClusterBuilder b = ShardCluster.builder().name(clusterName);
        for (int i = 0; i < databases.size(); i++) {
            TestDatabase d = databases.get(i);
            String url = d.jdbcUrl() + (d.jdbcUrl().contains("?") ? "&" : "?") + "ApplicationName=" + applicationName;
            b.database("db" + i, url, d.username(), d.password()).shard("s" + i, "db" + i);
        }
        return b.jump().build();
    }

    /**
     * One transfer: the account on the first shard pays {@code amount} to the account on each other shard. Shards are
     * written in ascending order, so concurrent transfers never wait on each other in a cycle across databases (no
     * server could see such a deadlock); the first of them holds the decision.
     */
    static void transfer(AtomicTransaction tx, String transferId, List<Integer> shards, List<Integer> accounts, long amount) {
        for (int i = 0; i < shards.size(); i++) {
            long delta = i == 0 ? -amount * (shards.size() - 1) : amount;
            var dsl = tx.on(ShardId.of("s" + shards.get(i)));
            dsl.execute("update account set balance = balance + ? where id = ?", delta, accounts.get(i));
            dsl.execute("insert into transfer_audit values (?, ?, ?, ?)", transferId, accounts.get(i), delta, shards.size());
        }
    }

    /** Transfer ids with at least one audit row, and how many of their shards hold one. */
    Map<String, Integer> shardsHolding() throws SQLException {
        Map<String, Integer> out = new HashMap<>();
        for (TestDatabase d : databases) {
            try (Connection c = d.open(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select distinct transfer_id from transfer_audit")) {
                while (rs.next()) out.merge(rs.getString(1), 1, Integer::sum);
            }
        }
        return out;
    }

    /**
     * After recovery: money is neither made nor lost, every account's balance is its audit trail, every transfer's audit
     * rows are on all its shards or on none, and no prepared branch or decision row of the cluster is left.
     */
    void assertConsistent() throws SQLException {
        long total = 0;
        Map<String, int[]> audit = new HashMap<>(); // transfer id -> {shards holding a row, participants}
        for (TestDatabase d : databases) {
            try (Connection c = d.open(); Statement s = c.createStatement()) {
                total += single(s, "select sum(balance) from account");
                assertEquals(0, single(s, "select count(*) from account a where balance <> " + OPENING_BALANCE
                        + " + coalesce((select sum(delta) from transfer_audit t where t.account_id = a.id), 0)"),
                        d.name() + ": a balance that its audit rows do not explain");
                try (ResultSet rs = s.executeQuery("select transfer_id, count(*), min(participants) from transfer_audit"
                        + " group by transfer_id")) {
                    while (rs.next()) {
                        assertEquals(1, rs.getInt(2), "one audit row per shard of transfer " + rs.getString(1));
                        audit.computeIfAbsent(rs.getString(1), k -> new int[2])[0]++;
                        audit.get(rs.getString(1))[1] = rs.getInt(3);
                    }
                }
                assertEquals(0, single(s, "select count(*) from pg_prepared_xacts where database = current_database() and gid like "
                        + DSL.inline(Gid.prefix(clusterName) + "%")), d.name() + ": a prepared branch is left");
                assertEquals(0, single(s, "select count(*) from " + DecisionTable.NAME), d.name() + ": a decision row is left");
            }
        }
        assertEquals(OPENING_BALANCE * ACCOUNTS_PER_SHARD * databases.size(), total, "the sum of all balances");
        List<String> split = new ArrayList<>();
        audit.forEach((id, n) -> {
            if (n[0] != n[1]) split.add(id + " on " + n[0] + " of " + n[1] + " shards");
        });
        assertEquals(List.of(), split, "transfers committed on some of their shards only");
    }

    /** The transfer is on every shard it touched, or (committed false) on none. */
    void assertTransfer(String transferId, int participants, boolean committed) throws SQLException {
        Integer holding = shardsHolding().get(transferId);
        assertEquals(committed ? Integer.valueOf(participants) : null, holding, "shards holding transfer " + transferId);
    }

    /** Prepared branches of this cluster on every database. */
    long prepared() throws SQLException {
        long n = 0;
        for (TestDatabase d : databases) {
            try (Connection c = d.open(); Statement s = c.createStatement()) {
                n += single(s, "select count(*) from pg_prepared_xacts where database = current_database() and gid like " + DSL.inline(Gid.prefix(clusterName) + "%"));
            }
        }
        return n;
    }

    /**
     * Recovery passes, minimum age zero, until one finds nothing to do; the reports of the passes that did something.
     */
    static List<RecoveryReport> recoverUntilQuiet(ShardCluster cluster) {
        cluster.atomic().settings(cluster.atomic().settings().withMinimumAge(Duration.ZERO));
        List<RecoveryReport> reports = new ArrayList<>();
        for (int pass = 0; pass < 20; pass++) {
            RecoveryReport r = cluster.atomic().recoverNow();
            assertEquals(List.of(), r.problems(), r.toString());
            if (r.committed().isEmpty() && r.rolledBack().isEmpty() && r.running().isEmpty() && r.decisionsCleared() == 0) {
                return reports;
            }
            reports.add(r);
        }
        throw new AssertionError("recovery still busy after 20 passes: " + reports);
    }

    static Set<String> ids(List<RecoveryReport> reports, boolean committed) {
        Set<String> out = new java.util.HashSet<>();
        for (RecoveryReport r : reports) out.addAll(committed ? r.committed() : r.rolledBack());
        return out;
    }

    private static long single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getLong(1);
        }
    }
}
