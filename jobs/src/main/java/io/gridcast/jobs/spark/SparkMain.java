package io.gridcast.jobs.spark;

import io.gridcast.features.Region;
import io.gridcast.features.RegionFeatures;
import io.gridcast.ingest.catalog.FrameCatalog;
import io.gridcast.ingest.catalog.FrameIngest;
import io.gridcast.jobs.batch.RunSettings;
import io.gridcast.jobs.batch.StageSupport;
import io.gridcast.jobs.config.ConfigLoader;
import io.gridcast.jobs.config.GridcastConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point of the application jar for {@code spark-submit} (build it with {@code mvn -Pspark-app package}):
 * the ingest and features stages on whatever cluster spark-submit names, without Spring or the job repository.
 * <pre>spark-submit --class io.gridcast.jobs.spark.SparkMain gridcast-spark.jar CONFIG INPUT_DIR WORK_DIR [VARIABLE]</pre>
 * The work folder must be shared by driver and executors only for the catalog the driver writes; executors read
 * the archive, so INPUT_DIR must be visible to every worker (a shared file system).
 */
public final class SparkMain {

    private static final Logger log = LoggerFactory.getLogger(SparkMain.class);

    private SparkMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: spark-submit --class " + SparkMain.class.getName()
                    + " gridcast-spark.jar CONFIG INPUT_DIR WORK_DIR [VARIABLE]");
            System.exit(2);
        }
        GridcastConfig config = ConfigLoader.load(Path.of(args[0]));
        Path input = config.confineInput(Path.of(args[1]), "INPUT_DIR");
        Path work = config.confineWork(Path.of(args[2]), "WORK_DIR");
        String variable = args.length == 4 ? args[3] : config.input().variable();
        RunSettings settings = new RunSettings(Path.of(args[0]), input, variable, work, RunSettings.newRunName(),
                List.of(), null);
        // spark-submit sets the master; the configuration's spark.settings still apply.
        SparkSession.Builder builder = SparkSession.builder().appName("gridcast")
                .config("spark.sql.session.timeZone", "UTC");
        config.sparkSettings().forEach(builder::config);
        SparkSession spark = builder.getOrCreate();
        try {
            for (String inputVariable : config.inputs(variable)) {
                FrameIngest.Summary summary = FrameIngest.run(spark, new FrameIngest.Request(input, config.pattern(),
                        inputVariable, config.reader(), settings.catalogDir(inputVariable), config.units(inputVariable)));
                System.out.println("gridcast: ingest " + summary.describe() + "; catalog in "
                        + settings.catalogDir(inputVariable));
            }
            FrameCatalog catalog = FrameCatalog.load(spark, settings.catalogDir());
            for (Region region : config.regionList()) {
                RegionFeatures features = StageSupport.prepare(spark, settings, config, catalog, region);
                log.info("features {}: channels {}", region.name(), features.channels());
                System.out.println("gridcast: features of region " + region.name() + ": " + features.channels());
            }
        } finally {
            spark.stop();
        }
    }
}
