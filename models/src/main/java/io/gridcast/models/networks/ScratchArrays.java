package io.gridcast.models.networks;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A layer's scratch arrays, native and Java, by use and size, reused by every pass of the same shape: a training
 * step then allocates no large arrays (ND4J M2.1 frees native memory only when the garbage collector finds an array
 * unreachable, so fresh arrays per pass pile up).
 */
class ScratchArrays {

    final DataType dtype;
    private final Map<String, INDArray> buffers = new HashMap<>();
    private final Map<String, CellValues> heap = new HashMap<>();
    private long[] pooledShape = {};

    ScratchArrays(DataType dtype) {
        this.dtype = dtype;
    }

    /** Readies the arrays for a pass of this shape (its sizes); a new shape drops the old shape's arrays. */
    void shape(long... shape) {
        if (!Arrays.equals(shape, pooledShape)) {
            buffers.clear();
            heap.clear();
            pooledShape = shape;
        }
    }

    /** A native array reused by every step of this shape; starts as zeros. */
    INDArray buffer(String use, long... shape) {
        return buffers.computeIfAbsent(use + Arrays.toString(shape), k -> Nd4j.zeros(dtype, shape));
    }

    /** A Java array reused by every step, like {@link #buffer}; starts as zeros. */
    CellValues values(String use, long length) {
        return heap.computeIfAbsent(use + "#" + length, k -> CellValues.allocate(dtype, Math.toIntExact(length)));
    }
}
