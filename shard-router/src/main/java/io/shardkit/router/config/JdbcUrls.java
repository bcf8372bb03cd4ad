package io.shardkit.router.config;

import java.util.regex.Pattern;

/** JDBC URLs made safe to print: credentials embedded in them are replaced by {@code *****}. */
public final class JdbcUrls {
    // user:password@ in the authority, and password-like parameters in query strings or ';'-separated options
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@?;]*?:)[^/@?;]*@");
    private static final Pattern PASSWORD_PARAM = Pattern.compile(
            "(?i)((?:password|passwd|pwd|sslpassword|secret|token)\\s*=)[^&;]*");

    private JdbcUrls() {
    }

    public static String redact(String url) {
        if (url == null) return null;
        String s = USER_INFO.matcher(url).replaceAll("$1*****@");
        return PASSWORD_PARAM.matcher(s).replaceAll("$1*****");
    }
}
