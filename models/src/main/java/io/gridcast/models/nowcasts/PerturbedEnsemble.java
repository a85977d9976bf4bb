package io.gridcast.models.nowcasts;

import io.gridcast.features.ChannelTransform;
import io.gridcast.models.EnsembleNowcaster;
import io.gridcast.models.Nowcaster;
import io.gridcast.models.motion.HornSchunck.Field;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * An ensemble from any deterministic nowcaster, in the spirit of STEPS (Bowler et al. 2006, Seed et al. 2013) but
 * simpler: each member has its own motion error and its own spatially correlated multiplicative noise.
 *
 * <p>Motion error: a uniform velocity (du, dv), each component Gaussian with standard deviation
 * {@link Perturbation#motion()} cells per step, is added to the motion the model sees: input frame t of the forecast
 * variable (channel 0) is displaced by {@code -(in - 1 - t) (du, dv)}, so the last frame stays where it was observed
 * and the rain in the window appears to move with (u + du, v + dv). Advection re-estimates its flow from those frames,
 * a network reads the motion from them alike, so the error grows linearly with lead time for every method.
 *
 * <p>Noise: the forecast at lead k, in physical units, is multiplied by {@code exp(L_k - k noise^2 / 2)}, where L is a
 * random walk over leads whose steps are white Gaussian noise smoothed by a Gaussian of {@link Perturbation#scale()}
 * cells (periodic at the edges), scaled to standard deviation {@link Perturbation#noise()}: the multiplier has mean 1,
 * its spread grows as sqrt(k), and alone it leaves dry cells dry.
 *
 * <p>Rain of its own: rain the frames never saw cannot be moved or multiplied into a member, so a member also draws
 * a field of unit Gaussian noise smoothed by {@link Perturbation#rainScale()} cells, read through the last input
 * frame's distribution (its quantile at the noise's normal probability): rain in patches, as often and as heavy as
 * in the region now. An advection member takes it where rain enters from outside the region
 * ({@link Perturbation#inflow()} {@code recent}), read at the departure point outside the grid (the field repeats
 * beyond its edges), so it moves in with the flow. Any member's rain may also appear where the forecast has less:
 * at lead k in the share {@code k} {@link Perturbation#newRain()} of cells where the same field is highest, its
 * amounts the last frame's rain read by the field's rank among them, so a new cell grows from its centre. The
 * multiplicative noise then applies to all of it.
 *
 * <p>Member m draws from a generator seeded by (seed, m) alone, so it is the same whichever members are made.
 */
final class PerturbedEnsemble implements EnsembleNowcaster {

    /** The most cells of input frames one block of members puts through a model at once. */
    static final long BLOCK_CELLS = 1 << 16;
    private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

    private final String type;
    private final Nowcaster deterministic;
    private final ChannelTransform target;
    private final int members;
    private final long seed;
    private final Perturbation perturbation;

    /** @param target the forecast variable's transform, model units to physical units and back */
    PerturbedEnsemble(String type, Nowcaster deterministic, ChannelTransform target, int members, long seed,
                      Perturbation perturbation) {
        if (members < 2) {
            throw new IllegalArgumentException("an ensemble needs members >= 2, got " + members);
        }
        this.type = type;
        this.deterministic = deterministic;
        this.target = target;
        this.members = members;
        this.seed = seed;
        this.perturbation = perturbation;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public int members() {
        return members;
    }

    @Override
    public INDArray predict(INDArray inputs) {
        return deterministic.predict(inputs);
    }

    @Override
    public Members of(INDArray inputs) {
        return new Blocks(inputs);
    }

    /**
     * A member's generator, its motion error (the generator's first two draws) and its rain field (unit Gaussian,
     * drawn next; null when the member draws no rain).
     */
    private record Draw(SplittableRandom random, double du, double dv, double[] rain) {
    }

    private void requireMember(int member) {
        if (member < 0 || member >= members) {
            throw new IllegalArgumentException("member " + member + " of an ensemble of " + members);
        }
    }

    private Draw draw(int member, int height, int width) {
        requireMember(member);
        // SplittableRandom mixes its seed, so neighbouring (seed, member) pairs give unrelated streams.
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + member);
        double du = random.nextGaussian() * perturbation.motion();
        double dv = random.nextGaussian() * perturbation.motion();
        double[] rain = perturbation.drawsRain()
                ? correlatedNoise(random, height, width, perturbation.rainScale()) : null;
        return new Draw(random, du, dv, rain);
    }

    /**
     * Members of any model, a block at a time: the block's displaced inputs go through the model as one batch,
     * which costs a network less per member than one forecast alone. A block is at most {@value #BLOCK_CELLS} cells
     * of input frames (windows x members x grid cells), and always the same members, so a member does not depend
     * on which others were asked for.
     */
    private final class Blocks implements Members {
        private final INDArray inputs;
        private final Recent[] recent;
        private final int size;
        private int first = -1;
        private INDArray[] block;

        Blocks(INDArray inputs) {
            this.inputs = inputs;
            this.recent = perturbation.drawsRain() ? Recent.of(inputs) : null;
            long cells = inputs.size(0) * inputs.size(3) * inputs.size(4);
            this.size = (int) Math.max(1, Math.min(members, BLOCK_CELLS / cells));
        }

        @Override
        public INDArray member(int member) {
            requireMember(member);
            if (first < 0 || member < first || member >= first + block.length) {
                make(member / size * size);
            }
            return block[member - first];
        }

        private void make(int from) {
            int count = Math.min(size, members - from);
            Draw[] draws = new Draw[count];
            INDArray[] displaced = new INDArray[count];
            int height = (int) inputs.size(3);
            int width = (int) inputs.size(4);
            for (int j = 0; j < count; j++) {
                draws[j] = draw(from + j, height, width);
                displaced[j] = displaced(inputs, draws[j].du(), draws[j].dv());
            }
            INDArray batches = count == 1 ? displaced[0] : Nd4j.concat(0, displaced);
            int batch = (int) inputs.size(0);
            // window w of the batch is window w % batch of member w / batch; its inflow is that member's rain
            INDArray predicted = deterministic instanceof AdvectionNowcaster advection
                    && Perturbation.RECENT.equals(perturbation.inflow())
                    ? advection.predict(batches, w -> (y, x) -> recent[w % batch].quantile(
                            NORMAL.cumulativeProbability(periodic(draws[w / batch].rain(), height, width, y, x))))
                    : deterministic.predict(batches);
            block = new INDArray[count];
            for (int j = 0; j < count; j++) {
                INDArray member = predicted.get(NDArrayIndex.interval(j * batch, (j + 1) * batch),
                        NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
                block[j] = noisy(perturbation.newRain() > 0 ? withNewRain(member, draws[j].rain(), recent) : member,
                        draws[j].random());
            }
            first = from;
        }
    }

    /**
     * {@code predicted} ({@code [batch, out, height, width]}, model units) raised, at lead k, to the last frame's rain
     * in the share {@code k newRain} of cells where the member's {@code rain} field is highest.
     */
    private INDArray withNewRain(INDArray predicted, double[] rain, Recent[] recent) {
        DataType type = predicted.dataType();
        INDArray forecast = predicted.castTo(DataType.DOUBLE).dup('c');
        long[] shape = forecast.shape();
        int leads = (int) shape[1];
        int cells = rain.length;
        double[] values = forecast.data().asDouble();
        double[] probability = Arrays.stream(rain).map(NORMAL::cumulativeProbability).toArray();
        for (int k = 0; k < leads; k++) {
            double share = Math.min(1, (k + 1) * perturbation.newRain());
            for (int b = 0; b < shape[0]; b++) {
                if (!recent[b].rains()) {
                    continue;
                }
                int from = (int) ((b * shape[1] + k) * cells);
                for (int i = 0; i < cells; i++) {
                    // the cell's rank among the highest `share` of the field, 0 at their edge, 1 at the top
                    double rank = (probability[i] - (1 - share)) / share;
                    if (rank > 0) {
                        values[from + i] = Math.max(values[from + i], recent[b].rainQuantile(rank));
                    }
                }
            }
        }
        return Nd4j.create(values, shape, DataType.DOUBLE).castTo(type);
    }

    /**
     * A window's last input frame of the forecast variable, sorted (model units): the distribution a member draws
     * its own rain from. Its driest value is dry; rain is every value above it.
     */
    private record Recent(double[] sorted, int dry) {

        static Recent[] of(INDArray inputs) {
            INDArray last = Windows.lastFrame(inputs).castTo(DataType.DOUBLE);
            Recent[] recent = new Recent[(int) inputs.size(0)];
            for (int b = 0; b < recent.length; b++) {
                double[] sorted = last.get(NDArrayIndex.point(b)).dup('c').data().asDouble();
                Arrays.sort(sorted);
                int dry = 0;
                while (dry < sorted.length && sorted[dry] == sorted[0]) {
                    dry++;
                }
                recent[b] = new Recent(sorted, dry);
            }
            return recent;
        }

        /** The value at probability {@code p} of every cell's. */
        double quantile(double p) {
            return sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))];
        }

        boolean rains() {
            return dry < sorted.length;
        }

        /** The value at probability {@code p} of the rain's, the cells above the driest value. */
        double rainQuantile(double p) {
            return sorted[Math.min(sorted.length - 1, dry + (int) (p * (sorted.length - dry)))];
        }
    }

    /** {@code field} ({@code height x width}) read bilinearly at {@code (y, x)}, repeating beyond its edges. */
    static double periodic(double[] field, int height, int width, double y, double x) {
        int y0 = (int) Math.floor(y);
        int x0 = (int) Math.floor(x);
        double fy = y - y0;
        double fx = x - x0;
        int ya = Math.floorMod(y0, height);
        int yb = Math.floorMod(y0 + 1, height);
        int xa = Math.floorMod(x0, width);
        int xb = Math.floorMod(x0 + 1, width);
        return (1 - fy) * ((1 - fx) * field[ya * width + xa] + fx * field[ya * width + xb])
                + fy * ((1 - fx) * field[yb * width + xa] + fx * field[yb * width + xb]);
    }

    /**
     * {@code predicted} ({@code [batch, out, height, width]}, model units) times the member's multiplicative noise,
     * drawn from {@code random} after its motion error.
     */
    private INDArray noisy(INDArray predicted, SplittableRandom random) {
        DataType type = predicted.dataType();
        INDArray forecast = predicted.castTo(DataType.FLOAT).dup('c');
        long[] shape = forecast.shape();
        int leads = (int) shape[1];
        int height = (int) shape[2];
        int width = (int) shape[3];
        int cells = height * width;
        float[] values = forecast.data().asFloat();
        double[] logNoise = new double[cells];
        for (int k = 0; k < leads; k++) {
            double[] step = correlatedNoise(random, height, width, perturbation.scale());
            double variance = (k + 1) * perturbation.noise() * perturbation.noise();
            for (int i = 0; i < cells; i++) {
                logNoise[i] += perturbation.noise() * step[i];
            }
            for (int b = 0; b < shape[0]; b++) {
                int from = (int) ((b * shape[1] + k) * cells);
                for (int i = 0; i < cells; i++) {
                    float physical = target.inverse(values[from + i]);
                    values[from + i] = target.forward((float) (physical * Math.exp(logNoise[i] - variance / 2)));
                }
            }
        }
        return Nd4j.create(values, shape, DataType.FLOAT).castTo(type);
    }

    /**
     * The inputs with every frame t of channel 0 displaced by {@code -(in - 1 - t) (du, dv)} cells, read bilinearly;
     * a cell whose source lies outside the grid takes the frame's minimum (the driest value, as in advection).
     */
    static INDArray displaced(INDArray inputs, double du, double dv) {
        if (du == 0 && dv == 0) {
            return inputs;
        }
        INDArray copy = inputs.castTo(DataType.DOUBLE).dup('c');
        long[] s = copy.shape();
        int in = (int) s[1];
        int channels = (int) s[2];
        int height = (int) s[3];
        int width = (int) s[4];
        int cells = height * width;
        double[] values = copy.data().asDouble();
        for (int b = 0; b < s[0]; b++) {
            for (int t = 0; t < in - 1; t++) {
                int from = ((b * in + t) * channels) * cells;
                Field frame = new Field(height, width, Arrays.copyOfRange(values, from, from + cells));
                double outside = frame.min();
                double sy = (in - 1 - t) * dv;
                double sx = (in - 1 - t) * du;
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        double py = y + sy;
                        double px = x + sx;
                        boolean inside = py >= 0 && py <= height - 1 && px >= 0 && px <= width - 1;
                        values[from + y * width + x] = inside ? frame.sample(py, px) : outside;
                    }
                }
            }
        }
        return Nd4j.create(values, s, DataType.DOUBLE).castTo(inputs.dataType());
    }

    /**
     * White Gaussian noise smoothed by a Gaussian of {@code scale} cells, periodic at the edges, with unit standard
     * deviation: a normalised kernel k smooths unit white noise to standard deviation sqrt(sum k^2), once per axis.
     */
    static double[] correlatedNoise(SplittableRandom random, int height, int width, double scale) {
        double[] field = new double[height * width];
        for (int i = 0; i < field.length; i++) {
            field[i] = random.nextGaussian();
        }
        if (scale == 0) {
            return field;
        }
        double[] rows = smooth(field, height, width, kernel(scale, width), true);
        double[] both = smooth(rows, height, width, kernel(scale, height), false);
        double norm = Math.sqrt(sumOfSquares(kernel(scale, width)) * sumOfSquares(kernel(scale, height)));
        for (int i = 0; i < both.length; i++) {
            both[i] /= norm;
        }
        return both;
    }

    /** A normalised Gaussian of standard deviation {@code scale}, radius 3 scale, at most what fits in {@code size}. */
    private static double[] kernel(double scale, int size) {
        int radius = Math.min((int) Math.ceil(3 * scale), (size - 1) / 2);
        double[] k = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            k[i + radius] = Math.exp(-i * i / (2 * scale * scale));
            sum += k[i + radius];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        return k;
    }

    private static double sumOfSquares(double[] k) {
        double sum = 0;
        for (double v : k) {
            sum += v * v;
        }
        return sum;
    }

    private static double[] smooth(double[] field, int height, int width, double[] k, boolean alongRows) {
        int radius = k.length / 2;
        double[] out = new double[field.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double sum = 0;
                for (int j = -radius; j <= radius; j++) {
                    int yy = alongRows ? y : Math.floorMod(y + j, height);
                    int xx = alongRows ? Math.floorMod(x + j, width) : x;
                    sum += k[j + radius] * field[yy * width + xx];
                }
                out[y * width + x] = sum;
            }
        }
        return out;
    }
}
