package io.shardkit.cluster.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link JdbcUrls#redact}: the URL stays readable for diagnosis, and no password survives. */
class JdbcUrlsTest {

    static final String SECRET = "S3cr3t-Sentinel-!";

    @Test
    void nullStaysNull() {
        assertNull(JdbcUrls.redact(null));
    }

    @Test
    void urlsWithoutCredentialsAreUnchanged() {
        for (String url : List.of(
                "jdbc:h2:mem:shard0;DB_CLOSE_DELAY=-1",
                "jdbc:postgresql://db.internal:5432/app?ssl=true&ApplicationName=shardkit",
                "jdbc:postgresql://app@db.internal/app",
                "jdbc:mysql://db.internal:3306/app?user=app&useSSL=false",
                "jdbc:mariadb://db.internal/app?passwordCharacterEncoding=UTF-8",
                "jdbc:sqlserver://db.internal:1433;databaseName=app;encrypt=true",
                "jdbc:oracle:thin:@//db.internal:1521/app",
                "jdbc:h2:tcp://localhost:9092/~/app")) {
            assertEquals(url, JdbcUrls.redact(url));
        }
    }

    @Test
    void userInfoPasswordIsRedacted() {
        assertEquals("jdbc:postgresql://app:*****@db.internal:5432/app?ssl=true",
                JdbcUrls.redact("jdbc:postgresql://app:" + SECRET + "@db.internal:5432/app?ssl=true"));
        assertEquals("jdbc:mysql://app:*****@db.internal/app",
                JdbcUrls.redact("jdbc:mysql://app:" + SECRET + "@db.internal/app"));
        assertEquals("jdbc:postgresql://app:*****@db", JdbcUrls.redact("jdbc:postgresql://app:" + SECRET + "@db"));
    }

    @Test
    void unencodedAtSignInThePasswordIsRedactedWhole() {
        assertEquals("jdbc:postgresql://app:*****@db.internal/app",
                JdbcUrls.redact("jdbc:postgresql://app:p@ss" + SECRET + "@db.internal/app"));
    }

    @Test
    void everyHostsCredentialsAreRedactedInAMultiHostUrl() {
        // the first host disappears with the password: a readable URL matters less than a leaked password
        assertEquals("jdbc:mysql://a:*****@h2:3306/app",
                JdbcUrls.redact("jdbc:mysql://a:" + SECRET + "@h1:3306,b:" + SECRET + "@h2:3306/app"));
    }

    @Test
    void passwordParametersAreRedacted() {
        assertEquals("jdbc:postgresql://db/app?user=app&password=*****&ssl=true",
                JdbcUrls.redact("jdbc:postgresql://db/app?user=app&password=" + SECRET + "&ssl=true"));
        assertEquals("jdbc:postgresql://db/app?password=*****",
                JdbcUrls.redact("jdbc:postgresql://db/app?password=" + SECRET));
        assertEquals("jdbc:sqlserver://db:1433;user=sa;pwd=*****;encrypt=true",
                JdbcUrls.redact("jdbc:sqlserver://db:1433;user=sa;pwd=" + SECRET + ";encrypt=true"));
        assertEquals("jdbc:h2:tcp://localhost/~/app;USER=sa;PASSWORD=*****",
                JdbcUrls.redact("jdbc:h2:tcp://localhost/~/app;USER=sa;PASSWORD=" + SECRET));
        assertEquals("jdbc:sqlserver://db;Pwd=*****", JdbcUrls.redact("jdbc:sqlserver://db;Pwd=" + SECRET));
        assertEquals("jdbc:postgresql://db/app?sslpassword=*****&sslmode=verify-full",
                JdbcUrls.redact("jdbc:postgresql://db/app?sslpassword=" + SECRET + "&sslmode=verify-full"));
        assertEquals("jdbc:x://db/app?passwd=*****&token=*****&secret=*****",
                JdbcUrls.redact("jdbc:x://db/app?passwd=" + SECRET + "&token=" + SECRET + "&secret=" + SECRET));
    }

    @Test
    void oracleThinCredentialsAreRedacted() {
        assertEquals("jdbc:oracle:thin:app/*****@db.internal:1521:orcl",
                JdbcUrls.redact("jdbc:oracle:thin:app/" + SECRET + "@db.internal:1521:orcl"));
        assertEquals("jdbc:oracle:thin:app/*****@//db.internal:1521/app",
                JdbcUrls.redact("jdbc:oracle:thin:app/" + SECRET + "@//db.internal:1521/app"));
    }

    @Test
    void bothFormsInOneUrl() {
        assertEquals("jdbc:postgresql://app:*****@db/app?sslpassword=*****",
                JdbcUrls.redact("jdbc:postgresql://app:" + SECRET + "@db/app?sslpassword=" + SECRET));
    }

    @Test
    void redactingTwiceChangesNothing() {
        String once = JdbcUrls.redact("jdbc:postgresql://app:" + SECRET + "@db/app?password=" + SECRET);
        assertEquals(once, JdbcUrls.redact(once));
    }

    @Test
    void theSentinelNeverSurvivesInAnyCredentialPosition() {
        List<String> templates = List.of(
                "jdbc:postgresql://u:%s@h/db", "jdbc:postgresql://u:%s@h:5432/db?ssl=true", "jdbc:mysql://u:%s@h",
                "jdbc:mariadb://u:%s@h1,u:%s@h2/db", "jdbc:postgresql://h/db?password=%s",
                "jdbc:postgresql://h/db?user=u&password=%s&x=1", "jdbc:postgresql://h/db?PASSWORD = %s",
                "jdbc:sqlserver://h;password=%s", "jdbc:sqlserver://h;PWD=%s;x=1", "jdbc:h2:mem:x;PASSWORD=%s",
                "jdbc:oracle:thin:u/%s@h:1521:sid", "jdbc:oracle:oci:u/%s@tns");
        for (String template : templates) {
            String url = template.replace("%s", SECRET);
            String redacted = JdbcUrls.redact(url);
            assertFalse(redacted.contains("S3cr3t"), () -> url + " → " + redacted);
            assertFalse(redacted.contains("Sentinel"), () -> url + " → " + redacted);
        }
    }
}
