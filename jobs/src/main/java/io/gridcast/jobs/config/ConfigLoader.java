package io.gridcast.jobs.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Reads and validates a configuration file; every problem becomes one message naming the file and key. */
public final class ConfigLoader {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private ConfigLoader() {
    }

    public static GridcastConfig load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidConfigException(file + ": configuration file not found");
        }
        GridcastConfig config;
        try {
            config = YAML.readValue(file.toFile(), GridcastConfig.class);
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds().stream().map(Object::toString).sorted()
                    .collect(Collectors.joining(", "));
            throw new InvalidConfigException(file + ": unknown key '" + path(e) + "'; expected one of: " + known);
        } catch (JsonMappingException e) {
            throw new InvalidConfigException(file + ": " + path(e) + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidConfigException(file + ": not readable YAML: " + e.getMessage());
        }
        if (config == null) {
            throw new InvalidConfigException(file + ": the file is empty");
        }
        try {
            config.validate();
        } catch (ConfigException e) {
            throw new InvalidConfigException(file + ": " + e.getMessage());
        }
        return config;
    }

    /**
     * Runs a check of {@code file}'s configuration that needs more than the file (e.g. the data grid, once
     * ingested), so that its problem names the file like those found by {@link #load}.
     */
    public static <T> T check(Path file, Supplier<T> check) {
        try {
            return check.get();
        } catch (ConfigException e) {
            throw new InvalidConfigException(file + ": " + e.getMessage());
        }
    }

    /** The key path of a binding error as written in the file, e.g. {@code regions[1].box}. */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? "(top level)" : path.toString();
    }

    /** The message is complete: file, key and what was expected. */
    public static final class InvalidConfigException extends IllegalArgumentException {
        InvalidConfigException(String message) {
            super(message);
        }
    }
}
