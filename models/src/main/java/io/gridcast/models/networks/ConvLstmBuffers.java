package io.gridcast.models.networks;

import java.nio.ByteBuffer;
import java.util.stream.IntStream;

import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.stream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the ConvLSTM cells of one network or layer share: the grid (after patching), the kernel size, the data type,
 * oneDNN's engine and stream (float only) and every scratch and per-step array, by use and shape, for the current
 * batch size. Every per-step array is a buffer reused by the next pass of the same batch size, so a training step
 * allocates no large arrays.
 */
final class ConvLstmBuffers extends ScratchArrays {

    /** libnd4j conv2d arguments: activations [batch, height, width, channels], weights [out, in, kH, kW]. */
    private static final int NHWC = 1;
    private static final int OIYX = 1;

    final int kernel;
    final int height;
    final int width;
    /** oneDNN's CPU engine and this network's stream, for the float convolutions; null in double precision. */
    private final engine oneDnnEngine;
    private final stream oneDnnStream;

    ConvLstmBuffers(DataType dtype, int kernel, int height, int width) {
        super(dtype);
        this.kernel = kernel;
        this.height = height;
        this.width = width;
        oneDnnEngine = dtype == DataType.FLOAT ? new engine(engine.kind.cpu, 0) : null;
        oneDnnStream = oneDnnEngine == null ? null : new stream(oneDnnEngine);
    }

    /** oneDNN's gate convolution of {@code channels} input and {@code gates} output channels; null in double. */
    OneDnnGateConvolution oneDnnConvolution(int channels, int gates) {
        return oneDnnEngine == null ? null
                : new OneDnnGateConvolution(oneDnnEngine, oneDnnStream, channels, gates, kernel, height, width, true);
    }

    /** Readies the buffers for a pass over {@code batch} grids. */
    void batch(int batch) {
        shape((long) batch * height * width);
    }

    /**
     * libnd4j's conv2d as the double-precision gate convolutions run it (the gradient checks): stride 1, "same" zero
     * padding, cell-major {@code [batch, height, width, channels]} activations and {@code [out, in, k, k]} weights.
     */
    static DynamicCustomOp gateConvolution(int kernel, INDArray[] inputs, INDArray... outputs) {
        int r = kernel / 2;
        return DynamicCustomOp.builder("conv2d").addInputs(inputs).addOutputs(outputs)
                .addIntegerArguments(kernel, kernel, 1, 1, r, r, 1, 1, 0, NHWC, OIYX).build();
    }

    /**
     * im2col of a cell-major image {@code [batch, height, width, channels]}: {@code [cells, k² channels]}, each cell's
     * row its neighbours' channel rows, kernel row by kernel column, zero where a neighbour is outside the grid. Each
     * kernel row's neighbours are one memory copy on the native buffers (grid rows in parallel); the padding cells are
     * never written, so the zeros of a new buffer stay.
     */
    INDArray imageToColumns(INDArray image, int batch) {
        int channels = (int) image.size(3);
        int k2 = kernel * kernel;
        int r = kernel / 2;
        INDArray cols = buffer("cols", (long) batch * height * width, (long) k2 * channels);
        int bytes = image.dataType().width();
        int run = channels * bytes;
        ByteBuffer colBytes = cols.data().asNio();
        ByteBuffer imageBytes = image.data().asNio();
        IntStream.range(0, batch * height).parallel().forEach(row -> {
            int y = row % height;
            for (int ky = 0; ky < kernel; ky++) {
                int yy = y + ky - r;
                if (yy < 0 || yy >= height) {
                    continue;
                }
                int sourceRow = (row - y + yy) * width;
                for (int x = 0; x < width; x++) {
                    // A kernel row's neighbours inside the grid are side by side in the image and in the cell's
                    // row of columns: one copy each (three times fewer calls than one per neighbour).
                    int dx0 = Math.max(-r, -x);
                    int dx1 = Math.min(r, width - 1 - x);
                    int q = row * width + x;
                    colBytes.put((q * k2 + ky * kernel + dx0 + r) * run, imageBytes, (sourceRow + x + dx0) * run,
                            (dx1 - dx0 + 1) * run);
                }
            }
        });
        return cols;
    }

    /** The cells of a batch, {@code [batch, height, width]} flattened, a range of pixels at a time (in parallel). */
    interface CellRange {
        /** Cells q0 until q1 of one batch member, the first at pixel {@code pixel0} of its grid. */
        void run(int q0, int q1, int pixel0);
    }

    void forEachCell(int batch, CellRange range) {
        int plane = height * width;
        int chunk = 256;
        IntStream.range(0, (plane + chunk - 1) / chunk).parallel().forEach(k -> {
            int p0 = k * chunk;
            int p1 = Math.min(plane, p0 + chunk);
            for (int b = 0; b < batch; b++) {
                range.run(b * plane + p0, b * plane + p1, p0);
            }
        });
    }
}
