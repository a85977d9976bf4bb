package io.gridcast.jobs.config;

/** A configuration problem: names the key and what was expected. The file is added by {@link ConfigLoader}. */
public class ConfigException extends IllegalArgumentException {

    private final String key;

    public ConfigException(String key, String expected) {
        super(key + ": expected " + expected);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
