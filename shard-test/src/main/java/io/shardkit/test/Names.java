package io.shardkit.test;

import java.util.regex.Pattern;

/** Database names are generated, never user input; this guards the SQL they are pasted into. */
final class Names {

    private static final Pattern SAFE = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    private Names() {
    }

    static String checked(String name) {
        if (!SAFE.matcher(name).matches()) {
            throw new IllegalArgumentException("database name must match " + SAFE + ": " + name);
        }
        return name;
    }
}
