package io.gridcast.models.postprocessing;

import io.gridcast.models.Nowcaster;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

import io.gridcast.features.ChannelTransform;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Probability matching of each forecast lead to the last observed frame (pysteps'
 * {@code postprocessing.probmatching.nonparam_match_empirical_cdf}): the forecast's cells keep their rank order, and
 * take the values of the observed frame's cells of the same rank. A model trained for the least squared error
 * smooths the rain, lowering peaks and spreading light rain, so its forecast crosses a rain threshold in too few
 * places; matched, it keeps where the model puts the rain and gets the observed distribution of intensities back.
 * Ranks are the same in model units as in physical ones (every transform is monotone), so matching happens on the
 * model's output. Cells missing (NaN) in the observed frame or the forecast are left as they are and left out.
 *
 * <p>Given the target's transform, each matched lead is then scaled, in physical units, to the model's own mean
 * amount over the grid (pysteps' nowcasts keep a mean the same way): the last frame gives the shape of the
 * distribution, the model how much rain there is. Where rain decays, a matched forecast alone keeps the last
 * frame's amount and rain area; scaled, its area shrinks with the model's amount.
 */
final class ProbabilityMatching implements Nowcaster {

    private final Nowcaster model;
    private final ChannelTransform keepMean;

    /** @param keepMean the target's transform, to scale each lead to the model's mean amount; null not to */
    ProbabilityMatching(Nowcaster model, ChannelTransform keepMean) {
        this.model = model;
        this.keepMean = keepMean;
    }

    @Override
    public String type() {
        return model.type();
    }

    @Override
    public INDArray predict(INDArray inputs) {
        INDArray forecast = model.predict(inputs);
        long[] shape = forecast.shape();
        int batch = (int) shape[0];
        int leads = (int) shape[1];
        int cells = (int) (shape[2] * shape[3]);
        int in = (int) inputs.size(1);
        int channels = (int) inputs.size(2);
        double[] observed = inputs.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] values = forecast.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        for (int b = 0; b < batch; b++) {
            int last = ((b * in + in - 1) * channels) * cells;
            double[] target = Arrays.copyOfRange(observed, last, last + cells);
            for (int k = 0; k < leads; k++) {
                int from = (b * leads + k) * cells;
                double modelMean = keepMean == null ? 0 : physicalMean(values, from, cells);
                match(values, from, cells, target);
                if (keepMean != null) {
                    scaleToMean(values, from, cells, modelMean);
                }
            }
        }
        return Nd4j.create(values, shape, DataType.DOUBLE).castTo(forecast.dataType());
    }

    /** The mean physical amount of the valid cells of {@code values[from, from + cells)} in model units. */
    private double physicalMean(double[] values, int from, int cells) {
        double sum = 0;
        int valid = 0;
        for (int i = from; i < from + cells; i++) {
            if (!Double.isNaN(values[i])) {
                sum += keepMean.inverse((float) values[i]);
                valid++;
            }
        }
        return valid == 0 ? 0 : sum / valid;
    }

    /** Scales the physical amounts of {@code values[from, from + cells)} so that their mean is {@code mean}. */
    private void scaleToMean(double[] values, int from, int cells, double mean) {
        double matched = physicalMean(values, from, cells);
        if (!(matched > 0)) {
            return;
        }
        double factor = mean / matched;
        for (int i = from; i < from + cells; i++) {
            if (!Double.isNaN(values[i])) {
                values[i] = keepMean.forward((float) (keepMean.inverse((float) values[i]) * factor));
            }
        }
    }

    /**
     * Replaces {@code values[from, from + cells)} by the values of {@code target} of the same rank. When one has
     * more valid cells than the other, ranks are spread over the shorter sorted list by quantile.
     */
    static void match(double[] values, int from, int cells, double[] target) {
        double[] sorted = Arrays.stream(target).filter(v -> !Double.isNaN(v)).sorted().toArray();
        Integer[] order = IntStream.range(from, from + cells).filter(i -> !Double.isNaN(values[i])).boxed()
                .sorted(Comparator.comparingDouble(i -> values[i])).toArray(Integer[]::new);
        if (sorted.length == 0 || order.length == 0) {
            return;
        }
        for (int r = 0; r < order.length; r++) {
            int q = order.length == 1 ? sorted.length - 1
                    : (int) Math.round((double) r * (sorted.length - 1) / (order.length - 1));
            values[order[r]] = sorted[q];
        }
    }
}
