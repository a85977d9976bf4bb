package io.gridcast.models.networks;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.IntStream;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A Java array of the network's data type, for the fused loops (plain array loops run several times faster
 * than element access to native memory). The LSTM update is written twice, in float for training and in double
 * for the gradient checks: the same arithmetic through one double-valued accessor ran ~3x slower in float.
 */
abstract class CellValues {
    abstract int length();

    /** The Java array itself, for {@link System#arraycopy}. */
    abstract Object array();

    /** Copies elements {@code from} until {@code to} from native memory (the same elements of {@code bytes}). */
    abstract void read(ByteBuffer bytes, int from, int to);

    abstract void write(ByteBuffer bytes, int from, int to);

    /** Copies {@code length} elements from native memory, from element {@code at} there to {@code from} here. */
    abstract void readRun(ByteBuffer bytes, int at, int from, int length);

    /** Copies {@code length} elements into native memory, from element {@code from} here to {@code at} there. */
    abstract void writeRun(ByteBuffer bytes, int from, int at, int length);

    /** this[at + i] += source[from + i] for i < length. */
    abstract void addRun(CellValues source, int from, int at, int length);

    /**
     * The LSTM update of cells {@code q0} until {@code q1}, the first at pixel {@code pixel0} of its grid: this
     * holds each cell's pre-activation gates, a row of i, f, g, o ({@code hid} each), and receives the activated
     * ones; the states are rows of {@code hid} per cell.
     *
     * @param peeps the peephole weights as [3, plane, hid] (i and f on c_{t-1}, o on c_t), or null
     */
    abstract void lstmForward(int q0, int q1, int pixel0, int hid, int plane, CellValues peeps, CellValues cPrev,
                              CellValues c, CellValues tanhC, CellValues h);

    /**
     * The backward of {@link #lstmForward} on the same cells, this holding the activated gates: writes the
     * pre-activation gate gradients to {@code dGates} and the gradient with respect to c_{t-1} to
     * {@code dcPrev}, and adds the peephole weights' gradients to {@code peepSums} (when peeps is not null).
     *
     * @param dh the gradient with respect to h; {@code dc} with respect to c, besides through h
     */
    abstract void lstmBackward(int q0, int q1, int pixel0, int hid, int plane, CellValues peeps, CellValues cPrev,
                               CellValues c, CellValues tanhC, CellValues dh, CellValues dc, CellValues dGates,
                               CellValues dcPrev,
                               CellValues peepSums);

    static CellValues allocate(DataType dtype, int length) {
        return dtype == DataType.FLOAT ? new Floats(length) : new Doubles(length);
    }

    /** Copies a dense array of its own (not a view) of this length. */
    CellValues read(INDArray a) {
        return read(nativeBytes(a, length()));
    }

    /** Copies this many elements from native memory. */
    CellValues read(ByteBuffer bytes) {
        inParts(length(), 1, (from, to) -> read(bytes, from, to));
        return this;
    }

    /** Copies this into {@code a}, a dense array of its own of this length, and returns it. */
    INDArray write(INDArray a) {
        write(nativeBytes(a, length()));
        return a;
    }

    /** Copies this into native memory. */
    void write(ByteBuffer bytes) {
        inParts(length(), 1, (from, to) -> write(bytes, from, to));
    }

    /** Sets every element to zero. */
    abstract void zero();

