package io.gridcast.models.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridcast.models.TrainableNowcaster;
import io.gridcast.models.nowcasts.LearningRateSchedule;
import io.gridcast.models.nowcasts.ModelSpec;
import io.gridcast.models.nowcasts.ModelVariants;
import io.gridcast.models.postprocessing.PostProcessing;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Skill that a test defends: trained as {@code gridcast run train} trains (a fresh model from its {@link ModelSpec},
 * then the epoch loop with the spec's epochs, rate, batch size and schedule, keeping the best epoch's weights) on
 * rain cells moving 1 to 2 cells a step in any direction ({@link AdvectedBlobs}), a model is scored at the last lead
 * on held-out scenes against persistence and the best damped persistence ({@link LastLeadSkill}). The same check
 * must reject the untrained model and a motion-blind one (the same network given only the last frame), so that the
 * margins cannot be weakened unnoticed.
 *
 * <p>Margins as the last-lead MSE over the best damped persistence's, from 3 seeds of data, weights and shuffling
 * (7 December, sweeps not kept) and this test's own data: the ConvLSTM 0.35–0.37 given 3 frames, 0.80–0.84 given
 * the last frame only; the CNN-LSTM 0.40–0.46 given 3 frames, 0.80–0.81 given the last frame only (before issue 19's
 * per-cell LSTM and decoder skips, 0.96–1.06 and 1.15–1.42: it did not move rain).
 */
class MotionSkillTest {

    private static final Logger LOG = LoggerFactory.getLogger(MotionSkillTest.class);
    private static final int SIZE = 24;
    private static final AdvectedBlobs TRAIN = new AdvectedBlobs(64, SIZE, 1);
    private static final AdvectedBlobs VALIDATION = new AdvectedBlobs(16, SIZE, 2);
    private static final AdvectedBlobs HELD_OUT = new AdvectedBlobs(32, SIZE, 3);

    /** At most 0.6 of the best damped persistence's MSE: about halfway between moving (0.37) and blind (0.80). */
    private static final double CONVLSTM_RATIO = 0.6;
    /** At most 0.63 of the best damped persistence's MSE: about halfway between moving (0.46) and blind (0.80). */
    private static final double CNNLSTM_RATIO = 0.63;

    /**
     * 2 x 2 patches (a 12 x 12 grid of 4 channels) and 3 x 3 kernels: each forecast step can carry rain two cells,
     * as fast as the fastest cells move. Two layers at full resolution reach as far and learned as well, at ~100
     * times the training time here.
     */
    private static final ModelSpec CONVLSTM = new ModelSpec("convlstm-motion", "convlstm", List.of(8), 3,
            List.of(), 20, 4, 5e-3, 42, LearningRateSchedule.CONSTANT, 0, 0, 0, false, 2, "mse", true,
            PostProcessing.NONE);
    /** conf/demo.yml's CNN-LSTM, on a 6 x 6 grid after its two stages. */
    private static final ModelSpec CNNLSTM = new ModelSpec("cnnlstm-motion", "cnnlstm", List.of(64), 3,
            List.of(8, 16), 20, 4, 2e-3, 42, new LearningRateSchedule("cosine", 1, 1, 2e-4), 0, 0, 0, false, 1,
            "mse", false, PostProcessing.NONE);

    @Test
    void convLstmLearnsToMoveRain() {
        assertSkill(trained(CONVLSTM, AdvectedBlobs.IN), CONVLSTM_RATIO);
    }

    @Test
    void cnnLstmLearnsToMoveRain() {
        assertSkill(trained(CNNLSTM, AdvectedBlobs.IN), CNNLSTM_RATIO);
    }

    @ParameterizedTest
    @ValueSource(strings = {"convlstm", "cnnlstm"})
    void theCheckRejectsTheUntrainedModel(String type) {
        ModelSpec spec = spec(type);
        assertRejected(skill(ModelVariants.create(spec, TRAIN.shape(AdvectedBlobs.IN)), AdvectedBlobs.IN),
                ratio(type));
    }

    @ParameterizedTest
    @ValueSource(strings = {"convlstm", "cnnlstm"})
    void theCheckRejectsTheModelGivenOnlyTheLastFrame(String type) {
        assertRejected(trained(spec(type), 1), ratio(type));
    }

    private static ModelSpec spec(String type) {
        return type.equals(CONVLSTM.type()) ? CONVLSTM : CNNLSTM;
    }

    private static double ratio(String type) {
        return type.equals(CONVLSTM.type()) ? CONVLSTM_RATIO : CNNLSTM_RATIO;
    }

    /** Below persistence, and below {@code ratio} times the best damped persistence's MSE. */
    private static void assertSkill(LastLeadSkill skill, double ratio) {
        assertThat(skill.model()).as("%s", skill).isLessThan(skill.persistence());
        assertThat(skill.model()).as("%s", skill).isLessThan(ratio * skill.damped());
    }

    private static void assertRejected(LastLeadSkill skill, double ratio) {
        assertThatThrownBy(() -> assertSkill(skill, ratio)).as("%s", skill).isInstanceOf(AssertionError.class);
    }

    /** {@code spec} trained on windows of the newest {@code in} frames, scored on the held-out scenes. */
    private static LastLeadSkill trained(ModelSpec spec, int in) {
        EpochLoop.Outcome outcome = EpochLoop.run(ModelVariants.create(spec, TRAIN.shape(in)), spec,
                TRAIN.shuffled(in, spec.batchSize(), spec.seed()), VALIDATION.windows(in, spec.batchSize()), null,
                "advected blobs", e -> LOG.info("{} given {} frames: {}", spec.name(), in, e));
        return skill(outcome.model(), in);
    }

    private static LastLeadSkill skill(TrainableNowcaster model, int in) {
        LastLeadSkill skill = LastLeadSkill.of(model, HELD_OUT.windows(in, 8));
        LOG.info("{} given {} frames: {}", model.type(), in, skill);
        return skill;
    }
}
