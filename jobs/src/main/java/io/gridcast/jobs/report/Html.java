package io.gridcast.jobs.report;

import java.util.Base64;

/** The few pieces of HTML both the run report and the comparison write: escaping, numbers, embedded images, style. */
final class Html {

    /** One style sheet, inline, so a report opens offline as a single file. */
    static final String STYLE = "body{font-family:'DejaVu Sans',sans-serif;margin:1.5em 2em;color:#222;max-width:1400px}"
            + "h1{margin-bottom:.2em}h2{border-bottom:2px solid #4a6fa5;padding-bottom:.2em;margin-top:1.8em}"
            + "table{border-collapse:collapse;margin:.5em 0 1.2em;font-size:90%}"
            + "td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}th{background:#eef2f7}"
            + "td.l,th.l{text-align:left}.best{font-weight:bold;background:#e6f4ea}.better{background:#d7f0dc}"
            + ".worse{background:#f9dcdc}.neg{color:#a50e0e}.muted{color:#777}.meta{color:#555}"
            + ".charts{display:flex;flex-wrap:wrap;gap:8px}.charts img{border:1px solid #ddd}"
            + ".maps{border-collapse:collapse}.maps td,.maps th{border:none;padding:3px;text-align:center;background:none}"
            + ".maps img{border:1px solid #999;image-rendering:pixelated}"
            + ".colourbar{display:inline-block;margin:.3em 0 1em}.colourbar .ticks{display:flex;justify-content:space-between;font-size:80%}"
            + "details{margin:.5em 0}summary{cursor:pointer;font-weight:bold}"
            + "#integrity.warn{background:#f9dcdc;padding:.5em;font-weight:bold}dl dt{font-weight:bold}dl dd{margin:0 0 .4em 1.5em}";

    /**
     * Flags images that did not decode (and script errors) on the page itself, and leaves a marker for the
     * headless-browser test: {@code data-integrity="ok"} on the element with id {@code integrity}.
     */
    static final String INTEGRITY_CHECK = "<p id=\"integrity\" data-integrity=\"pending\"></p><script>"
            + "(function(){var errors=[];window.addEventListener('error',function(e){errors.push(e.message||'resource error')},true);"
            + "window.addEventListener('load',function(){var p=document.getElementById('integrity');"
            + "var broken=Array.prototype.filter.call(document.images,function(i){return !(i.complete&&i.naturalWidth>0)});"
            + "if(broken.length||errors.length){p.className='warn';p.dataset.integrity='failed';"
            + "p.textContent=broken.length+' image(s) did not load; errors: '+errors.join('; ')}"
            + "else{p.dataset.integrity='ok';p.dataset.images=document.images.length}})})();</script>";

    private Html() {
    }

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String format(double v) {
        return Double.isNaN(v) ? "n/a" : String.format("%.4g", v);
    }

    /** A threshold or scale label: up to 4 significant digits, no trailing zeros (0.5, 2, 12.5). */
    static String compact(double v) {
        return new java.math.BigDecimal(String.format("%.4g", v)).stripTrailingZeros().toPlainString();
    }

    static String png(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    static String head(String title) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title)
                + "</title><style>" + STYLE + "</style></head><body>";
    }
}
