package io.gridcast.ingest.read;

import io.gridcast.ingest.grid.CellBlock;
import io.gridcast.ingest.grid.Frame;
import io.gridcast.ingest.grid.Grid;
import java.time.Instant;
import java.util.List;

/** An open file's frames of one variable: the grid and valid times are known up front, values read on demand. */
public interface FrameSource extends AutoCloseable {

    Grid grid();

    /** The variable's units as the file states them. */
    String units();

    /** The variable's CF standard name, or empty. */
    String standardName();

    /** Valid times in file order (one entry for a scalar time). */
    List<Instant> times();

    /** The frame at {@code index} of {@link #times()}: physical values, NaN where missing. */
    Frame frame(int index) throws UnusableFileException;

    /**
     * The values of {@code block} of frame {@code index}, row-major, equal to cutting the block from
     * {@link #frame}{@code (index)}. This default reads the whole frame; a reader whose format reads part of a
     * variable overrides it, so a region costs what its own cells cost.
     */
    default float[] block(int index, CellBlock block) throws UnusableFileException {
        return block.cut(frame(index).values(), grid());
    }

    /**
     * The statistics of {@link #frame}{@code (index)}, with the same checks; a reader may compute them without
     * making the frame's values (ingest needs only these).
     */
    default FrameStatistics statistics(int index) throws UnusableFileException {
        return FrameStatistics.of(frame(index).values());
    }

    @Override
    void close();
}
