package io.gridcast.jobs.report;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One test case of a region drawn in the report: the observed frames at each lead beside each model's forecast.
 *
 * @param region      the region's name
 * @param start       the test window's first frame index
 * @param reference   the time of the last input frame
 * @param leadMinutes the lead time of each frame
 * @param observed    the observed frame at each lead, row-major
 * @param forecasts   each model's forecast at each lead, in model order
 * @param height      grid rows
 * @param width       grid columns
 * @param flipRows    true when the grid's first row is southernmost (maps are drawn north up)
 */
public record MapCase(String region, int start, Instant reference, List<Long> leadMinutes, List<float[]> observed,
                      Map<String, List<float[]>> forecasts, int height, int width, boolean flipRows) {
}
