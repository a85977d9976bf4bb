package io.gridcast.models.training;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import io.gridcast.models.Nowcaster;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * A model's mean squared error at the last lead over a set of windows, beside two forecasts that move nothing:
 * persistence (the last frame) and the best damped persistence (the last frame times the one factor that minimises
 * the squared error on these very windows, {@code Σ last·observed / Σ last²}), the best a network that only damps
 * the last frame can reach. Factor 1 is persistence, so {@code damped <= persistence}.
 */
record LastLeadSkill(double model, double persistence, double damped, double factor) {

    static LastLeadSkill of(Nowcaster model, DataSetIterator windows) {
        double modelSquares = 0;
        double persistenceSquares = 0;
        double lastSquares = 0;
        double observedSquares = 0;
        double products = 0;
        long cells = 0;
        windows.reset();
        while (windows.hasNext()) {
            DataSet batch = windows.next();
            INDArray features = batch.getFeatures();
            long lead = batch.getLabels().size(1) - 1;
            INDArray last = features.get(all(), point(features.size(1) - 1), point(0), all(), all())
                    .castTo(DataType.DOUBLE);
            INDArray observed = batch.getLabels().get(all(), point(lead), all(), all()).castTo(DataType.DOUBLE);
            INDArray forecast = model.predict(features).get(all(), point(lead), all(), all()).castTo(DataType.DOUBLE);
            modelSquares += forecast.squaredDistance(observed);
            persistenceSquares += last.squaredDistance(observed);
            lastSquares += last.mul(last).sumNumber().doubleValue();
            observedSquares += observed.mul(observed).sumNumber().doubleValue();
            products += last.mul(observed).sumNumber().doubleValue();
            cells += observed.length();
        }
        double factor = products / lastSquares;
        // Σ (a·last − observed)² at its minimum a = Σ last·observed / Σ last².
        double damped = (observedSquares - factor * products) / cells;
        return new LastLeadSkill(modelSquares / cells, persistenceSquares / cells, damped, factor);
    }

    @Override
    public String toString() {
        return String.format("last-lead MSE %.5f, %.2f of the best damped persistence's %.5f (factor %.3f);"
                + " persistence %.5f", model, model / damped, damped, factor, persistence);
    }
}
