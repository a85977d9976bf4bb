package io.gridcast.models.networks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.EnumSource.Mode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The gradient checks test the backward pass against the forward one; this tests the forward gate convolution: a
 * "same" zero-padded convolution over [x, h] with the weights laid out as the cell reads them (gates i, f, g, o;
 * channel-major, then kernel row and column), in double (libnd4j's conv2d) and in float (oneDNN's own primitive).
 */
class ConvLstmCellTest {

    private static final int IN = 2;
    private static final int HID = 3;
    private static final int SIZE = 5;
    private static final int BATCH = 2;

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"DOUBLE", "FLOAT"}, mode = Mode.INCLUDE)
    void gateConvolutionMatchesADirectZeroPaddedConvolution(DataType dtype) {
        double tolerance = dtype == DataType.DOUBLE ? 1e-12 : 1e-5;
        ConvLstmBuffers buffers = new ConvLstmBuffers(dtype, 3, SIZE, SIZE);
        Nd4j.getRandom().setSeed(11);
        INDArray params = Nd4j.rand(dtype, 1, ConvLstmCell.parameterCount(IN, HID, 3, false, SIZE * SIZE)).subi(0.5);
        ConvLstmCell cell = new ConvLstmCell(buffers, IN, HID, false, params, Nd4j.zerosLike(params));
        INDArray x = Nd4j.rand(dtype, BATCH, SIZE, SIZE, IN);
        INDArray h = Nd4j.rand(dtype, BATCH, SIZE, SIZE, HID);

        buffers.batch(BATCH);
        cell.loadForwardWeights(BATCH);
        INDArray xh = cell.stateInput("test.", values(x), values(h), BATCH);
        INDArray kept = cell.oneDnn == null ? xh : buffers.buffer("test.kept", cell.oneDnn.keptInputLength(BATCH));
        INDArray gates = cell.gates(xh, kept, BATCH);

        for (int g = 0; g < 4 * HID; g++) {
            for (int b = 0; b < BATCH; b++) {
                for (int y = 0; y < SIZE; y++) {
                    for (int xx = 0; xx < SIZE; xx++) {
                        double sum = cell.b.getDouble(g, 0);
                        for (int c = 0; c < IN + HID; c++) {
                            for (int dy = 0; dy < 3; dy++) {
                                for (int dx = 0; dx < 3; dx++) {
                                    int yy = y + dy - 1;
                                    int xs = xx + dx - 1;
                                    if (yy < 0 || yy >= SIZE || xs < 0 || xs >= SIZE) {
                                        continue;
                                    }
                                    double v = c < IN ? x.getDouble(b, yy, xs, c) : h.getDouble(b, yy, xs, c - IN);
                                    sum += cell.w.getDouble(g, (c * 3 + dy) * 3 + dx) * v;
                                }
                            }
                        }
                        assertThat(gates.getDouble(b, y, xx, g)).isCloseTo(sum, within(tolerance));
                    }
                }
            }
        }
    }

    /** A cell-major array as the Java array the fused loops use. */
    private static CellValues values(INDArray cellMajor) {
        return CellValues.allocate(cellMajor.dataType(), Math.toIntExact(cellMajor.length())).read(cellMajor);
    }
}
