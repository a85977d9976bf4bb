package io.gridcast.models;

import io.gridcast.features.RegionFeatures;
import io.gridcast.features.WindowIterator;
import io.gridcast.features.WindowPlan;
import io.gridcast.models.verification.LeadScores;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Verifies a model variant on the held-out test windows, in physical units: each forecast lead against the
 * observed frame, missing observations left out.
 */
public final class Evaluation {

    private static final int BATCH = 8;

    private Evaluation() {
    }

    public static List<LeadScores> verify(RegionFeatures features, ModelMetadata metadata, Nowcaster model,
                                          List<Double> thresholds) {
        WindowPlan.Split test = features.plan().test();
        WindowIterator windows = new WindowIterator(features.frames(), metadata.normalisation(), features.shape(),
                test.starts(), BATCH, null);
        List<LeadScores> leads = new ArrayList<>();
        for (int k = 0; k < metadata.out(); k++) {
            leads.add(new LeadScores(thresholds));
        }
        int window = 0;
        while (windows.hasNext()) {
            DataSet batch = windows.next();
            INDArray predicted = model.predict(batch.getFeatures());
            for (int b = 0; b < predicted.size(0); b++, window++) {
                int start = test.starts().get(window);
                for (int k = 0; k < metadata.out(); k++) {
                    float[] forecast = Forecasting.physical(predicted, b, k, metadata);
                    leads.get(k).add(forecast, features.frames().frame(start + metadata.in() + k));
                }
            }
        }
        return leads;
    }
}
