package io.gridcast.jobs.spark;

import io.gridcast.features.Region;
import io.gridcast.features.RegionFeatures;
import io.gridcast.ingest.catalog.FrameCatalog;
import io.gridcast.ingest.catalog.FrameIngest;
import io.gridcast.jobs.config.ConfigLoader;
import io.gridcast.jobs.config.GridcastConfig;
import java.nio.file.Path;
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

    public static void main(String[] args) {
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: spark-submit --class " + SparkMain.class.getName()
                    + " gridcast-spark.jar CONFIG INPUT_DIR WORK_DIR [VARIABLE]");
            System.exit(2);
        }
        GridcastConfig config = ConfigLoader.load(Path.of(args[0]));
        Path input = config.confineInput(Path.of(args[1]), "INPUT_DIR");
        Path work = config.confineWork(Path.of(args[2]), "WORK_DIR");
        String variable = args.length == 4 ? args[3] : config.input().variable();
        Path catalogDir = work.resolve("catalog").resolve(variable);
        // spark-submit sets the master; the configuration's spark.settings still apply.
        SparkSession.Builder builder = SparkSession.builder().appName("gridcast")
                .config("spark.sql.session.timeZone", "UTC");
        config.sparkSettings().forEach(builder::config);
        SparkSession spark = builder.getOrCreate();
        try {
            FrameIngest.Summary summary = FrameIngest.run(spark, new FrameIngest.Request(input, config.pattern(), variable,
                    config.reader(), catalogDir));
            System.out.println("gridcast: ingest " + summary.describe() + "; catalog in " + catalogDir);
            FrameCatalog catalog = FrameCatalog.load(spark, catalogDir);
            for (Region region : config.regionList()) {
                RegionFeatures features = RegionFeatures.prepare(spark, catalog, region, config.windowSpec());
                log.info("features {}: normalisation {}", region.name(), features.normalisation());
                System.out.println("gridcast: features of region " + region.name() + ": " + features.normalisation());
            }
        } finally {
            spark.stop();
        }
    }
}
