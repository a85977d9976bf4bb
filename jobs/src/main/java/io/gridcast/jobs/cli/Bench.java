package io.gridcast.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridcast.features.ChannelTransform;
import io.gridcast.features.DynamicInput;
import io.gridcast.features.Region;
import io.gridcast.features.RegionFeatures;
import io.gridcast.features.Statistics;
import io.gridcast.features.TransformSpec;
import io.gridcast.features.WindowIterator;
import io.gridcast.features.WindowPlan;
import io.gridcast.features.WindowShape;
import io.gridcast.features.WindowSpec;
import io.gridcast.ingest.AtomicFiles;
import io.gridcast.ingest.catalog.FrameCatalog;
import io.gridcast.ingest.catalog.FrameIngest;
import io.gridcast.ingest.catalog.SparkSessions;
import io.gridcast.ingest.read.ReaderSpec;
import io.gridcast.ingest.synth.SyntheticArchive;
import io.gridcast.ingest.synth.SyntheticWeather;
import io.gridcast.models.EnsembleNowcaster;
import io.gridcast.models.Nowcaster;
import io.gridcast.models.TrainableNowcaster;
import io.gridcast.models.networks.OneDnnGateConvolution;
import io.gridcast.models.nowcasts.LearningRateSchedule;
import io.gridcast.models.nowcasts.ModelSpec;
import io.gridcast.models.nowcasts.ModelVariants;
import io.gridcast.models.nowcasts.Perturbation;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gridcast bench}: benchmarks of one stage alone, without Spring: model training steps, or ingest on Spark. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time one stage alone (no Spring) and print one JSON line: model training steps, ingest, the "
                + "features stage, an ensemble's forecast; or replay a live feed against the schedule.",
        subcommands = {Bench.Train.class, Bench.Kernels.class, Bench.Features.class, Bench.Ingest.class,
                Bench.Forecast.class, FeedBench.class, CommandLine.HelpCommand.class})
final class Bench {

    @Command(name = "kernels", mixinStandardHelpOptions = true,
            description = "Time, alone, the float convolutions a ConvLSTM training step is made of, oneDNN's "
                    + "primitives as training runs them on [batch, size, size, in] activations, layout conversions "
                    + "included: forward (the gate convolution), backward_weights (the weight and bias gradients, "
                    + "added to the running sums) and backward (those and the input gradient); print one JSON line "
                    + "with each one's median milliseconds and GFLOP/s and oneDNN's implementations (Winograd's or "
                    + "direct): the ceiling a training step can reach on this machine. bench/conv_torch.py times "
                    + "PyTorch's on the same shapes.")
    static final class Kernels implements Callable<Integer> {
        @Option(names = "--batch", defaultValue = "4", description = "images (default: ${DEFAULT-VALUE})")
        int batch;

        @Option(names = "--size", defaultValue = "64", description = "grid cells per side (default: ${DEFAULT-VALUE})")
        int size;

        @Option(names = "--in", defaultValue = "64",
                description = "input channels: a ConvLSTM layer's input and hidden state (default: ${DEFAULT-VALUE})")
        int in;

        @Option(names = "--out", defaultValue = "128",
                description = "output channels: four gates of the hidden channels (default: ${DEFAULT-VALUE})")
        int out;

        @Option(names = "--kernel", defaultValue = "3", description = "kernel size, odd (default: ${DEFAULT-VALUE})")
        int kernel;

