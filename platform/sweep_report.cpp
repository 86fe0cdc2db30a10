// platform/sweep_report.cpp: see sweep_report.h.
#include "platform/sweep_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "platform/svg_chart.h"

namespace rvh {
namespace {

using json = nlohmann::json;

const char* const kPalette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
constexpr size_t kMaxLines = 10;

// A figure plotted against each axis: r.figures[key], or with `op` set, the
// bench operation's simulated cycles (r.figures["cycles_per_op"][op]).
struct Metric {
  std::string key;
  std::string title;
  double scale = 1;  // shown value = stored value * scale
  std::string op;
  const nlohmann::json* value(const SweepResult& r) const {
    const nlohmann::json* from = &r.figures;
    if (!op.empty()) {
      const auto ops = r.figures.find("cycles_per_op");
      if (ops == r.figures.end()) return nullptr;
      from = &*ops;
    }
    const std::string& k = op.empty() ? key : op;
    const auto v = from->is_object() ? from->find(k) : from->end();
    return v != from->end() && v->is_number() ? &*v : nullptr;
  }
};

// The run figures, then a bench sweep's: the workload's overhead and each
// operation's cost (in the order the first point lists them).
std::vector<Metric> metrics_of(const std::vector<SweepResult>& results) {
  std::vector<Metric> m = {{"sim_time_ns", "simulated time (\u00b5s)", 1e-3, ""},
                           {"hyp_share", "hypervisor share of all cycles (%)", 100.0, ""},
                           {"exits", "exits", 1.0, ""},
                           {"instructions", "instructions", 1.0, ""},
                           {"overhead_percent", "workload overhead as a guest vs bare (%)", 1.0, ""}};
  std::vector<std::string> ops;
  for (const SweepResult& r : results) {
    const nlohmann::json per_op = r.figures.value("cycles_per_op", nlohmann::json::object());
    if (!per_op.is_object()) continue;
    for (auto it = per_op.begin(); it != per_op.end(); ++it)
      if (std::find(ops.begin(), ops.end(), it.key()) == ops.end()) ops.push_back(it.key());
  }
  for (const std::string& op : ops) m.push_back(Metric{"cycles_per_op." + op, op + " (simulated cycles per operation or latency)", 1.0, op});
  return m;
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string value_text(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

struct Line {
  std::string label;
  std::vector<double> sum;
  std::vector<unsigned> count;
};

// The smallest of 1, 2, 2.5 and 5 times a power of ten that is at least
// `raw`: y ticks at round values.
double nice_step(double raw) {
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 2.5, 5.0})
    if (m * p >= raw) return m * p;
  return 10 * p;
}

// How many decimals show a multiple of `step` exactly (0.25 -> 2, 5 -> 0).
int tick_decimals(double step) {
  int d = 0;
  for (double scaled = step; d < 12 && std::fabs(scaled - std::round(scaled)) > 1e-9 * std::max(1.0, scaled); scaled *= 10) ++d;
  return d;
}

// One plot: x = the axis's values (by value if all are numbers, else evenly
// spaced), y = the metric; a polyline and a dot per point of each line.
std::string line_chart(const SweepAxis& axis, const std::vector<Line>& lines, size_t hidden, const Metric& m) {
  const double W = 720, left = 80, right = 40, top = 30, plot_h = 220, bottom = 42;
  const size_t n = axis.values.size();
  const bool numeric = std::all_of(axis.values.begin(), axis.values.end(), [](const json& v) { return v.is_number(); });
  double xmin = 0, xmax = static_cast<double>(n - 1);
  if (numeric) {
    xmin = xmax = axis.values[0].get<double>();
    for (const json& v : axis.values) xmin = std::min(xmin, v.get<double>()), xmax = std::max(xmax, v.get<double>());
  }
  auto x_of = [&](size_t i) {
    const double v = numeric ? axis.values[i].get<double>() : static_cast<double>(i);
    return xmax > xmin ? left + (v - xmin) / (xmax - xmin) * (W - left - right) : left + (W - left - right) / 2;
  };
  double lo = INFINITY, hi = -INFINITY;
  for (const Line& l : lines)
    for (size_t i = 0; i < n; ++i)
      if (l.count[i]) lo = std::min(lo, l.sum[i] / l.count[i] * m.scale), hi = std::max(hi, l.sum[i] / l.count[i] * m.scale);
  if (hi == lo) lo -= std::max(1.0, std::fabs(lo) * 0.05), hi += std::max(1.0, std::fabs(hi) * 0.05);
  const double step = nice_step((hi - lo) / 4);
  lo = std::floor(lo / step) * step;
  hi = std::ceil(hi / step) * step;
  auto y_of = [&](double v) { return top + (hi - v) / (hi - lo) * plot_h; };

  const double legend_h = 18.0 * static_cast<double>(lines.size() + (hidden ? 1 : 0));
  const double H = top + plot_h + bottom + legend_h;
  // Presentation attributes rather than the page's CSS, so that the same
  // text is a standalone .svg file (--plots DIR).
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" width=\"" + fmt(W) + "\" height=\"" + fmt(H) +
                  "\" viewBox=\"0 0 " + fmt(W) + " " + fmt(H) + "\" font-family=\"system-ui, sans-serif\" font-size=\"12\" fill=\"#333\" role=\"img\" aria-label=\"" +
                  html_escape(m.title + " vs " + axis.name) + "\">\n<title>" + html_escape(m.title + " vs " + axis.name) + "</title>\n";
  s += "<rect width=\"" + fmt(W) + "\" height=\"" + fmt(H) + "\" fill=\"#fff\"/>\n<text x=\"" + fmt(left) + "\" y=\"16\">" +
       html_escape(m.title) + "</text>\n";
  s += "<line stroke=\"#999\" x1=\"" + fmt(left) + "\" y1=\"" + fmt(top + plot_h) + "\" x2=\"" + fmt(W - right) + "\" y2=\"" +
       fmt(top + plot_h) + "\"/>\n<line stroke=\"#999\" x1=\"" + fmt(left) + "\" y1=\"" + fmt(top) + "\" x2=\"" + fmt(left) +
       "\" y2=\"" + fmt(top + plot_h) + "\"/>\n";
  const int decimals = tick_decimals(step);
  const long ticks = std::lround((hi - lo) / step);
  for (long k = 0; k <= ticks; ++k) {
    const double v = lo + static_cast<double>(k) * step;
    char label[48];
    std::snprintf(label, sizeof label, "%.*f", decimals, v);
    s += "<text font-size=\"10\" fill=\"#555\" x=\"" + fmt(left - 6) + "\" y=\"" + fmt(y_of(v) + 3) + "\" text-anchor=\"end\">" +
         html_escape(decimals ? label : format_number(std::round(v))) + "</text>\n";
  }
  for (size_t i = 0; i < n; ++i)
    s += "<text font-size=\"10\" fill=\"#555\" x=\"" + fmt(x_of(i)) + "\" y=\"" + fmt(top + plot_h + 14) + "\" text-anchor=\"middle\">" +
         html_escape(value_text(axis.values[i])) + "</text>\n";
  s += "<text x=\"" + fmt(left + (W - left - right) / 2) + "\" y=\"" + fmt(top + plot_h + 32) + "\" text-anchor=\"middle\">" +
       html_escape(axis.name) + "</text>\n";
  for (size_t k = 0; k < lines.size(); ++k) {
    const Line& l = lines[k];
    const std::string color = kPalette[k % (sizeof kPalette / sizeof kPalette[0])];
    std::string points, dots;
    for (size_t i = 0; i < n; ++i) {
      if (!l.count[i]) continue;
      const double v = l.sum[i] / l.count[i] * m.scale;
      points += fmt(x_of(i)) + "," + fmt(y_of(v)) + " ";
      dots += "<circle class=\"mark\" cx=\"" + fmt(x_of(i)) + "\" cy=\"" + fmt(y_of(v)) + "\" r=\"3.5\" fill=\"" + color +
              "\"><title>" + html_escape(l.label + ", " + axis.name + "=" + value_text(axis.values[i]) + ": " + format_number(v)) +
              "</title></circle>\n";
    }
    s += "<polyline fill=\"none\" stroke=\"" + color + "\" stroke-width=\"2\" points=\"" + points + "\"/>\n" + dots;
    const double ly = top + plot_h + bottom + 18.0 * static_cast<double>(k) + 12;
    s += "<line x1=\"" + fmt(left) + "\" y1=\"" + fmt(ly - 4) + "\" x2=\"" + fmt(left + 24) + "\" y2=\"" + fmt(ly - 4) +
         "\" stroke=\"" + color + "\" stroke-width=\"2\"/><text x=\"" + fmt(left + 30) + "\" y=\"" + fmt(ly) + "\">" +
         html_escape(l.label) + "</text>\n";
  }
  if (hidden)
    s += "<text x=\"" + fmt(left) + "\" y=\"" + fmt(top + plot_h + bottom + 18.0 * static_cast<double>(lines.size()) + 12) + "\">" +
         std::to_string(hidden) + " more settings not drawn</text>\n";
  return s + "</svg>\n";
}

// The lines of axis `a` for metric `m`: one per setting of the other axes, in grid order.
std::vector<Line> lines_for(const SweepSpec& spec, size_t a, const Metric& m, const std::vector<SweepResult>& results) {
  std::vector<Line> lines;
  std::map<std::string, size_t> index;
  const SweepAxis& axis = spec.axes[a];
  for (const SweepResult& r : results) {
    const nlohmann::json* value = m.value(r);
    if (r.status != "ok" || !r.params.is_object() || !value) continue;
    const auto pos = std::find(axis.values.begin(), axis.values.end(), r.params.value(axis.name, json()));
    if (pos == axis.values.end()) continue;
    std::string label;
    for (size_t o = 0; o < spec.axes.size(); ++o) {
      if (o == a || spec.axes[o].values.size() < 2) continue;
      label += (label.empty() ? "" : ", ") + spec.axes[o].name + "=" + value_text(r.params.value(spec.axes[o].name, json()));
    }
    if (label.empty()) label = "all points";
    auto it = index.find(label);
    if (it == index.end()) {
      it = index.emplace(label, lines.size()).first;
      lines.push_back(Line{label, std::vector<double>(axis.values.size()), std::vector<unsigned>(axis.values.size())});
    }
    const size_t i = static_cast<size_t>(pos - axis.values.begin());
    lines[it->second].sum[i] += value->get<double>();
    lines[it->second].count[i] += 1;
  }
  return lines;
}

const char* const kStyle = R"(
body { font: 14px/1.45 system-ui, sans-serif; color: #222; background: #fff; margin: 0; }
main { max-width: 960px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 24px; margin: 8px 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 14px; margin: 12px 0 4px; }
p.sub { color: #666; margin: 2px 0 8px; }
code { font-size: 12px; background: #f4f4f4; padding: 1px 4px; border-radius: 3px; }
table { border-collapse: collapse; margin: 6px 0; }
th, td { text-align: left; padding: 3px 12px 3px 0; border-bottom: 1px solid #eee; }
svg.plot { display: block; margin: 6px 0 10px; }
)";

}  // namespace

std::vector<SweepPlot> sweep_plots(const SweepSpec& spec, const std::vector<SweepResult>& results) {
  std::vector<SweepPlot> plots;
  const std::vector<Metric> metrics = metrics_of(results);
  for (size_t a = 0; a < spec.axes.size(); ++a) {
    const SweepAxis& axis = spec.axes[a];
    if (axis.values.size() < 2) continue;
    for (const Metric& m : metrics) {
      std::vector<Line> lines = lines_for(spec, a, m, results);
      if (lines.empty()) continue;
      const size_t hidden = lines.size() > kMaxLines ? lines.size() - kMaxLines : 0;
      lines.resize(std::min(lines.size(), kMaxLines));
      plots.push_back(SweepPlot{a, m.key, m.title + " vs " + axis.name, line_chart(axis, lines, hidden, m)});
    }
  }
  return plots;
}

std::string sweep_plot_file_name(const SweepSpec& spec, const SweepPlot& plot) {
  std::string name;
  for (char c : spec.axes[plot.axis].name + "-" + plot.metric) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    name += keep ? c : '_';
  }
  while (!name.empty() && (name[0] == '-' || name[0] == '.')) name.erase(0, 1);  // "--smp-exits" -> "smp-exits"
  return name + ".svg";
}

std::string sweep_report_html(const SweepSpec& spec, const std::string& title, const std::vector<SweepResult>& results) {
  size_t ok = 0;
  for (const SweepResult& r : results) ok += r.status == "ok";
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + html_escape(title) +
                  " \u2014 rvh-vp sweep</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n<main>\n";
  h += "<h1>" + html_escape(title) + "</h1>\n<p class=\"sub\">rvh-vp sweep: " + std::to_string(results.size()) +
       " points recorded, " + std::to_string(ok) + " ok. Each line is one setting of the other axes (the mean of its "
       "repetitions); failed points are left out.</p>\n";
  std::string command;
  for (const std::string& w : spec.command) command += (command.empty() ? "" : " ") + w;
  h += "<p>Command: <code>rvh-vp " + html_escape(command) + "</code></p>\n<table>\n<tr><th>axis</th><th>values</th></tr>\n";
  for (const SweepAxis& axis : spec.axes) {
    std::string values;
    for (const json& v : axis.values) values += (values.empty() ? "" : ", ") + value_text(v);
    h += "<tr><td><code>" + html_escape(axis.name) + "</code></td><td>" + html_escape(values) + "</td></tr>\n";
  }
  h += "</table>\n";
  const std::vector<SweepPlot> plots = sweep_plots(spec, results);
  for (size_t k = 0; k < plots.size(); ++k) {
    const size_t a = plots[k].axis;
    if (k == 0 || plots[k - 1].axis != a)
      h += "<h2 id=\"axis-" + std::to_string(a) + "\">" + html_escape(spec.axes[a].name) + "</h2>\n";
    h += "<h3>" + html_escape(plots[k].title) + "</h3>\n" + plots[k].svg;
  }
  return h + "</main>\n<script>" + kPlotCheckScript + "</script>\n</body>\n</html>\n";
}

}  // namespace rvh
