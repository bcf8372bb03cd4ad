package io.shardkit.cluster.config;

import java.util.regex.Pattern;

/** JDBC URLs made safe to print: credentials embedded in them are replaced by {@code *****}. */
public final class JdbcUrls {
    // user:password@ in the authority. The password runs to the authority's last '@', so an unencoded '@' in it,
    // or a second host's user:password@ (jdbc:mysql://a:p@h1,b:q@h2), is hidden too, at worst with a host.
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@?;]*?:)[^/?;]*@");
    // Oracle's thin form: jdbc:oracle:thin:user/password@host
    private static final Pattern ORACLE_USER_INFO = Pattern.compile("(?i)(jdbc:oracle:[a-z0-9]+:[^/@:]*/)[^@]*@");
    // password-like parameters in query strings or ';'-separated options
    private static final Pattern PASSWORD_PARAM = Pattern.compile(
            "(?i)((?:password|passwd|pwd|sslpassword|secret|token)\\s*=)[^&;]*");

    private JdbcUrls() {
    }

    public static String redact(String url) {
        if (url == null) return null;
        String s = USER_INFO.matcher(url).replaceAll("$1*****@");
        s = ORACLE_USER_INFO.matcher(s).replaceAll("$1*****@");
        return PASSWORD_PARAM.matcher(s).replaceAll("$1*****");
    }
}
