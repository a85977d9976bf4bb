package io.gridcast.ingest.statics;

/** A static layer that cannot be made: names the layer's configuration key, the file and what was expected. */
public class StaticLayerException extends IllegalArgumentException {

    private final String key;
    private final String expected;

    public StaticLayerException(String key, String expected) {
        super(key + ": expected " + expected);
        this.key = key;
        this.expected = expected;
    }

    public StaticLayerException(String key, String expected, Throwable cause) {
        super(key + ": expected " + expected + " (" + cause.getMessage() + ")", cause);
        this.key = key;
        this.expected = expected + " (" + cause.getMessage() + ")";
    }

    /** What was expected, without the key. */
    public String expected() {
        return expected;
    }

    /** The configuration key, e.g. {@code static_layers[1].variable}. */
    public String key() {
        return key;
    }
}