    /**
     * Rows of {@code a} (width {@code aWidth}) and {@code b} side by side, for {@code rows} rows, into this and on
     * to {@code into}, a dense array of its own of this length, which it returns.
     */
    INDArray interleave(CellValues a, int aWidth, CellValues b, int bWidth, int rows, INDArray into) {
        int width = aWidth + bWidth;
        ByteBuffer bytes = nativeBytes(into, length());
        inParts(rows, width, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                if (aWidth > 0) {
                    System.arraycopy(a.array(), r * aWidth, array(), r * width, aWidth);
                }
                System.arraycopy(b.array(), r * bWidth, array(), r * width + aWidth, bWidth);
            }
            // On to native memory while this part is in cache.
            write(bytes, r0 * width, r1 * width);
        });
        return into;
    }

    /** Columns {@code first} until {@code first + width} of rows {@code r0} until {@code r1} of {@code source}. */
    void copyColumns(CellValues source, int sourceWidth, int first, int width, int r0, int r1) {
        if (width == sourceWidth) {
            System.arraycopy(source.array(), r0 * width, array(), r0 * width, (r1 - r0) * width);
            return;
        }
        for (int r = r0; r < r1; r++) {
            System.arraycopy(source.array(), r * sourceWidth + first, array(), r * width, width);
        }
    }

    /** Adds columns {@code first} until {@code first + width} of rows {@code r0} until {@code r1} of {@code source}. */
    void addColumns(CellValues source, int sourceWidth, int first, int width, int r0, int r1) {
        if (width == sourceWidth) {
            addRun(source, r0 * width, r0 * width, (r1 - r0) * width);
            return;
        }
        for (int r = r0; r < r1; r++) {
            addRun(source, r * sourceWidth + first, r * width, width);
        }
    }

    /** The inverse of {@link #copyColumns}: {@code rows} rows of {@code source} as columns from {@code first} here. */
    void putColumns(CellValues source, int width, int first, int thisWidth, int rows) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(source.array(), r * width, array(), r * thisWidth + first, width);
        }
    }

    /** Rows [0, rows) in parallel parts of at least ~256K elements: copies of the size of a step's gates. */
    static void inParts(int rows, int rowLength, Part part) {
        inParts(rows, rowLength, 1 << 18, part);
    }

    /** Rows [0, rows) in at most 16 parallel parts of at least {@code minPart} elements each. */
    static void inParts(int rows, int rowLength, int minPart, Part part) {
        int parts = (int) Math.max(1, Math.min(16, (long) rows * rowLength / minPart));
        IntStream.range(0, parts).parallel().forEach(i -> part.run((int) ((long) rows * i / parts),
                (int) ((long) rows * (i + 1) / parts)));
    }

    interface Part {
        /** Rows {@code from} until {@code to}. */
        void run(int from, int to);
    }

    /**
     * Whether {@code a} is dense in C order from the start of its buffer (as ND4J makes arrays, and DL4J's workspaces
     * hand them, reshaped or not), so its elements are the buffer's first ones.
     */
    static boolean isDense(INDArray a) {
        if (a.offset() != 0 || a.ordering() != 'c') {
            return false;
        }
        long expected = 1;
        for (int d = a.rank() - 1; d >= 0; d--) {
            if (a.size(d) > 1 && a.stride(d) != expected) {
                return false;
            }
            expected *= a.size(d);
        }
        return true;
    }

    /** The native memory of {@code a}, a dense array of its own ({@link #isDense}) of {@code length} elements. */
    static ByteBuffer nativeBytes(INDArray a, long length) {
        if (!isDense(a) || a.length() != length) {
            throw new IllegalStateException("expected a dense array of its own of length " + length + ", got "
                    + a.shapeInfoToString());
        }
        return a.data().asNio().order(ByteOrder.nativeOrder());
    }

    /**
     * The native memory of run {@code index} of {@code a} (a dense array of its own) cut into runs of {@code length}
     * elements: e.g. one time step of a sequence stored step by step.
     */
    static ByteBuffer nativeRun(INDArray a, long index, int length) {
        int bytes = a.dataType().width();
        return nativeBytes(a, a.length()).slice(Math.toIntExact(index * length * bytes), length * bytes)
                .order(ByteOrder.nativeOrder());
    }

    /**
     * tanh as Eigen's rational approximation for float (a 13/6 odd rational function on [-7.9, 7.9], clamped
     * outside): within 1e-6 of tanh everywhere, i.e. float precision, and in a loop the JIT vectorises ~10x faster
     * than through Math.exp (20 ns here), which made the gate activations the costliest part of a step. The clamp is
     * written with Math.abs, which the JIT vectorises (Math.min and max it did not, here). The backward pass's
     * derivatives (1 - t², s (1 - s)) are the exact functions' and agree with this one's to the same order, well
     * inside the gradient checks.
     */
    static float tanh(float x) {
        float y = 0.5f * (Math.abs(x + TANH_CLAMP) - Math.abs(x - TANH_CLAMP));
        float y2 = y * y;
        float p = -2.76076847742355e-16f;
        p = p * y2 + 2.00018790482477e-13f;
        p = p * y2 - 8.60467152213735e-11f;
        p = p * y2 + 5.12229709037114e-08f;
        p = p * y2 + 1.48572235717979e-05f;
        p = p * y2 + 6.37261928875436e-04f;
        p = p * y2 + 4.89352455891786e-03f;
        float q = 1.19825839466702e-06f;
        q = q * y2 + 1.18534705686654e-04f;
        q = q * y2 + 2.26843463243900e-03f;
        q = q * y2 + 4.89352518554385e-03f;
        return y * p / q;
    }

    private static final float TANH_CLAMP = 7.90531110763549805f;

    /** {@link #tanh(float)} in double, for the gradient checks. */
    static double tanh(double x) {
        double y = 0.5 * (Math.abs(x + TANH_CLAMP) - Math.abs(x - TANH_CLAMP));
        double y2 = y * y;
        double p = -2.76076847742355e-16;
        p = p * y2 + 2.00018790482477e-13;
        p = p * y2 - 8.60467152213735e-11;
        p = p * y2 + 5.12229709037114e-08;
        p = p * y2 + 1.48572235717979e-05;
        p = p * y2 + 6.37261928875436e-04;
        p = p * y2 + 4.89352455891786e-03;
        double q = 1.19825839466702e-06;
        q = q * y2 + 1.18534705686654e-04;
        q = q * y2 + 2.26843463243900e-03;
        q = q * y2 + 4.89352518554385e-03;
        return y * p / q;
    }

    private static final class Floats extends CellValues {
        private final float[] v;

        Floats(int length) {
            v = new float[length];
        }

        @Override
        int length() {
            return v.length;
        }

        @Override
        Object array() {
            return v;
        }

        @Override
        void zero() {
            Arrays.fill(v, 0);
        }

        @Override
        void read(ByteBuffer bytes, int from, int to) {
            bytes.asFloatBuffer().get(from, v, from, to - from);
        }

        @Override
        void write(ByteBuffer bytes, int from, int to) {
            bytes.asFloatBuffer().put(from, v, from, to - from);
        }

        @Override
        void readRun(ByteBuffer bytes, int at, int from, int length) {
            bytes.asFloatBuffer().get(at, v, from, length);
        }

        @Override
        void writeRun(ByteBuffer bytes, int from, int at, int length) {
            bytes.asFloatBuffer().put(at, v, from, length);
        }

        @Override
        void addRun(CellValues source, int from, int at, int length) {
            float[] s = ((Floats) source).v;
            for (int i = 0; i < length; i++) {
                v[at + i] += s[from + i];
            }
        }

        private static float[] of(CellValues values) {
            return values == null ? null : ((Floats) values).v;
        }

        @Override
        void lstmForward(int q0, int q1, int pixel0, int hid, int plane, CellValues peeps, CellValues cPrev,
                         CellValues c, CellValues tanhC, CellValues h) {
            float[] g = v;
            float[] p = of(peeps);
            float[] cp = of(cPrev);
            float[] cs = of(c);
            float[] tc = of(tanhC);
            float[] hs = of(h);
            if (p == null) {
                lstmForward(q0, q1, hid, cp, cs, tc, hs);
                return;
            }
            for (int q = q0, pixel = pixel0; q < q1; q++, pixel++) {
                int gi = q * 4 * hid;
                int row = q * hid;
                if (p != null) {
                    for (int ch = 0; ch < hid; ch++) {
                        g[gi + ch] += p[pixel * hid + ch] * cp[row + ch];
                        g[gi + hid + ch] += p[(plane + pixel) * hid + ch] * cp[row + ch];
                    }
                }
                for (int k = gi; k < gi + 2 * hid; k++) {
                    g[k] = 0.5f + 0.5f * tanh(0.5f * g[k]);
                }
                for (int k = gi + 2 * hid; k < gi + 3 * hid; k++) {
                    g[k] = tanh(g[k]);
                }
                for (int ch = 0; ch < hid; ch++) {
                    cs[row + ch] = g[gi + hid + ch] * cp[row + ch] + g[gi + ch] * g[gi + 2 * hid + ch];
                }
                if (p != null) {
                    for (int ch = 0; ch < hid; ch++) {
                        g[gi + 3 * hid + ch] += p[(2 * plane + pixel) * hid + ch] * cs[row + ch];
                    }
                }
                for (int k = gi + 3 * hid; k < gi + 4 * hid; k++) {
                    g[k] = 0.5f + 0.5f * tanh(0.5f * g[k]);
                }
                for (int ch = 0; ch < hid; ch++) {
                    float t = tanh(cs[row + ch]);
                    tc[row + ch] = t;
                    hs[row + ch] = g[gi + 3 * hid + ch] * t;
                }
            }
        }

        /**
         * {@link #lstmForward} without peepholes, in loops the JIT (of Java 17) vectorises: those over one array, or
         * over several at the same index, here the range's whole gate rows and states; loops mixing arrays at
         * different offsets (a cell's gate rows and its state row) it runs element by element, so they do no tanh.
         * The g gate is tanh(x) = 2 sigmoid(2x) - 1, so that one sigmoid loop covers all four gates. Twice as fast
         * as a cell's short rows at a time.
         */
        private void lstmForward(int q0, int q1, int hid, float[] cp, float[] cs, float[] tc, float[] hs) {
            float[] g = v;
            for (int q = q0; q < q1; q++) {
                for (int k = q * 4 * hid + 2 * hid; k < q * 4 * hid + 3 * hid; k++) {
                    g[k] *= 2;
                }
            }
            for (int k = q0 * 4 * hid; k < q1 * 4 * hid; k++) {
                g[k] = 0.5f + 0.5f * tanh(0.5f * g[k]);
            }
            for (int q = q0; q < q1; q++) {
                int gi = q * 4 * hid;
                for (int k = gi + 2 * hid; k < gi + 3 * hid; k++) {
                    g[k] = 2 * g[k] - 1;
                }
                int row = q * hid;
                for (int ch = 0; ch < hid; ch++) {
                    cs[row + ch] = g[gi + hid + ch] * cp[row + ch] + g[gi + ch] * g[gi + 2 * hid + ch];
                }
            }
            for (int k = q0 * hid; k < q1 * hid; k++) {
                tc[k] = tanh(cs[k]);
            }
            for (int q = q0; q < q1; q++) {
                int gi = q * 4 * hid;
                int row = q * hid;
                for (int ch = 0; ch < hid; ch++) {
                    hs[row + ch] = g[gi + 3 * hid + ch] * tc[row + ch];
                }
            }
        }

        @Override
        void lstmBackward(int q0, int q1, int pixel0, int hid, int plane, CellValues peeps, CellValues cPrev,
                          CellValues c, CellValues tanhC, CellValues dh, CellValues dc, CellValues dGates,
                          CellValues dcPrev, CellValues peepSums) {
            float[] g = v;
            float[] p = of(peeps);
            float[] ps = of(peepSums);
            float[] cp = of(cPrev);
            float[] cs = of(c);
            float[] tc = of(tanhC);
            float[] dhs = of(dh);
            float[] dcs = of(dc);
            float[] dg = of(dGates);
            float[] dcp = of(dcPrev);
            for (int q = q0, pixel = pixel0; q < q1; q++, pixel++) {
                int gi = q * 4 * hid;
                int row = q * hid;
                for (int ch = 0; ch < hid; ch++) {
                    float i = g[gi + ch];
                    float f = g[gi + hid + ch];
                    float gg = g[gi + 2 * hid + ch];
                    float o = g[gi + 3 * hid + ch];
                    float t = tc[row + ch];
                    float d = dhs[row + ch];
                    float cPrevQ = cp[row + ch];
                    // o = sigmoid(.): d pre-activation = dh tanh(c) o (1 - o); dc += dh o (1 - tanh(c)^2)
                    float dO = d * t * o * (1 - o);
                    float dcTotal = d * o * (1 - t * t) + dcs[row + ch];
                    if (p != null) {
                        dcTotal += p[(2 * plane + pixel) * hid + ch] * dO;
                        ps[(2 * plane + pixel) * hid + ch] += dO * cs[row + ch];
                    }
                    float di = dcTotal * gg * i * (1 - i);
                    float df = dcTotal * cPrevQ * f * (1 - f);
                    dcp[row + ch] = dcTotal * f;
                    if (p != null) {
                        dcp[row + ch] += p[pixel * hid + ch] * di + p[(plane + pixel) * hid + ch] * df;
                        ps[pixel * hid + ch] += di * cPrevQ;
                        ps[(plane + pixel) * hid + ch] += df * cPrevQ;
                    }
                    dg[gi + ch] = di;
                    dg[gi + hid + ch] = df;
                    dg[gi + 2 * hid + ch] = dcTotal * i * (1 - gg * gg);
                    dg[gi + 3 * hid + ch] = dO;
                }
            }
        }
    }

    private static final class Doubles extends CellValues {
        private final double[] v;

        Doubles(int length) {
            v = new double[length];
        }

        @Override
        int length() {
            return v.length;
        }

        @Override
        Object array() {
            return v;
        }

        @Override
        void zero() {
            Arrays.fill(v, 0);
        }

        @Override
        void read(ByteBuffer bytes, int from, int to) {
            bytes.asDoubleBuffer().get(from, v, from, to - from);
        }

        @Override
        void write(ByteBuffer bytes, int from, int to) {
            bytes.asDoubleBuffer().put(from, v, from, to - from);
        }

        @Override
        void readRun(ByteBuffer bytes, int at, int from, int length) {
            bytes.asDoubleBuffer().get(at, v, from, length);
        }

        @Override
        void writeRun(ByteBuffer bytes, int from, int at, int length) {
            bytes.asDoubleBuffer().put(at, v, from, length);
        }

        @Override
        void addRun(CellValues source, int from, int at, int length) {
            double[] s = ((Doubles) source).v;
            for (int i = 0; i < length; i++) {
                v[at + i] += s[from + i];
            }
        }

        private static double[] of(CellValues values) {
            return values == null ? null : ((Doubles) values).v;
        }

        @Override
        void lstmForward(int q0, int q1, int pixel0, int hid, int plane, CellValues peeps, CellValues cPrev,
                         CellValues c, CellValues tanhC, CellValues h) {
            double[] g = v;
            double[] p = of(peeps);
            double[] cp = of(cPrev);
            double[] cs = of(c);
            double[] tc = of(tanhC);
            double[] hs = of(h);
            for (int q = q0, pixel = pixel0; q < q1; q++, pixel++) {
                int gi = q * 4 * hid;
                int row = q * hid;
                if (p != null) {
                    for (int ch = 0; ch < hid; ch++) {
                        g[gi + ch] += p[pixel * hid + ch] * cp[row + ch];
                        g[gi + hid + ch] += p[(plane + pixel) * hid + ch] * cp[row + ch];
                    }
                }
                for (int k = gi; k < gi + 2 * hid; k++) {
                    g[k] = 0.5 + 0.5 * tanh(0.5 * g[k]);
                }
                for (int k = gi + 2 * hid; k < gi + 3 * hid; k++) {
                    g[k] = tanh(g[k]);
                }
                for (int ch = 0; ch < hid; ch++) {
                    cs[row + ch] = g[gi + hid + ch] * cp[row + ch] + g[gi + ch] * g[gi + 2 * hid + ch];
                }
                if (p != null) {
                    for (int ch = 0; ch < hid; ch++) {
                        g[gi + 3 * hid + ch] += p[(2 * plane + pixel) * hid + ch] * cs[row + ch];
                    }
                }
                for (int k = gi + 3 * hid; k < gi + 4 * hid; k++) {
                    g[k] = 0.5 + 0.5 * tanh(0.5 * g[k]);
                }
                for (int ch = 0; ch < hid; ch++) {
                    double t = tanh(cs[row + ch]);
                    tc[row + ch] = t;
                    hs[row + ch] = g[gi + 3 * hid + ch] * t;
                }
            }
        }

        @Override
        void lstmBackward(int q0, int q1, int pixel0, int hid, int plane, CellValues peeps, CellValues cPrev,
                          CellValues c, CellValues tanhC, CellValues dh, CellValues dc, CellValues dGates,
                          CellValues dcPrev, CellValues peepSums) {
            double[] g = v;
            double[] p = of(peeps);
            double[] ps = of(peepSums);
            double[] cp = of(cPrev);
            double[] cs = of(c);
            double[] tc = of(tanhC);
            double[] dhs = of(dh);
            double[] dcs = of(dc);
            double[] dg = of(dGates);
            double[] dcp = of(dcPrev);
            for (int q = q0, pixel = pixel0; q < q1; q++, pixel++) {
                int gi = q * 4 * hid;
                int row = q * hid;
                for (int ch = 0; ch < hid; ch++) {
                    double i = g[gi + ch];
                    double f = g[gi + hid + ch];
                    double gg = g[gi + 2 * hid + ch];
                    double o = g[gi + 3 * hid + ch];
                    double t = tc[row + ch];
                    double d = dhs[row + ch];
                    double cPrevQ = cp[row + ch];
                    double dO = d * t * o * (1 - o);
                    double dcTotal = d * o * (1 - t * t) + dcs[row + ch];
                    if (p != null) {
                        dcTotal += p[(2 * plane + pixel) * hid + ch] * dO;
                        ps[(2 * plane + pixel) * hid + ch] += dO * cs[row + ch];
                    }
                    double di = dcTotal * gg * i * (1 - i);
                    double df = dcTotal * cPrevQ * f * (1 - f);
                    dcp[row + ch] = dcTotal * f;
                    if (p != null) {
                        dcp[row + ch] += p[pixel * hid + ch] * di + p[(plane + pixel) * hid + ch] * df;
                        ps[pixel * hid + ch] += di * cPrevQ;
                        ps[(plane + pixel) * hid + ch] += df * cPrevQ;
                    }
                    dg[gi + ch] = di;
                    dg[gi + hid + ch] = df;
                    dg[gi + 2 * hid + ch] = dcTotal * i * (1 - gg * gg);
                    dg[gi + 3 * hid + ch] = dO;
                }
            }
        }
    }

}
