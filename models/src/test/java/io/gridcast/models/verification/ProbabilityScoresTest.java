package io.gridcast.models.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.gridcast.models.verification.ProbabilityScores.ReliabilityBin;
import io.gridcast.models.verification.ProbabilityScores.RocPoint;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbabilityScoresTest {

    /**
     * Eight cells, forecast probability p and observation o (1 an event):
     * p 0, 0, 0.25, 0.5, 0.5, 0.75, 1, 1 and o 0, 1, 0, 1, 0, 1, 1, 0.
     */
    static ProbabilityScores eightCells() {
        ProbabilityScores s = new ProbabilityScores(1.0);
        s.add(0, 2, 1);
        s.add(0.25, 1, 0);
        s.add(0.5, 2, 1);
        s.add(0.75, 1, 1);
        s.add(1, 2, 1);
        return s;
    }

    @Test
    void brierScoreAndItsDecompositionByHand() {
        ProbabilityScores s = eightCells();

        // (p - o)^2: 0, 1, 0.0625, 0.25, 0.25, 0.0625, 0, 1
        assertThat(s.brier()).isCloseTo(2.625 / 8, within(1e-12));
        // base rate 4 / 8: uncertainty 0.5 x 0.5
        assertThat(s.baseRate()).isEqualTo(0.5);
        assertThat(s.uncertainty()).isEqualTo(0.25);
        // observed frequency per probability: 0 -> 1/2, 0.25 -> 0, 0.5 -> 1/2, 0.75 -> 1, 1 -> 1/2
        // reliability (2 x 0.5^2 + 0.25^2 + 0 + 0.25^2 + 2 x 0.5^2) / 8
        assertThat(s.reliability()).isCloseTo(1.125 / 8, within(1e-12));
        // resolution (0 + 0.5^2 + 0 + 0.5^2 + 0) / 8
        assertThat(s.resolution()).isCloseTo(0.5 / 8, within(1e-12));
        assertThat(s.reliability() - s.resolution() + s.uncertainty()).isCloseTo(s.brier(), within(1e-12));
        // 1 - 0.328125 / 0.25: worse than always forecasting the base rate
        assertThat(s.brierSkillScore()).isCloseTo(-0.3125, within(1e-12));
    }

    @Test
    void reliabilityDiagramInTenBins() {
        List<ReliabilityBin> bins = eightCells().reliabilityDiagram();

        assertThat(bins).hasSize(10);
        assertThat(bins).extracting(ReliabilityBin::cells).containsExactly(2L, 0L, 1L, 0L, 0L, 2L, 0L, 1L, 0L, 2L);
        assertThat(bins.get(5)).isEqualTo(new ReliabilityBin(5, 2, 0.5, 0.5));
        assertThat(bins.get(9)).isEqualTo(new ReliabilityBin(9, 2, 1.0, 0.5));
        assertThat(bins.get(2).observedFrequency()).isEqualTo(0.0);
        assertThat(bins.get(1).meanProbability()).as("an empty bin").isNaN();
        assertThat(bins.get(1).observedFrequency()).isNaN();
    }

    @Test
    void everyEnsembleProbabilityLandsInTheBinItOpens() {
        // k / m of up to 100 members, in floating point, against the exact bin floor(10 k / m)
        for (int m = 1; m <= 100; m++) {
            for (int k = 0; k <= m; k++) {
                assertThat(ProbabilityScores.bin((double) k / m)).as(k + "/" + m).isEqualTo(Math.min(9, 10 * k / m));
            }
        }
        // pysteps' edges -1e-6 + k (1 + 2e-6) / 10 with digitize(right=True) would put 0.6 into bin 5
        assertThat(ProbabilityScores.bin(0.6)).isEqualTo(6);
        assertThat(ProbabilityScores.bin(0.1)).isEqualTo(1);
    }

    @Test
    void rocCurveAtEveryDistinctProbabilityAndItsArea() {
        List<RocPoint> roc = eightCells().rocCurve();

        // events at 0, 0.5, 0.75, 1 (4), non-events at 0, 0.25, 0.5, 1 (4); forecast "yes" where p >= threshold
        assertThat(roc).containsExactly(
                new RocPoint(1, 0.25, 0.25),
                new RocPoint(0.75, 0.5, 0.25),
                new RocPoint(0.5, 0.75, 0.5),
                new RocPoint(0.25, 0.75, 0.75),
                new RocPoint(0, 1, 1));
        // trapezoids from (0, 0): 0.25 x 0.25 / 2 + 0 + 0.25 x 1.25 / 2 + 0.25 x 1.5 / 2 + 0.25 x 1.75 / 2
        assertThat(eightCells().rocArea()).isCloseTo(0.59375, within(1e-12));
    }

    @Test
    void perfectProbabilitiesScorePerfectly() {
        ProbabilityScores s = new ProbabilityScores(1.0);
        s.add(1, 3, 3);
        s.add(0, 5, 0);

        assertThat(s.brier()).isEqualTo(0.0);
        assertThat(s.brierSkillScore()).isEqualTo(1.0);
        assertThat(s.rocArea()).isEqualTo(1.0);
        assertThat(s.reliability()).isEqualTo(0.0);
        assertThat(s.resolution()).isCloseTo(s.uncertainty(), within(1e-12));
    }

    @Test
    void noEventObservedLeavesSkillAndRocUndefined() {
        ProbabilityScores s = new ProbabilityScores(1.0);
        s.add(0.5, 2, 0);
        s.add(0, 2, 0);

        assertThat(s.brier()).as("(0.5^2 x 2) / 4").isEqualTo(0.125);
        assertThat(s.uncertainty()).isEqualTo(0.0);
        assertThat(s.brierSkillScore()).isNaN();
        assertThat(s.rocArea()).isNaN();
        assertThat(s.rocCurve()).extracting(RocPoint::pod).allMatch(v -> v.isNaN());
    }

    @Test
    void nothingScoredIsUndefinedEverywhere() {
        ProbabilityScores s = new ProbabilityScores(1.0);

        assertThat(List.of(s.brier(), s.reliability(), s.resolution(), s.uncertainty(), s.brierSkillScore(),
                s.rocArea())).allMatch(v -> v.isNaN());
        assertThat(s.rocCurve()).isEmpty();
        assertThat(s.reliabilityDiagram()).extracting(ReliabilityBin::cells).containsOnly(0L);
    }

    @Test
    void aProbabilityOutsideZeroToOneIsRefused() {
        assertThatThrownBy(() -> new ProbabilityScores(1.0).add(1.5, 1, 0))
                .hasMessage("probability of exceeding 1.0 is 1.5, expected a value from 0 to 1");
        assertThatThrownBy(() -> new ProbabilityScores(1.0).add(0.5, 1, 2))
                .hasMessage("2 events in 1 cells at probability 0.5, expected 0 to 1");
    }

    @Test
    void mergingEqualsAccumulatingBoth() {
        ProbabilityScores first = new ProbabilityScores(1.0);
        first.add(0, 2, 1);
        first.add(0.5, 1, 1);
        ProbabilityScores second = new ProbabilityScores(1.0);
        second.add(0.25, 1, 0);
        second.add(0.5, 1, 0);
        second.add(0.75, 1, 1);
        second.add(1, 2, 1);

        first.merge(second);

        ProbabilityScores together = eightCells();
        assertThat(first.brier()).isEqualTo(together.brier());
        assertThat(first.reliability()).isEqualTo(together.reliability());
        assertThat(first.rocCurve()).isEqualTo(together.rocCurve());
        assertThat(first.reliabilityDiagram()).isEqualTo(together.reliabilityDiagram());
        assertThatThrownBy(() -> first.merge(new ProbabilityScores(2.0)))
                .hasMessage("cannot merge probability scores of threshold 2.0 into threshold 1.0");
    }
}
