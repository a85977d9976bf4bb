package io.gridcast.jobs.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Line charts of a score against lead time (XChart), rendered headless to PNG for embedding. */
final class Charts {

    static final int WIDTH = 420;
    static final int HEIGHT = 280;
    /** The width of a chart whose legend is a column beside the plot. */
    static final int WIDE = 580;
    private static final int MAX_LEGEND_ROW = 4;

    /** One line of a chart; {@code dashed} for references (persistence, the other run of a comparison). */
    record Line(String name, Color colour, boolean dashed, double[] leads, double[] values) {
    }

    /** Colours of models in order (Okabe–Ito, safe for colour-blind readers); persistence is always grey. */
    private static final Color[] PALETTE = {new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73),
            new Color(0xCC79A7), new Color(0xE69F00), new Color(0x56B4E9), new Color(0xF0E442)};
    static final Color PERSISTENCE = new Color(0x555555);

    private Charts() {
    }

    /** The colour of the i-th model of a region, persistence grey. */
    static Color colour(String model, int index) {
        return model.equals("persistence") ? PERSISTENCE : PALETTE[index % PALETTE.length];
    }

    /**
     * A PNG chart; lines with no value at any lead are left out. Empty when no line has a value: the caller
     * says so in words instead.
     */
    static byte[] png(String title, String yTitle, List<Line> lines) {
        return png(title, "lead time (min)", yTitle, lines);
    }

    /** A PNG chart of lines against any x: a line's {@code leads} are its x values. */
    static byte[] png(String title, String xTitle, String yTitle, List<Line> lines) {
        // more lines than fit in one row below the plot (a comparison's A and B per model) go in a column beside it
        boolean column = lines.size() > MAX_LEGEND_ROW;
        XYChart chart = new XYChartBuilder().width(column ? WIDE : WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        XYStyler styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setLegendPosition(column ? Styler.LegendPosition.OutsideE : Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(column ? Styler.LegendLayout.Vertical : Styler.LegendLayout.Horizontal);
        styler.setLegendBorderColor(Color.WHITE);
        styler.setChartTitleBoxBackgroundColor(Color.WHITE);
        styler.setChartTitleBoxBorderColor(Color.WHITE);
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        styler.setPlotBorderVisible(false);
        styler.setPlotGridLinesColor(new Color(0xE5E5E5));
        styler.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        styler.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        boolean any = false;
        for (Line line : lines) {
            if (Arrays.stream(line.values()).allMatch(Double::isNaN) || line.values().length == 0) {
                continue;
            }
            any = true;
            XYSeries series = chart.addSeries(line.name(), line.leads(), line.values());
            series.setLineColor(line.colour());
            series.setMarkerColor(line.colour());
            series.setMarker(SeriesMarkers.CIRCLE);
            series.setLineStyle(line.dashed()
                    ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f)
                    : new BasicStroke(2f));
        }
        if (!any) {
            return new byte[0];
        }
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render chart '" + title + "'", e);
        }
    }
}
