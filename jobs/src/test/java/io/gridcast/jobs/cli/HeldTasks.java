package io.gridcast.jobs.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import org.slf4j.LoggerFactory;

/**
 * The Spark plugin ({@code spark.plugins}) by which {@link SparkClusterTest} holds executor tasks where it kills their
 * worker, through files in the folder named by {@value #FOLDER}, so that a task is running when its worker dies
 * however fast the machine is. An executor knows its worker by its working folder ({@code worker-N/app-.../N}).
 * <ul>
 *   <li>While {@value #HOLD_FIRST_STAGE} exists, a task of the application's first stage (ingest's reads) on worker 0
 *   writes {@value #FIRST_STAGE_HELD} and stays running for good; elsewhere it waits until the file is gone.</li>
 *   <li>While {@value #HOLD_TRAINING} exists, the task that logs {@value #TRAINING_LINE} writes the worker's name into
 *   {@value #TRAINING_HELD} and stays running for good.</li>
 * </ul>
 */
public final class HeldTasks implements SparkPlugin {

    static final String FOLDER = "spark.gridcast.test.holds";
    static final String HOLD_FIRST_STAGE = "hold-first-stage";
    static final String FIRST_STAGE_HELD = "first-stage-held";
    static final String HOLD_TRAINING = "hold-training";
    static final String TRAINING_HELD = "training-held";
    /** Logged by the executor that trains the ConvLSTM once its first epoch is done. */
    static final String TRAINING_LINE = "train all/convlstm: epoch 1/";

    @Override
    public DriverPlugin driverPlugin() {
        return null;
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return new ExecutorPlugin() {
            private Path folder;
            private String worker;

            @Override
            public void init(PluginContext context, Map<String, String> extraConf) {
                folder = Path.of(context.conf().get(FOLDER));
                worker = Path.of("").toAbsolutePath().getParent().getParent().getFileName().toString();
                // Unsynchronised: the held thread must not stop the executor's other threads from logging.
                UnsynchronizedAppenderBase<ILoggingEvent> holdTraining = new UnsynchronizedAppenderBase<>() {
                    @Override
                    protected void append(ILoggingEvent event) {
                        if (event.getFormattedMessage().contains(TRAINING_LINE) && Files.exists(folder.resolve(HOLD_TRAINING))) {
                            write(folder.resolve(TRAINING_HELD), worker);
                            holdForGood();
                        }
                    }
                };
                LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
                holdTraining.setContext(logging);
                holdTraining.start();
                logging.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(holdTraining);
            }

            @Override
            public void onTaskStart() {
                if (TaskContext.get().stageId() != 0 || !Files.exists(folder.resolve(HOLD_FIRST_STAGE))) {
                    return;
                }
                if (worker.equals("worker-0")) {
                    write(folder.resolve(FIRST_STAGE_HELD), worker);
                    holdForGood();
                }
                while (Files.exists(folder.resolve(HOLD_FIRST_STAGE))) {
                    sleep();
                }
            }
        };
    }

    /** Written whole before the test can see it. */
    private static void write(Path file, String text) {
        try {
            Path staging = Files.writeString(file.resolveSibling(file.getFileName() + ".tmp"), text);
            Files.move(staging, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void holdForGood() {
        while (true) {
            sleep();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            // held all the same: only the worker's death ends it
        }
    }
}
