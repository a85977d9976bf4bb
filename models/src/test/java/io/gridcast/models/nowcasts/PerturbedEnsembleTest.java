package io.gridcast.models.nowcasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.gridcast.features.ChannelTransform;
import io.gridcast.features.Statistics;
import io.gridcast.features.WindowShape;
import io.gridcast.models.EnsembleNowcaster;
import io.gridcast.models.Nowcaster;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class PerturbedEnsembleTest {

    private static final int SIZE = 40;
    private static final WindowShape SHAPE = new WindowShape(4, 4, 1, SIZE, SIZE);
    /** Model units equal physical units, so the test reads amounts directly. */
    private static final ChannelTransform PHYSICAL = new ChannelTransform("none", 0,
            new Statistics(1, 0, 1, 0, 1, 0, 0, 1));

    /** A rain cell (peak 3, dry 0 around it) moving +1 cell per step in x, centred at x 14 in the last frame. */
    private static INDArray movingCell() {
        INDArray inputs = Nd4j.create(DataType.FLOAT, 1, SHAPE.in(), 1, SIZE, SIZE);
        for (int t = 0; t < SHAPE.in(); t++) {
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    double dx = x - (11 + t);
                    double dy = y - 20;
                    double r2 = dx * dx + dy * dy;
                    inputs.putScalar(new long[]{0, t, 0, y, x}, r2 > 36 ? 0 : 3 * Math.exp(-r2 / 18));
                }
            }
        }
        return inputs;
    }

    private static EnsembleNowcaster ensemble(String type, int members, long seed, Perturbation perturbation) {
        ModelSpec spec = new ModelSpec("e", type, List.of(8), 3, List.of(8), 1, 1, 1e-3, seed,
                LearningRateSchedule.CONSTANT, 0, 0, 1, false, 1, "mse", false, "none", members, perturbation);
        return (EnsembleNowcaster) ModelVariants.ensemble(spec, ModelVariants.baseline(type, SHAPE), PHYSICAL);
    }

    private static double[] lead(INDArray forecast, int k) {
        return forecast.get(NDArrayIndex.point(0), NDArrayIndex.point(k)).dup().castTo(DataType.DOUBLE).data()
                .asDouble();
    }

    /** The x of the field's centre of mass. */
    private static double centroidX(double[] field) {
        double sum = 0;
        double weighted = 0;
        for (int i = 0; i < field.length; i++) {
            sum += field[i];
            weighted += field[i] * (i % SIZE);
        }
        return weighted / sum;
    }

    @Test
    void memberDependsOnSeedAndMemberOnlyAndTheControlIsTheAdvectionForecast() {
        INDArray inputs = movingCell();
        EnsembleNowcaster a = ensemble(ModelVariants.ADVECTION_ENSEMBLE, 5, 7, Perturbation.DEFAULT);
        EnsembleNowcaster b = ensemble(ModelVariants.ADVECTION_ENSEMBLE, 5, 7, Perturbation.DEFAULT);
        assertThat(a.type()).isEqualTo("advection-ensemble");
        assertThat(a.members()).isEqualTo(5);
        EnsembleNowcaster.Members members = a.of(inputs);
        INDArray third = members.member(3);
        members.member(1);
        assertThat(b.of(inputs).member(3)).isEqualTo(third);
        assertThat(members.member(2)).isNotEqualTo(third);
        assertThat(ensemble(ModelVariants.ADVECTION_ENSEMBLE, 5, 8, Perturbation.DEFAULT).of(inputs).member(3))
                .isNotEqualTo(third);
        assertThat(a.predict(inputs)).isEqualTo(ModelVariants.baseline("advection", SHAPE).predict(inputs));
        assertThatThrownBy(() -> members.member(5)).hasMessageContaining("member 5 of an ensemble of 5");
    }

    /** A model's predictions, counted: each is one batch through the model. */
    private static final class Counted implements Nowcaster {
        private final Nowcaster model;
        private final List<Long> batches = new java.util.ArrayList<>();

        Counted(Nowcaster model) {
            this.model = model;
        }

        @Override
        public String type() {
            return model.type();
        }

        @Override
        public INDArray predict(INDArray inputs) {
            batches.add(inputs.size(0));
            return model.predict(inputs);
        }
    }

    @Test
    void aModelForecastsABlockOfMembersInOneBatchAndEachMemberAsAlone() {
        INDArray inputs = Nd4j.concat(0, movingCell(), movingCell().mul(2));
        ModelSpec spec = new ModelSpec("e", "persistence", List.of(8), 3, List.of(8), 1, 1, 1e-3, 5,
                LearningRateSchedule.CONSTANT, 0, 0, 1, false, 1, "mse", false, "none", 6, Perturbation.DEFAULT);
        Counted model = new Counted(ModelVariants.baseline("persistence", SHAPE));
        EnsembleNowcaster ensemble = (EnsembleNowcaster) ModelVariants.ensemble(spec, model, PHYSICAL);

        EnsembleNowcaster.Members members = ensemble.of(inputs);
        INDArray[] inOrder = new INDArray[6];
        for (int m = 0; m < 6; m++) {
            inOrder[m] = members.member(m);
        }

        // 2 windows x 6 members x 40 x 40 cells fit in one block: one batch of 12 windows
        assertThat(model.batches).containsExactly(12L);
        assertThat(inOrder[0].shape()).containsExactly(2, SHAPE.out(), SIZE, SIZE);
        for (int m : new int[] {4, 1}) {
            Counted alone = new Counted(ModelVariants.baseline("persistence", SHAPE));
            INDArray member = ((EnsembleNowcaster) ModelVariants.ensemble(spec, alone, PHYSICAL)).of(inputs).member(m);
            assertThat(member).as("member %d", m).isEqualTo(inOrder[m]);
        }
        // the second window's member is twice the first's: the same perturbation for every window of the batch
        assertThat(lead(inOrder[2].get(NDArrayIndex.interval(1, 2)), 3)).containsExactly(
                java.util.Arrays.stream(lead(inOrder[2], 3)).map(v -> 2 * v).toArray(), within(1e-4));
    }

    @Test
    void motionErrorDisplacesTheEarlierInputsAndKeepsTheLastFrame() {
        INDArray inputs = movingCell();
        INDArray displaced = PerturbedEnsemble.displaced(inputs, 0.5, 0);
        for (int t = 0; t < SHAPE.in(); t++) {
            double before = centroidX(inputs.get(NDArrayIndex.point(0), NDArrayIndex.point(t), NDArrayIndex.point(0))
                    .dup().castTo(DataType.DOUBLE).data().asDouble());
            double after = centroidX(displaced.get(NDArrayIndex.point(0), NDArrayIndex.point(t),
                    NDArrayIndex.point(0)).dup().castTo(DataType.DOUBLE).data().asDouble());
            // frame t moves back by (in - 1 - t) x 0.5 cells: the cell now seems to move 1.5 cells a step
            assertThat(after - before).isCloseTo(-(SHAPE.in() - 1 - t) * 0.5, within(0.02));
        }
    }

    @Test
    void advectionMembersDriftFromTheControlLinearlyWithLeadTime() {
        INDArray inputs = movingCell();
        EnsembleNowcaster ensemble = ensemble(ModelVariants.ADVECTION_ENSEMBLE, 4, 3, new Perturbation(0.5, 0, 0));
        INDArray control = ensemble.predict(inputs);
        EnsembleNowcaster.Members members = ensemble.of(inputs);
        for (int m = 0; m < ensemble.members(); m++) {
            INDArray member = members.member(m);
            double first = centroidX(lead(member, 0)) - centroidX(lead(control, 0));
            double last = centroidX(lead(member, 3)) - centroidX(lead(control, 3));
            // the drift at lead 4 is four times that at lead 1 (Horn–Schunck recovers the added motion closely)
            assertThat(Math.abs(first)).as("member %d", m).isGreaterThan(0.01);
            assertThat(last).as("member %d", m).isCloseTo(4 * first, within(0.25 * Math.abs(4 * first) + 0.05));
        }
    }

    @Test
    void noiseKeepsTheMeanLeavesDryCellsDryAndGrowsAsTheRootOfLeadTime() {
        INDArray inputs = movingCell();
        int members = 300;
        EnsembleNowcaster ensemble = ensemble("persistence", members, 11, new Perturbation(0, 0.3, 2));
        double[] last = lead(ensemble.predict(inputs), 0);
        int peak = 20 * SIZE + 14;
        double[][] logRatio = new double[SHAPE.out()][members];
        double[] meanRatio = new double[SHAPE.out()];
        EnsembleNowcaster.Members made = ensemble.of(inputs);
        for (int m = 0; m < members; m++) {
            INDArray member = made.member(m);
            for (int k = 0; k < SHAPE.out(); k++) {
                double[] field = lead(member, k);
                assertThat(field[0]).isZero();
                logRatio[k][m] = Math.log(field[peak] / last[peak]);
                meanRatio[k] += field[peak] / last[peak] / members;
            }
        }
        for (int k = 0; k < SHAPE.out(); k++) {
            double mean = java.util.Arrays.stream(logRatio[k]).average().orElseThrow();
            double sd = Math.sqrt(java.util.Arrays.stream(logRatio[k]).map(v -> (v - mean) * (v - mean)).sum()
                    / (members - 1));
            assertThat(sd).as("lead %d", k + 1).isCloseTo(0.3 * Math.sqrt(k + 1), within(0.1 * 0.3 * Math.sqrt(k + 1)));
            assertThat(meanRatio[k]).as("lead %d", k + 1).isCloseTo(1, within(0.1));
        }
    }

    /** Rain in a checkerboard of square patches (3 mm/h, dry between) moving +1 cell per step in x. */
    private static INDArray movingPatches() {
        INDArray inputs = Nd4j.create(DataType.FLOAT, 1, SHAPE.in(), 1, SIZE, SIZE);
        for (int t = 0; t < SHAPE.in(); t++) {
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    double wave = Math.sin(2 * Math.PI * (x - t) / 10) * Math.sin(2 * Math.PI * y / 10);
                    inputs.putScalar(new long[]{0, t, 0, y, x}, 3 * Math.max(0, wave));
                }
            }
        }
        return inputs;
    }

    @Test
    void advectionMembersDrawTheRainEnteringFromOutsideFromTheLastFrameOrLeaveItDry() {
        INDArray inputs = movingPatches();
        double[] last = lead(ModelVariants.baseline("persistence", SHAPE).predict(inputs), 0);
        java.util.Set<Double> lastValues = new java.util.HashSet<>();
        for (double v : last) {
            lastValues.add(v);
        }
        double wetShare = java.util.Arrays.stream(last).filter(v -> v > 0).count() / (double) last.length;
        int members = 40;
        Perturbation dry = new Perturbation(0, 0, 2, Perturbation.DRY, 0, 3);
        Perturbation recent = new Perturbation(0, 0, 2, Perturbation.RECENT, 0, 3);
        EnsembleNowcaster.Members dryMembers = ensemble(ModelVariants.ADVECTION_ENSEMBLE, members, 5, dry).of(inputs);
        EnsembleNowcaster.Members drawn = ensemble(ModelVariants.ADVECTION_ENSEMBLE, members, 5, recent).of(inputs);
        int wet = 0;
        int cells = 0;
        for (int m = 0; m < members; m++) {
            double[] leftDry = lead(dryMembers.member(m), 3);
            double[] leftDrawn = lead(drawn.member(m), 3);
            for (int y = 0; y < SIZE; y++) {
                // the westernmost column at lead 4: its rain was 4 cells west of the grid
                assertThat(leftDry[y * SIZE]).as("member %d, row %d", m, y).isZero();
                assertThat(lastValues).as("a value of the last frame").contains((double) (float) leftDrawn[y * SIZE]);
                wet += leftDrawn[y * SIZE] > 0 ? 1 : 0;
                cells++;
            }
            // inside, where the departure point stayed on the grid, inflow changes nothing
            assertThat(leftDrawn[20 * SIZE + 20]).isEqualTo(leftDry[20 * SIZE + 20]);
        }
        // as often wet as the last frame, in patches, across the members
        assertThat(wet / (double) cells).isCloseTo(wetShare, within(0.1));
        assertThat(ensemble(ModelVariants.ADVECTION_ENSEMBLE, members, 5, recent).of(inputs).member(7))
                .isEqualTo(drawn.member(7));
    }

    @Test
    void newRainAppearsInDryCellsAtItsShareOfCellsPerStepAndGrowsWhereItAppeared() {
        INDArray inputs = movingCell();
        double[] last = lead(ModelVariants.baseline("persistence", SHAPE).predict(inputs), 0);
        int members = 50;
        double share = 0.04;
        EnsembleNowcaster.Members none = ensemble("persistence", members, 9,
                new Perturbation(0, 0.3, 2, Perturbation.DRY, 0, 3)).of(inputs);
        EnsembleNowcaster.Members made = ensemble("persistence", members, 9,
                new Perturbation(0, 0, 2, Perturbation.DRY, share, 3)).of(inputs);
        long dryCells = java.util.Arrays.stream(last).filter(v -> v == 0).count();
        double[] newShare = new double[SHAPE.out()];
        for (int m = 0; m < members; m++) {
            INDArray member = made.member(m);
            INDArray noNewRain = none.member(m);
            boolean[] before = new boolean[last.length];
            for (int k = 0; k < SHAPE.out(); k++) {
                double[] field = lead(member, k);
                double[] unchanged = lead(noNewRain, k);
                for (int i = 0; i < last.length; i++) {
                    if (last[i] == 0) {
                        assertThat(unchanged[i]).as("noise alone leaves dry cells dry").isZero();
                        if (field[i] > 0) {
                            newShare[k] += 1.0 / dryCells / members;
                            assertThat(field[i]).as("the last frame's rain").isBetween(0.0, 3.0);
                        }
                        assertThat(field[i] > 0 || !before[i]).as("rain that appeared stays").isTrue();
                        before[i] = field[i] > 0;
                    }
                }
            }
        }
        for (int k = 0; k < SHAPE.out(); k++) {
            assertThat(newShare[k]).as("lead %d", k + 1).isCloseTo((k + 1) * share, within(0.3 * (k + 1) * share));
        }
    }

    @Test
    void aFieldReadPeriodicallyRepeatsBeyondItsEdges() {
        double[] field = {0, 1, 2, 3, 4, 5};
        assertThat(PerturbedEnsemble.periodic(field, 2, 3, 0, 1.5)).isEqualTo(1.5);
        assertThat(PerturbedEnsemble.periodic(field, 2, 3, -2, -3)).isEqualTo(0);
        assertThat(PerturbedEnsemble.periodic(field, 2, 3, 1, 2.5)).isEqualTo(4);
        assertThat(PerturbedEnsemble.periodic(field, 2, 3, 0.5, 0)).isEqualTo(1.5);
    }

    @Test
    void correlatedNoiseHasUnitVarianceAndAGaussianCorrelation() {
        SplittableRandom random = new SplittableRandom(5);
        int n = 64;
        double scale = 3;
        double variance = 0;
        double lagged = 0;
        int fields = 20;
        for (int f = 0; f < fields; f++) {
            double[] noise = PerturbedEnsemble.correlatedNoise(random, n, n, scale);
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    variance += noise[y * n + x] * noise[y * n + x];
                    lagged += noise[y * n + x] * noise[y * n + (x + 3) % n];
                }
            }
        }
        variance /= fields * n * n;
        lagged /= fields * n * n;
        assertThat(variance).isCloseTo(1, within(0.15));
        // smoothing white noise by a Gaussian of s cells correlates cells d apart by exp(-d^2 / (4 s^2))
        assertThat(lagged / variance).isCloseTo(Math.exp(-9 / (4 * scale * scale)), within(0.08));
    }

    @Test
    void oneMemberIsTheDeterministicModelAndAnAdvectionEnsembleNeedsTwo() {
        Nowcaster advection = ModelVariants.baseline("advection", SHAPE);
        ModelSpec one = new ModelSpec("a", "advection", List.of(8), 3, List.of(8), 1, 1, 1e-3, 1);
        assertThat(ModelVariants.ensemble(one, advection, PHYSICAL)).isSameAs(advection);
        assertThatThrownBy(() -> ensemble(ModelVariants.ADVECTION_ENSEMBLE, 1, 1, null))
                .hasMessageContaining("advection-ensemble needs members >= 2, got 1");
    }
}
