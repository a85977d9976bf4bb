package io.gridcast.jobs;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The Spring Boot application that holds the batch jobs; started by {@link io.gridcast.jobs.cli.Gridcast}. */
@SpringBootApplication
public class GridcastApplication {
}