        @Option(names = "--reps", defaultValue = "20", description = "timed calls of each (default: ${DEFAULT-VALUE})")
        int reps;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (batch < 1 || size < 1 || in < 1 || out < 1 || kernel < 1 || kernel % 2 == 0 || reps < 1) {
                throw new IllegalArgumentException("expected --batch, --size, --in, --out and --reps >= 1 and an odd "
                        + "--kernel, got " + batch + ", " + size + ", " + in + ", " + out + ", " + reps + " and "
                        + kernel);
            }
            Nd4j.getRandom().setSeed(42);
            INDArray x = Nd4j.rand(DataType.FLOAT, batch, size, size, in);
            INDArray w = Nd4j.rand(DataType.FLOAT, out, in, kernel, kernel).subi(0.5);
            INDArray b = Nd4j.rand(DataType.FLOAT, out);
            INDArray y = Nd4j.zeros(DataType.FLOAT, batch, size, size, out);
            INDArray dy = Nd4j.rand(DataType.FLOAT, batch, size, size, out);
            INDArray dx = Nd4j.zeros(DataType.FLOAT, batch, size, size, in);
            INDArray dw = Nd4j.zeros(DataType.FLOAT, out, in, kernel, kernel);
            INDArray db = Nd4j.zeros(DataType.FLOAT, out);
            OneDnnGateConvolution conv = OneDnnGateConvolution.standalone(in, out, kernel, size, size);
            conv.loadForwardWeights(w, batch);
            conv.loadBackwardWeights(w, batch);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("bench", "kernels");
            json.put("batch", batch);
            json.put("size", size);
            json.put("in", in);
            json.put("out", out);
            json.put("kernel", kernel);
            double flops = 2.0 * batch * size * size * kernel * kernel * in * out;
            json.put("gflop", Train.round(flops / 1e9));
            INDArray kept = Nd4j.zeros(DataType.FLOAT, conv.keptInputLength(batch));
            Map<String, Runnable> kernels = new LinkedHashMap<>();
            kernels.put("forward", () -> conv.forward(x, b, kept, y, batch));
            kernels.put("backward_weights", () -> conv.backward(kept, dy, null, dw, db, batch));
            kernels.put("backward", () -> conv.backward(kept, dy, dx, dw, db, batch));
            kernels.forEach((name, call) -> {
                double ms = medianMillis(call);
                json.put(name + "_ms", Train.round(ms));
                // The full backward is two convolutions' work.
                json.put(name + "_gflops", Train.round((name.equals("backward") ? 2 : 1) * flops / ms / 1e6));
            });
            json.put("implementation", conv.implementation(batch));
            json.putAll(Train.backend());
            spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(json));
            return 0;
        }

        /** Median milliseconds of --reps calls, after as many untimed ones. */
        private double medianMillis(Runnable kernelCall) {
            for (int i = 0; i < reps; i++) {
                kernelCall.run();
            }
            double[] ms = new double[reps];
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                kernelCall.run();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            return Train.median(ms);
        }
    }

    @Command(name = "features", mixinStandardHelpOptions = true,
            description = "Write a synthetic archive of --frames frames, ingest it on Spark, then time the features"
                    + " stage on one region covering the whole grid (shards, training statistics, window plan) and"
                    + " stream every window of every split once; print one JSON line with windows, seconds,"
                    + " windows_per_s, peak_rss_mb (the features stage's peak resident set) and process_peak_rss_mb"
                    + " (the whole process's, archive and ingest included): run each size in a fresh JVM.")
    static final class Features implements Callable<Integer> {
        @Option(names = "--frames", required = true, description = "synthetic frames, 5 minutes apart")
        int frames;

        @Option(names = "--size", defaultValue = "64", description = "grid cells per side (default: ${DEFAULT-VALUE})")
        int size;

        @Option(names = "--in", defaultValue = "4", description = "input frames (default: ${DEFAULT-VALUE})")
        int in;

        @Option(names = "--out", defaultValue = "4", description = "lead times (default: ${DEFAULT-VALUE})")
        int out;

        @Option(names = "--batch", defaultValue = "8", description = "windows per batch (default: ${DEFAULT-VALUE})")
        int batch;

        @Option(names = "--seed", defaultValue = "42", description = "archive and shuffling (default: ${DEFAULT-VALUE})")
        long seed;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Path work = Files.createTempDirectory("gridcast-bench-features");
            try {
                Map<String, Object> result = run(work);
                spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(result));
            } finally {
                AtomicFiles.deleteTree(work);
            }
            return 0;
        }

        private Map<String, Object> run(Path work) throws IOException {
            SyntheticArchive.Spec archiveSpec = new SyntheticArchive.Spec(frames, size, seed, Duration.ofMinutes(5),
                    Instant.parse("2026-01-01T00:00:00Z"));
            SyntheticArchive.Result archive = SyntheticArchive.write(work.resolve("synth"), archiveSpec);
            SparkSession spark = SparkSessions.create("local[*]", Map.of("spark.ui.enabled", "false"));
            try {
                FrameIngest.run(spark, new FrameIngest.Request(archive.framesDir(), "*.nc", SyntheticArchive.VARIABLE,
                        "cf-netcdf", work.resolve("catalog")));
                FrameCatalog catalog = FrameCatalog.load(spark, work.resolve("catalog"));
                double half = size / 2.0;
                long processPeak = peakRssMb();
                startStagePeak();
                long start = System.nanoTime();
                RegionFeatures features = RegionFeatures.prepare(spark,
                        List.of(new DynamicInput(catalog, TransformSpec.STANDARDISE)), List.of(),
                        new Region("whole", -half, half, -half, half, 1.0), WindowSpec.of(in, out),
                        work.resolve("features"));
                long windows = 0;
                for (WindowPlan.Split split : features.plan().splits()) {
                    try (WindowIterator iterator = features.iterator(split, batch,
                            split == features.plan().train() ? seed : null)) {
                        while (iterator.hasNext()) {
                            DataSet batch = iterator.next();
                            windows += batch.getFeatures().size(0);
                            iterator.release(batch);
                        }
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("bench", "features");
                json.put("frames", frames);
                json.put("size", size);
                json.put("windows", windows);
                json.put("seconds", Train.round(seconds));
                json.put("windows_per_s", Train.round(windows / seconds));
                long stagePeak = peakRssMb();
                json.put("peak_rss_mb", stagePeak);
                json.put("process_peak_rss_mb", Math.max(processPeak, stagePeak));
                json.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
                return json;
            } finally {
                spark.stop();
            }
        }

        /**
         * Starts measuring the features stage's own peak: a full collection hands back the heap the archive and
         * ingest left behind, then the kernel's peak resident set (VmHWM) is reset to the current one
         * ({@code /proc/self/clear_refs}, Linux 4.0 and later).
         */
        private static void startStagePeak() throws IOException {
            System.gc();
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        }

    }

    /** The process's peak resident set (VmHWM) since start or the last reset: heap, native memory and all. */
    static long peakRssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        throw new IOException("/proc/self/status has no VmHWM line: peak RSS is measured on Linux only");
    }

    /**
     * The window a model bench runs on, one channel on a square grid: a picocli mixin of {@code train} and
     * {@code forecast}, each with its own defaults.
     */
    static final class Window {
        @Option(names = "--t-in", description = "input frames (default: ${DEFAULT-VALUE})")
        int tIn;

        @Option(names = "--t-out", description = "lead times (default: ${DEFAULT-VALUE})")
        int tOut;

        @Option(names = "--size", description = "grid cells per side (default: ${DEFAULT-VALUE})")
        int size;

        /** The defaults (picocli's, shown in the help) are these initial values. */
        Window(int tIn, int tOut, int size) {
            this.tIn = tIn;
            this.tOut = tOut;
            this.size = size;
        }

        WindowShape shape() {
            return new WindowShape(tIn, tOut, 1, size, size);
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Time training steps (forward, backward, update on one batch) of a freshly built model on "
                    + "random inputs, after warm-up steps; print one JSON line with median_step_s and samples_per_s "
                    + "on standard output (logs go to standard error).")
    static final class Train implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "trainable model type: convlstm or cnnlstm")
        String model;

        @Option(names = "--batch", defaultValue = "4", description = "windows per batch (default: ${DEFAULT-VALUE})")
        int batch;

        @Mixin
        Window window = new Window(10, 10, 64);

        @Option(names = "--hidden", defaultValue = "32",
                description = "ConvLSTM channels or LSTM units per layer (default: ${DEFAULT-VALUE})")
        int hidden;

        @Option(names = "--layers", defaultValue = "2", description = "recurrent layers (default: ${DEFAULT-VALUE})")
        int layers;

        @Option(names = "--kernel", defaultValue = "3", description = "kernel size (default: ${DEFAULT-VALUE})")
        int kernel;

        @Option(names = "--filters", defaultValue = "8,16", split = ",",
                description = "CNN-LSTM encoder filters per stage (default: ${DEFAULT-VALUE})")
        List<Integer> filters;

        @Option(names = "--peephole", description = "ConvLSTM: Hadamard peephole terms")
        boolean peephole;

        @Option(names = "--patch", defaultValue = "1",
                description = "ConvLSTM: space-to-depth patch size (default: ${DEFAULT-VALUE})")
        int patch;

        @Option(names = "--steps", defaultValue = "10", description = "timed steps (default: ${DEFAULT-VALUE})")
        int steps;

        @Option(names = "--warmup", defaultValue = "2", description = "untimed steps first (default: ${DEFAULT-VALUE})")
        int warmup;

        @Option(names = "--seed", defaultValue = "42", description = "weights and inputs (default: ${DEFAULT-VALUE})")
        long seed;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!ModelVariants.isTrainable(model)) {
                throw new IllegalArgumentException("--model: expected a trainable model (convlstm or cnnlstm), got '"
                        + model + "'");
            }
            if (steps < 1 || warmup < 0 || batch < 1) {
                throw new IllegalArgumentException("expected --steps >= 1, --warmup >= 0 and --batch >= 1, got "
                        + steps + ", " + warmup + " and " + batch);
            }
            Map<String, Object> result = run();
            spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(result));
            return 0;
        }

        private Map<String, Object> run() {
            WindowShape shape = window.shape();
            TrainableNowcaster nowcaster = ModelVariants.create(new ModelSpec("bench", model,
                    Collections.nCopies(layers, hidden), kernel, filters, 1, batch, 1e-3, seed,
                    LearningRateSchedule.CONSTANT, 0, 0, 0, peephole, patch, "mse"), shape);
            Nd4j.getRandom().setSeed(seed);
            DataSet data = new DataSet(Nd4j.randn(DataType.FLOAT, batch, shape.in(), 1, shape.height(),
                    shape.width()), Nd4j.randn(DataType.FLOAT, batch, shape.out(), shape.height(), shape.width()));
            for (int i = 0; i < warmup; i++) {
                nowcaster.fitBatch(data);
            }
            double[] stepSeconds = new double[steps];
            for (int i = 0; i < steps; i++) {
                long start = System.nanoTime();
                nowcaster.fitBatch(data);
                stepSeconds[i] = (System.nanoTime() - start) / 1e9;
            }
            // A forward pass alone, to tell how a step splits between forward and backward plus update.
            double[] forwardSeconds = new double[Math.min(steps, 3)];
            INDArray features = data.getFeatures();
            for (int i = 0; i < forwardSeconds.length; i++) {
                long start = System.nanoTime();
                nowcaster.predict(features);
                forwardSeconds[i] = (System.nanoTime() - start) / 1e9;
            }
            double median = median(stepSeconds);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("bench", "train");
            json.put("model", model);
            json.put("batch", batch);
            json.put("t_in", window.tIn);
            json.put("t_out", window.tOut);
            json.put("size", window.size);
            json.put("hidden", hidden);
            json.put("layers", layers);
            json.put("kernel", kernel);
            json.put("peephole", peephole);
            json.put("patch", patch);
            json.put("steps", steps);
            json.put("median_step_s", round(median));
            json.put("samples_per_s", round(batch / median));
            json.put("median_forward_s", round(median(forwardSeconds)));
            json.put("step_s", Arrays.stream(stepSeconds).map(Train::round).boxed().toList());
            json.put("params", nowcaster.parameters());
            json.putAll(backend());
            return json;
        }

        /** ND4J's backend (BLAS vendor, oneDNN or not) and its thread count: what the timings ran on. */
        static Map<String, Object> backend() {
            Map<String, Object> environment = Nd4j.getExecutioner().getEnvironmentInformation().entrySet().stream()
                    .collect(LinkedHashMap::new, (m, e) -> m.put(e.getKey().toString(), e.getValue()), Map::putAll);
            boolean oneDnn = NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo().contains("HAVE_ONEDNN");
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("nd4j_backend", Nd4j.getBackend().getClass().getSimpleName() + " "
                    + environment.getOrDefault("blas.vendor", "?") + (oneDnn ? "+oneDNN" : ""));
            json.put("threads", environment.get("omp.threads"));
            return json;
        }

        static double median(double[] values) {
            List<Double> sorted = new ArrayList<>(Arrays.stream(values).boxed().toList());
            Collections.sort(sorted);
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }

        static double round(double value) {
            return Math.round(value * 1e4) / 1e4;
        }
    }

    @Command(name = "forecast", mixinStandardHelpOptions = true,
            description = "Time a variant's forecast of one window as the forecast job makes it: the deterministic "
                    + "forecast against its ensemble's time per member (every member made, divided by --members), in "
                    + "alternating pairs after --warmup untimed ones, on a window of the synthetic archive's rain; "
                    + "print one JSON line with both medians, the median of the pairs' ratios (member_ratio: at most "
                    + "1 when a member costs no more than the deterministic forecast) and every pair's times.")
    static final class Forecast implements Callable<Integer> {
        @Option(names = "--model", defaultValue = ModelVariants.ADVECTION_ENSEMBLE,
                description = "advection-ensemble, or a trainable type perturbed, untrained: convlstm or cnnlstm "
                        + "(default: ${DEFAULT-VALUE})")
        String model;

        @Option(names = "--members", defaultValue = "20", description = "ensemble members (default: ${DEFAULT-VALUE})")
        int members;

        @Mixin
        Window window = new Window(4, 4, 32);

        @Option(names = "--hidden", defaultValue = "32",
                description = "ConvLSTM channels or LSTM units, one layer (default: ${DEFAULT-VALUE})")
        int hidden;

        @Option(names = "--pairs", defaultValue = "5",
                description = "timed pairs, the deterministic forecast first in odd ones (default: ${DEFAULT-VALUE})")
        int pairs;

        @Option(names = "--warmup", defaultValue = "2", description = "untimed pairs first (default: ${DEFAULT-VALUE})")
        int warmup;

        @Option(names = "--seed", defaultValue = "42", description = "rain, weights and members (default: ${DEFAULT-VALUE})")
        long seed;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!model.equals(ModelVariants.ADVECTION_ENSEMBLE) && !ModelVariants.isTrainable(model)) {
                throw new IllegalArgumentException("--model: expected advection-ensemble, convlstm or cnnlstm, got '"
                        + model + "'");
            }
            if (members < 2 || pairs < 1 || warmup < 0 || window.size < 16 || window.tIn < 2 || window.tOut < 1) {
                throw new IllegalArgumentException("expected --members >= 2, --pairs >= 1, --warmup >= 0, --size >= 16,"
                        + " --t-in >= 2 and --t-out >= 1, got " + members + ", " + pairs + ", " + warmup + ", "
                        + window.size + ", " + window.tIn + " and " + window.tOut);
            }
            WindowShape shape = window.shape();
            float[] frames = rain(shape);
            ChannelTransform target = standardised(frames);
            for (int i = 0; i < frames.length; i++) {
                frames[i] = target.forward(frames[i]);
            }
            INDArray input = Nd4j.create(frames, new long[] {1, shape.in(), 1, shape.height(), shape.width()}, 'c');
            ModelSpec variant = new ModelSpec("bench", model, List.of(hidden), 3, List.of(8, 16), 1, 1, 1e-3, seed,
                    LearningRateSchedule.CONSTANT, 0, 0, 0, false, 1, "mse", false, "none", members,
                    Perturbation.DEFAULT);
            Nowcaster deterministic = ModelVariants.isTrainable(model) ? ModelVariants.create(variant, shape)
                    : ModelVariants.baseline(model, shape);
            EnsembleNowcaster ensemble = (EnsembleNowcaster) ModelVariants.ensemble(variant, deterministic, target);
            Runnable control = () -> ensemble.predict(input);
            Runnable everyMember = () -> {
                EnsembleNowcaster.Members made = ensemble.of(input);
                for (int m = 0; m < members; m++) {
                    made.member(m);
                }
            };
            double[] deterministicSeconds = new double[pairs];
            double[] memberSeconds = new double[pairs];
            double[] ratios = new double[pairs];
            for (int p = -warmup; p < pairs; p++) {
                double d;
                double e;
                if (Math.floorMod(p, 2) == 0) {
                    d = seconds(control);
                    e = seconds(everyMember) / members;
                } else {
                    e = seconds(everyMember) / members;
                    d = seconds(control);
                }
                if (p >= 0) {
                    deterministicSeconds[p] = d;
                    memberSeconds[p] = e;
                    ratios[p] = e / d;
                }
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("bench", "forecast");
            json.put("model", model);
            json.put("members", members);
            json.put("size", window.size);
            json.put("t_in", window.tIn);
            json.put("t_out", window.tOut);
            if (ModelVariants.isTrainable(model)) {
                json.put("hidden", hidden);
            }
            json.put("pairs", pairs);
            json.put("deterministic_s", Train.round(Train.median(deterministicSeconds)));
            json.put("member_s", Train.round(Train.median(memberSeconds)));
            json.put("member_ratio", Train.round(Train.median(ratios)));
            json.put("pair_deterministic_s", Arrays.stream(deterministicSeconds).map(Train::round).boxed().toList());
            json.put("pair_member_s", Arrays.stream(memberSeconds).map(Train::round).boxed().toList());
            json.putAll(Train.backend());
            spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(json));
            return 0;
        }

        /** {@code t-in} consecutive frames of the synthetic archive's rain, after a few steps so that cells grow. */
        private float[] rain(WindowShape shape) {
            SyntheticWeather weather = new SyntheticWeather(shape.width(), seed);
            for (int t = 0; t < 10; t++) {
                weather.next();
            }
            int cells = shape.height() * shape.width();
            float[] frames = new float[shape.in() * cells];
            for (int t = 0; t < shape.in(); t++) {
                System.arraycopy(weather.next(), 0, frames, t * cells, cells);
            }
            return frames;
        }

        /** Standardised by the window's own mean and standard deviation, as if they were the training period's. */
        private static ChannelTransform standardised(float[] values) {
            double sum = 0;
            double squares = 0;
            double max = 0;
            for (float v : values) {
                sum += v;
                squares += (double) v * v;
                max = Math.max(max, v);
            }
            double mean = sum / values.length;
            double std = Math.sqrt(Math.max(0, squares / values.length - mean * mean));
            return TransformSpec.STANDARDISE.fit(new Statistics(values.length, mean, std, 0, max, 0, 0, max));
        }

        private static double seconds(Runnable run) {
            long start = System.nanoTime();
            run.run();
            return (System.nanoTime() - start) / 1e9;
        }
    }

    @Command(name = "ingest", mixinStandardHelpOptions = true,
            description = "Time the ingest of a folder on Spark: start Spark, ingest once to warm up, then time "
                    + "--runs full ingests (each into a fresh catalog, so nothing is reused) and print one JSON line "
                    + "with frames, the median seconds, frames_per_s and process CPU seconds of the timed runs (and the JIT "
                    + "compiler's and garbage collector's seconds among them), on Linux the CPU seconds of Spark's task threads "
                    + "(task_cpu_s), the seconds they waited for a free core (task_wait_s), the JIT compiler's threads' CPU "
                    + "seconds (jit_cpu_s) and the seconds the hypervisor took the machine's cores (steal_s), JVM and Spark "
                    + "start-up seconds apart, and the peak heap (logs go to standard error). With several masters, one "
                    + "such line for each, then one comparing them.")
    static final class Ingest implements Callable<Integer> {
        @Option(names = "--input", required = true, paramLabel = "DIR", description = "archive folder")
        Path input;

        @Option(names = "--variable", required = true, paramLabel = "NAME", description = "variable to read")
        String variable;

        @Option(names = "--reader", defaultValue = "cf-netcdf",
                description = "importer name: cf-netcdf, grib, knmi-hdf5 or odim-hdf5 (default: ${DEFAULT-VALUE})")
        String reader;

        @Option(names = "--option", paramLabel = "KEY=VALUE",
                description = "a setting of the importer, as in input.options (e.g. "
                        + "aliases.precipitation_rate=VAR209-6-1_FROM_161-0--1_altitude_above_msl); repeatable")
        Map<String, String> options = new LinkedHashMap<>();

        @Option(names = "--units", description = "the variable's units, as variables.<name>.units: files that "
                + "state none (MRMS GRIB) take them")
        String units;

        @Option(names = "--pattern", defaultValue = "*.nc", description = "glob on file names (default: ${DEFAULT-VALUE})")
        String pattern;

        @Option(names = "--master", defaultValue = "local[*]", split = ",", paramLabel = "MASTER",
                description = "Spark master (default: ${DEFAULT-VALUE}); several, comma-separated (e.g. "
                        + "local[1],local[2]), are compared in --rounds")
        List<String> masters;

        @Option(names = "--runs", defaultValue = "3", description = "timed ingests after the warm-up (default: ${DEFAULT-VALUE})")
        int runs;

        @Option(names = "--rounds", defaultValue = "1",
                description = "with several masters: in each round every master in turn starts Spark, ingests once "
                        + "untimed and then --runs times, so that they are compared at nearly the same moment on a "
                        + "machine whose speed drifts; the last line gives each round's frames/s ratio to the first "
                        + "master (default: ${DEFAULT-VALUE})")
        int rounds;

        @Option(names = "--warmup", defaultValue = "1",
                description = "untimed ingests first (default: ${DEFAULT-VALUE}; the JIT compiler keeps compiling "
                        + "Spark's and Parquet's once-per-run code for hundreds of runs, so steady state takes about "
                        + "300 on the BOM day's 144 files and 50 on 2,000; jit_cpu_s shows what it still compiles in a "
                        + "timed run)")
        int warmup;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        /** What the first ingest read, on whichever master: every later one must read the same. */
        private FrameIngest.Summary firstIngest;

        /** Cells of the archive's grid, from the first ingest's catalog. */
        private long frameCells;

        @Override
        public Integer call() throws Exception {
            if (runs < 1 || warmup < 0 || rounds < 1) {
                throw new IllegalArgumentException("expected --runs >= 1, --warmup >= 0 and --rounds >= 1, got "
                        + runs + ", " + warmup + " and " + rounds);
            }
            if (masters.isEmpty() || masters.size() != new HashSet<>(masters).size()) {
                throw new IllegalArgumentException("--master: expected one or more different masters, got "
                        + masters);
            }
            if (!Files.isDirectory(input)) {
                throw new IllegalArgumentException("--input: folder " + input + " does not exist or is not a folder");
            }
            double jvmStart = ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
            // Spark's INFO lines cost time.
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                    .setLevel(ch.qos.logback.classic.Level.WARN);
            Path scratch = Files.createTempDirectory("gridcast-bench-ingest");
            List<Runs> byMaster = masters.stream().map(m -> new Runs()).toList();
            double[][] roundFramesPerSecond = new double[rounds][masters.size()];
            SparkSession spark = null;
            double warmupSeconds = 0;
            int ingests = 0;
            try {
                for (int round = 0; round < rounds; round++) {
                    for (int m = 0; m < masters.size(); m++) {
                        Runs timed = byMaster.get(m);
                        if (spark == null || masters.size() > 1) {
                            if (spark != null) {
                                spark.stop();
                            }
                            long t0 = System.nanoTime();
                            spark = SparkSessions.create(masters.get(m), Map.of());
                            if (round == 0) {
                                timed.sparkStart = (System.nanoTime() - t0) / 1e9;
                                timed.cores = spark.sparkContext().defaultParallelism();
                            }
                            t0 = System.nanoTime();
                            // After the first warm-up, one untimed ingest on each new session: its first job
                            // starts the executor's threads.
                            for (int i = 0; i < (round == 0 && m == 0 ? warmup : 1); i++) {
                                timed.check(ingest(spark, scratch.resolve("untimed" + ingests++)));
                            }
                            if (round == 0 && m == 0) {
                                warmupSeconds = (System.nanoTime() - t0) / 1e9;
                            }
                        }
                        double[] seconds = new double[runs];
                        for (int i = 0; i < runs; i++) {
                            Path catalog = scratch.resolve("run" + ingests++);
                            SparkSession session = spark;
                            seconds[i] = timed.time(() -> ingest(session, catalog));
                        }
                        roundFramesPerSecond[round][m] = timed.last.frames() / Train.median(seconds);
                    }
                }
                for (int m = 0; m < masters.size(); m++) {
                    Map<String, Object> json = byMaster.get(m).json(masters.get(m));
                    json.put("warmup_s", Train.round(warmupSeconds));
                    json.put("jvm_start_s", Train.round(jvmStart));
                    json.put("peak_heap_mb", Math.round(peakHeapBytes() / 1048576.0));
                    json.put("peak_rss_mb", peakRssMb());
                    json.put("max_heap_mb", Math.round(Runtime.getRuntime().maxMemory() / 1048576.0));
                    spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(json));
                }
                if (masters.size() > 1) {
                    spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(
                            comparison(roundFramesPerSecond)));
                }
            } finally {
                if (spark != null) {
                    spark.stop();
                }
                AtomicFiles.deleteTree(scratch);
            }
            return 0;
        }

        /** Each round's frames/s per master, and each master's ratio to the first (per round, and their median). */
        private Map<String, Object> comparison(double[][] roundFramesPerSecond) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("bench", "ingest-comparison");
            json.put("masters", masters);
            json.put("rounds", rounds);
            json.put("round_frames_per_s", Arrays.stream(roundFramesPerSecond)
                    .map(r -> Arrays.stream(r).map(Train::round).boxed().toList()).toList());
            List<List<Double>> ratios = Arrays.stream(roundFramesPerSecond)
                    .map(r -> Arrays.stream(r).map(f -> Train.round(f / r[0])).boxed().toList()).toList();
            json.put("round_ratio", ratios);
            json.put("median_ratio", IntStream.range(0, masters.size())
                    .mapToObj(m -> Train.round(Train.median(ratios.stream().mapToDouble(r -> r.get(m)).toArray())))
                    .toList());
            return json;
        }

        /** The timed runs of one master, and what each cost. */
        private final class Runs {
            final List<Double> seconds = new ArrayList<>();
            final List<Double> cpu = new ArrayList<>();
            final List<Double> jit = new ArrayList<>();
            final List<Double> gc = new ArrayList<>();
            final List<Double> taskCpu = new ArrayList<>();
            final List<Double> taskWait = new ArrayList<>();
            final List<Double> compilerCpu = new ArrayList<>();
            final List<Double> steal = new ArrayList<>();
            double sparkStart;
            int cores;
            FrameIngest.Summary last;

            /** Runs one ingest and records its seconds and costs. */
            double time(Supplier<FrameIngest.Summary> ingest) {
                Map<String, ThreadCpu.Times> threads0 = ThreadCpu.byThread();
                double steal0 = ThreadCpu.stealSeconds();
                long t0 = System.nanoTime();
                long cpu0 = processCpuNanos();
                long jit0 = jitMillis();
                long gc0 = gcMillis();
                FrameIngest.Summary s = ingest.get();
                double wall = (System.nanoTime() - t0) / 1e9;
                seconds.add(wall);
                cpu.add((processCpuNanos() - cpu0) / 1e9);
                jit.add((jitMillis() - jit0) / 1e3);
                gc.add((gcMillis() - gc0) / 1e3);
                steal.add(ThreadCpu.stealSeconds() - steal0);
                Map<String, ThreadCpu.Times> threads1 = ThreadCpu.byThread();
                taskCpu.add(ThreadCpu.since(threads0, threads1, ThreadCpu.TASKS) / 1e9);
                taskWait.add(ThreadCpu.waitingSince(threads0, threads1, ThreadCpu.TASKS) / 1e9);
                compilerCpu.add(ThreadCpu.since(threads0, threads1, ThreadCpu.COMPILERS) / 1e9);
                check(s);
                return wall;
            }

            /** Every ingest of the folder, on every master, must read the same frames. */
            void check(FrameIngest.Summary s) {
                if (firstIngest != null && s.frames() != firstIngest.frames()) {
                    throw new IllegalStateException("an ingest read " + s.frames() + " frames, the first one "
                            + firstIngest.frames());
                }
                if (firstIngest == null) {
                    firstIngest = s;
                    // The description alone: a Spark SQL read of the frames table would add its own classes and
                    // garbage to the peak resident set this command reports, which ingest itself never reads.
                    frameCells = FrameCatalog.readDescription(s.catalogDir()).grid().cells();
                }
                last = s;
            }

            Map<String, Object> json(String master) {
                double median = median(seconds);
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("bench", "ingest");
                json.put("input", input.toString());
                json.put("variable", variable);
                json.put("reader", reader);
                json.put("master", master);
                json.put("cores", cores);
                json.put("files", last.files());
                json.put("quarantined_files", last.quarantinedFiles());
                json.put("frames", last.frames());
                json.put("seconds", Train.round(median));
                json.put("frames_per_s", Train.round(last.frames() / median));
                // Decoded values as float, the measure of the xarray and cfgrib references.
                json.put("frame_mb", Train.round(frameCells * 4 / 1e6));
                json.put("mb_per_s", Train.round(last.frames() * frameCells * 4 / 1e6 / median));
                json.put("run_s", rounded(seconds));
                json.put("cpu_s", Train.round(median(cpu)));
                json.put("run_cpu_s", rounded(cpu));
                json.put("jit_s", Train.round(median(jit)));
                if (ThreadCpu.AVAILABLE) {
                    json.put("task_cpu_s", Train.round(median(taskCpu)));
                    json.put("run_task_cpu_s", rounded(taskCpu));
                    json.put("task_wait_s", Train.round(median(taskWait)));
                    json.put("run_task_wait_s", rounded(taskWait));
                    json.put("jit_cpu_s", Train.round(median(compilerCpu)));
                    json.put("steal_s", Train.round(median(steal)));
                }
                json.put("gc_s", Train.round(median(gc)));
                json.put("spark_start_s", Train.round(sparkStart));
                return json;
            }

            private static double median(List<Double> values) {
                return Train.median(values.stream().mapToDouble(Double::doubleValue).toArray());
            }

            private static List<Double> rounded(List<Double> values) {
                return values.stream().map(Train::round).toList();
            }
        }

        /**
         * One ingest into a fresh catalog; GRIB indexes are kept in the scratch folder's cache for every run. The
         * archive is finished: no settle time, whose wait for just-written files would be timed as reading.
         */
        private FrameIngest.Summary ingest(SparkSession spark, Path catalog) {
            return FrameIngest.run(spark, new FrameIngest.Request(input, pattern, variable,
                    ReaderSpec.of(reader, options).withWorkDefaults(catalog.getParent()), catalog, units),
                    new FrameIngest.Arrival(Duration.ZERO, FrameIngest.Arrival.DEFAULT.temporaryNames()));
        }

        /**
         * CPU time of every thread of this process (tasks, driver, GC, JIT): on a shared machine the wall seconds
         * grow with others' load, this much less.
         */
        private static long processCpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
        }

        /**
         * Time the JIT compiler threads spent compiling (all of them together): until the JVM has compiled what a
         * run executes, this competes with the tasks for the cores.
         */
        private static long jitMillis() {
            return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        }

        /** Time of every garbage collector's collections, pauses and concurrent cycles alike. */
        private static long gcMillis() {
            return ManagementFactory.getGarbageCollectorMXBeans().stream()
                    .mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
        }

        /** The sum of every heap pool's peak: what the JVM needed at most. */
        private static long peakHeapBytes() {
            return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                    .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        }
    }
}
