package io.gridcast.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridcast.features.WindowShape;
import io.gridcast.models.ModelSpec;
import io.gridcast.models.ModelVariants;
import io.gridcast.models.TrainableNowcaster;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gridcast bench}: micro-benchmarks of the models alone, without Spring or Spark. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time the models alone (no Spring, no Spark) and print one JSON line.",
        subcommands = {Bench.Train.class, CommandLine.HelpCommand.class})
final class Bench {

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Time training steps (forward, backward, update on one batch) of a freshly built model on "
                    + "random inputs, after warm-up steps; print one JSON line with median_step_s and samples_per_s "
                    + "on standard output (logs go to standard error).")
    static final class Train implements Callable<Integer> {
        @Option(names = "--model", required = true, description = "trainable model type: convlstm or cnnlstm")
        String model;

        @Option(names = "--batch", defaultValue = "4", description = "windows per batch (default: ${DEFAULT-VALUE})")
        int batch;

        @Option(names = "--t-in", defaultValue = "10", description = "input frames (default: ${DEFAULT-VALUE})")
        int tIn;

        @Option(names = "--t-out", defaultValue = "10", description = "lead times (default: ${DEFAULT-VALUE})")
        int tOut;

        @Option(names = "--size", defaultValue = "64", description = "grid cells per side (default: ${DEFAULT-VALUE})")
        int size;

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
            // Only the JSON line may reach standard output: libraries log (and SameDiff prints) to System.out.
            PrintStream stdout = System.out;
            System.setOut(System.err);
            try {
                Map<String, Object> result = run();
                spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(result));
            } finally {
                System.setOut(stdout);
            }
            return 0;
        }

        private Map<String, Object> run() {
            WindowShape shape = new WindowShape(tIn, tOut, 1, size, size);
            TrainableNowcaster nowcaster = ModelVariants.create(new ModelSpec("bench", model,
                    Collections.nCopies(layers, hidden), kernel, filters, 1, batch, 1e-3, seed, peephole, patch, "mse"), shape);
            Nd4j.getRandom().setSeed(seed);
            DataSet data = new DataSet(Nd4j.randn(DataType.FLOAT, batch, tIn, 1, size, size),
                    Nd4j.randn(DataType.FLOAT, batch, tOut, size, size));
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
            Map<String, Object> environment = Nd4j.getExecutioner().getEnvironmentInformation().entrySet().stream()
                    .collect(LinkedHashMap::new, (m, e) -> m.put(e.getKey().toString(), e.getValue()), Map::putAll);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("bench", "train");
            json.put("model", model);
            json.put("batch", batch);
            json.put("t_in", tIn);
            json.put("t_out", tOut);
            json.put("size", size);
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
            boolean oneDnn = NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo().contains("HAVE_ONEDNN");
            json.put("nd4j_backend", Nd4j.getBackend().getClass().getSimpleName() + " "
                    + environment.getOrDefault("blas.vendor", "?") + (oneDnn ? "+oneDNN" : ""));
            json.put("threads", environment.get("omp.threads"));
            return json;
        }

        private static double median(double[] values) {
            List<Double> sorted = new ArrayList<>(Arrays.stream(values).boxed().toList());
            Collections.sort(sorted);
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }

        private static double round(double value) {
            return Math.round(value * 1e4) / 1e4;
        }
    }
}
