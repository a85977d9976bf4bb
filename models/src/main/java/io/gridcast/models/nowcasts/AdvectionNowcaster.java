package io.gridcast.models.nowcasts;

import io.gridcast.models.Nowcaster;
import io.gridcast.models.motion.HornSchunck.Field;
import io.gridcast.models.motion.HornSchunck.Motion;
import io.gridcast.models.motion.HornSchunck;
import java.util.Arrays;
import java.util.function.IntFunction;

import io.gridcast.features.WindowShape;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The advection baseline, as operational nowcasting uses it (pysteps, rainymotion): a motion field estimated from
 * the last input frames, and the last frame carried along it.
 *
 * <p>Motion: {@link HornSchunck} flow for each consecutive pair of the last {@value #PAIRS} + 1 frames (fewer if the
 * window is shorter), averaged — one steady field per window; averaging pairs damps the noise that growth and decay
 * of rain put into a single pair's estimate.
 *
 * <p>Extrapolation: backward semi-Lagrangian, as pysteps' {@code extrapolation.semilagrangian}. The displacement
 * to lead k is built step by step along the field, {@code D_k(x) = D_(k-1)(x) + V(x - D_(k-1)(x))}, and the
 * forecast is the last frame at {@code x - D_k(x)}, both read by bilinear interpolation. A cell whose departure
 * point leaves the grid gets the minimum of the last frame: inputs are normalised, so physical zero rain is not 0
 * here but {@code -mean/std}, which the model does not know; the last frame's minimum is that value wherever the
 * region has a dry cell, and the driest value seen otherwise.
 */
final class AdvectionNowcaster implements Nowcaster {

    public static final String TYPE = "advection";
    static final int PAIRS = 3;

    private final WindowShape shape;

    public AdvectionNowcaster(WindowShape shape) {
        if (shape.in() < 2) {
            throw new IllegalArgumentException(TYPE + " estimates motion from consecutive frames: it needs windows.in"
                    + " >= 2, got " + shape.in());
        }
        this.shape = shape;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public INDArray predict(INDArray inputs) {
        return predict(inputs, null);
    }

    /**
     * What enters the region from outside, which its frames never saw: the value (model units) of a cell whose
     * departure point {@code (y, x)}, in cells, has left the grid.
     */
    interface Inflow {
        double at(double y, double x);
    }

    /**
     * As {@link #predict(INDArray)}, but the cells rain enters from outside take {@code inflow.apply(window)}
     * (null: dry).
     */
    INDArray predict(INDArray inputs, IntFunction<Inflow> inflow) {
        Windows.requireInputs(inputs, shape);
        int batch = (int) inputs.size(0);
        int cells = shape.height() * shape.width();
        double[] values = inputs.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] out = new double[batch * shape.out() * cells];
        for (int b = 0; b < batch; b++) {
            Field[] frames = new Field[shape.in()];
            for (int t = 0; t < shape.in(); t++) {
                int from = ((b * shape.in() + t) * shape.channels()) * cells;
                frames[t] = new Field(shape.height(), shape.width(),
                        Arrays.copyOfRange(values, from, from + cells));
            }
            Field[] leads = extrapolate(frames[shape.in() - 1], motion(frames), shape.out(),
                    inflow == null ? null : inflow.apply(b));
            for (int k = 0; k < shape.out(); k++) {
                System.arraycopy(leads[k].values(), 0, out, (b * shape.out() + k) * cells, cells);
            }
        }
        return Nd4j.create(out, new long[]{batch, shape.out(), shape.height(), shape.width()}, DataType.DOUBLE)
                .castTo(inputs.dataType());
    }

    /** The mean of the Horn–Schunck fields of the last {@value #PAIRS} consecutive pairs of {@code frames}. */
    static Motion motion(Field[] frames) {
        int pairs = Math.min(PAIRS, frames.length - 1);
        Motion[] estimates = new Motion[pairs];
        for (int p = 0; p < pairs; p++) {
            int next = frames.length - 1 - p;
            estimates[p] = HornSchunck.estimate(frames[next - 1], frames[next]);
        }
        return Motion.mean(estimates);
    }

    /**
     * {@code last} carried along {@code motion} for {@code leads} steps, backward semi-Lagrangian; a cell whose
     * departure point has left the grid takes {@code inflow} there, its path continued with the velocity at the
     * grid's edge (null: the last frame's minimum, dry).
     */
    static Field[] extrapolate(Field last, Motion motion, int leads, Inflow inflow) {
        int h = last.height();
        int w = last.width();
        double dry = last.min();
        double[] dx = new double[h * w];
        double[] dy = new double[h * w];
        boolean[] left = new boolean[h * w];
        Field[] forecast = new Field[leads];
        for (int k = 0; k < leads; k++) {
            double[] values = new double[h * w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = y * w + x;
                    if (!left[i] || inflow != null) {
                        double u = motion.u().sample(y - dy[i], x - dx[i]);
                        dy[i] += motion.v().sample(y - dy[i], x - dx[i]);
                        dx[i] += u;
                    }
                    double py = y - dy[i];
                    double px = x - dx[i];
                    left[i] |= py < 0 || py > h - 1 || px < 0 || px > w - 1;
                    values[i] = !left[i] ? last.sample(py, px) : inflow == null ? dry : inflow.at(py, px);
                }
            }
            forecast[k] = new Field(h, w, values);
        }
        return forecast;
    }
}
