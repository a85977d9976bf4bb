package io.gridcast.models;

import java.util.List;

/**
 * One model variant as configured: a name unique in the configuration, the method ({@code convlstm},
 * {@code cnnlstm}, {@code persistence}, {@code advection}) and its hyper-parameters. Baselines ignore the training fields.
 *
 * @param name         the variant's name in reports and on disk (e.g. {@code convlstm-small})
 * @param type         the method, a key of {@link ModelVariants}
 * @param hidden       hidden channels (ConvLSTM) or LSTM units (CNN-LSTM) per layer
 * @param kernel       convolution kernel size (odd)
 * @param filters      CNN encoder filters per stage (CNN-LSTM only); each stage halves the grid
 * @param epochs       training epochs
 * @param batchSize    windows per mini-batch
 * @param learningRate Adam's learning rate
 * @param seed         random seed for weights and shuffling
 * @param peephole     ConvLSTM only: Hadamard peephole terms from the cell state to the gates (Shi et al. 2015)
 * @param patch        ConvLSTM only: space-to-depth patch size; the grid's sides must be multiples of it (1: none)
 * @param loss         ConvLSTM only: training loss, a key of {@link NowcastLoss} ({@code mse}, {@code mae},
 *                     {@code balanced})
 */
public record ModelSpec(String name, String type, List<Integer> hidden, int kernel, List<Integer> filters, int epochs,
                        int batchSize, double learningRate, long seed, boolean peephole, int patch, String loss) {

    /** A spec without the ConvLSTM options: no peepholes, no patching, MSE loss. */
    public ModelSpec(String name, String type, List<Integer> hidden, int kernel, List<Integer> filters, int epochs,
                     int batchSize, double learningRate, long seed) {
        this(name, type, hidden, kernel, filters, epochs, batchSize, learningRate, seed, false, 1, NowcastLoss.MSE.key());
    }
}
