package michat.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * {@code charts}: three sweeps against the server at {@code --url}, each point one bench run, drawn
 * into {@code --charts-dir}: latency against offered private-message rate, server memory against open
 * sessions, group deliveries per second against group size. Every run's JSON line is printed too.
 */
final class Charts {
  static final String LATENCY = "bench-latency-vs-rate.png";
  static final String MEMORY = "bench-memory-vs-sessions.png";
  static final String FANOUT = "bench-group-fanout.png";

  private Charts() {}

  static boolean sweep(Bench bench, BenchOptions o) {
    boolean ok = true;
    new File(o.chartsDir).mkdirs();

    XYSeries p50 = new XYSeries("p50");
    XYSeries p99 = new XYSeries("p99");
    XYSeries delivered = new XYSeries("delivered/s (right axis)");
    for (int rate : o.chartRates) {
      BenchOptions run = o.copy();
      run.scenario = "private";
      run.rate = rate;
      Report r = report(bench, run);
      ok &= r.ok();
      p50.add(rate, r.decimal("latency_p50_ms"));
      p99.add(rate, r.decimal("latency_p99_ms"));
      delivered.add(rate, r.decimal("delivered_per_s"));
    }
    write(o, LATENCY, dualAxis("Private messages: latency against offered rate (" + o.sessions + " users)",
        "offered messages/s", "end-to-end latency (ms)", collection(p50, p99), "delivered/s", collection(delivered)));

    XYSeries heap = new XYSeries("heap used (MB)");
    XYSeries live = new XYSeries("heap live after GC (MB)");
    XYSeries rss = new XYSeries("RSS (MB)");
    for (int n : o.chartSessions) {
      BenchOptions run = o.copy();
      run.scenario = "connections";
      run.sessions = n;
      run.holdSeconds = Math.min(o.holdSeconds, 5);
      Report r = report(bench, run);
      ok &= r.ok();
      heap.add(n, r.decimal("server_heap_used_mb_after"));
      rss.add(n, r.decimal("server_rss_mb_after"));
      double perSession = r.decimal("server_heap_live_bytes_per_session");
      live.add(n, perSession * n / 1e6);
    }
    write(o, MEMORY, line("Server memory against open sessions" + (o.serverPid != null ? " (GC before each reading)" : ""),
        "open sessions", "MB", collection(heap, live, rss)));

    XYSeries perSecond = new XYSeries("deliveries/s");
    XYSeries groupP99 = new XYSeries("p99 (ms, right axis)");
    for (int size : o.chartGroupSizes) {
      BenchOptions run = o.copy();
      run.scenario = "group";
      run.groupSize = size;
      run.groups = Math.max(1, Math.min(o.groups, 10_000 / size));
      run.sessions = run.groups * size;
      Report r = report(bench, run);
      ok &= r.ok();
      perSecond.add(size, r.decimal("delivered_per_s"));
      groupP99.add(size, r.decimal("latency_p99_ms"));
    }
    write(o, FANOUT, dualAxis("Group fan-out: deliveries/s against group size (" + o.rate + " group messages/s offered)",
        "members per group", "deliveries/s", collection(perSecond), "p99 ms", collection(groupP99)));
    return ok;
  }

  private static Report report(Bench bench, BenchOptions run) {
    System.err.println("[charts] " + run.scenario + " sessions " + run.sessions + " rate " + run.rate
        + " group size " + run.groupSize);
    Report r = bench.run(run);
    System.out.println(r.json());
    return r;
  }

  private static XYSeriesCollection collection(XYSeries... series) {
    XYSeriesCollection c = new XYSeriesCollection();
    for (XYSeries s : series) {
      c.addSeries(s);
    }
    return c;
  }

  private static JFreeChart line(String title, String x, String y, XYSeriesCollection data) {
    JFreeChart chart = ChartFactory.createXYLineChart(title, x, y, data, PlotOrientation.VERTICAL, true, false, false);
    style(chart.getXYPlot(), 0);
    return chart;
  }

  private static JFreeChart dualAxis(String title, String x, String y, XYSeriesCollection left, String y2,
                                     XYSeriesCollection right) {
    JFreeChart chart = line(title, x, y, left);
    XYPlot plot = chart.getXYPlot();
    plot.setRangeAxis(1, new NumberAxis(y2));
    plot.setDataset(1, right);
    plot.mapDatasetToRangeAxis(1, 1);
    XYLineAndShapeRenderer r2 = new XYLineAndShapeRenderer(true, true);
    plot.setRenderer(1, r2);
    style(plot, 1);
    return chart;
  }

  private static void style(XYPlot plot, int index) {
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    XYLineAndShapeRenderer r = plot.getRenderer(index) instanceof XYLineAndShapeRenderer x ? x
        : new XYLineAndShapeRenderer(true, true);
    r.setDefaultShapesVisible(true);
    List<Color> colors = new ArrayList<>(List.of(new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c)));
    if (index == 1) {
      colors.add(0, new Color(0xff7f0e));
    }
    for (int i = 0; i < 3; i++) {
      r.setSeriesPaint(i, colors.get(i));
      r.setSeriesStroke(i, new BasicStroke(2f));
    }
    plot.setRenderer(index, r);
  }

  private static void write(BenchOptions o, String name, JFreeChart chart) {
    File f = new File(o.chartsDir, name);
    try {
      ChartUtils.saveChartAsPNG(f, chart, 900, 500);
      System.err.println("[charts] wrote " + f);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + f + ": " + e.getMessage(), e);
    }
  }
}
