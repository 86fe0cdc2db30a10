// platform/svg_chart.cpp: see svg_chart.h.
#include "platform/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace rvh {
namespace {

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// Labels longer than `max` characters are cut with an ellipsis (the full
// text is in the <title> tooltip).
std::string cut(const std::string& s, size_t max) { return s.size() <= max ? s : s.substr(0, max - 1) + "\u2026"; }

}  // namespace

std::string html_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string format_number(double v) {
  char buf[64];
  if (std::fabs(v) < 9e15 && v == std::floor(v)) {
    std::snprintf(buf, sizeof buf, "%.0f", std::fabs(v));
    std::string digits = buf, out;
    for (size_t i = 0; i < digits.size(); ++i) {
      if (i && (digits.size() - i) % 3 == 0) out += ',';
      out += digits[i];
    }
    return (v < 0 ? "-" : "") + out;
  }
  std::snprintf(buf, sizeof buf, "%.3f", v);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

std::string svg_hbar_chart(const std::vector<BarItem>& items) {
  const double label_w = 270, bar_w = 520, row_h = 22, top = 6, width = 900;
  const double height = top * 2 + row_h * static_cast<double>(items.size());
  double max = 0;
  for (const BarItem& i : items) max = std::max(max, i.value);
  std::string s = "<svg class=\"plot hbar\" width=\"" + num(width) + "\" height=\"" + num(height) +
                  "\" viewBox=\"0 0 " + num(width) + " " + num(height) + "\">\n";
  double y = top;
  for (const BarItem& i : items) {
    const double w = max > 0 ? std::max(1.0, bar_w * i.value / max) : 1.0;
    const std::string text = i.value_text.empty() ? format_number(i.value) : i.value_text;
    s += "<g><title>" + html_escape(i.label + ": " + text) + "</title>";
    s += "<text x=\"" + num(label_w - 8) + "\" y=\"" + num(y + row_h * 0.68) + "\" text-anchor=\"end\">" +
         html_escape(cut(i.label, 40)) + "</text>";
    s += "<rect class=\"mark\" x=\"" + num(label_w) + "\" y=\"" + num(y + 3) + "\" width=\"" + num(w) + "\" height=\"" +
         num(row_h - 6) + "\" fill=\"" + i.color + "\"/>";
    s += "<text class=\"value\" x=\"" + num(label_w + w + 6) + "\" y=\"" + num(y + row_h * 0.68) + "\">" +
         html_escape(text) + "</text></g>\n";
    y += row_h;
  }
  s += "<line class=\"axis\" x1=\"" + num(label_w) + "\" y1=\"" + num(top) + "\" x2=\"" + num(label_w) + "\" y2=\"" +
       num(height - top) + "\"/>\n</svg>\n";
  return s;
}

std::string svg_split_bar(const std::vector<BarItem>& parts) {
  const double width = 900, bar_h = 36, legend_h = 24;
  const double height = bar_h + legend_h + 10;
  double total = 0;
  for (const BarItem& p : parts) total += std::max(0.0, p.value);
  std::string s = "<svg class=\"plot split\" width=\"" + num(width) + "\" height=\"" + num(height) +
                  "\" viewBox=\"0 0 " + num(width) + " " + num(height) + "\">\n";
  double x = 0;
  for (const BarItem& p : parts) {
    const double share = total > 0 ? std::max(0.0, p.value) / total : 0;
    const double w = width * share;
    const std::string pct = format_number(std::round(share * 1000) / 10) + "%";
    s += "<g><title>" + html_escape(p.label + ": " + format_number(p.value) + " (" + pct + ")") + "</title>";
    if (w > 0)
      s += "<rect class=\"mark\" x=\"" + num(x) + "\" y=\"0\" width=\"" + num(w) + "\" height=\"" + num(bar_h) +
           "\" fill=\"" + p.color + "\"/>";
    if (w > 60)
      s += "<text class=\"inside\" x=\"" + num(x + 6) + "\" y=\"" + num(bar_h * 0.64) + "\">" + html_escape(pct) +
           "</text>";
    s += "</g>\n";
    x += w;
  }
  double lx = 0;
  for (const BarItem& p : parts) {
    const std::string text = p.label + " " + (p.value_text.empty() ? format_number(p.value) : p.value_text);
    s += "<rect x=\"" + num(lx) + "\" y=\"" + num(bar_h + 10) + "\" width=\"12\" height=\"12\" fill=\"" + p.color +
         "\"/><text x=\"" + num(lx + 18) + "\" y=\"" + num(bar_h + 20) + "\">" + html_escape(text) + "</text>\n";
    lx += 30 + 7.0 * static_cast<double>(text.size());
  }
  s += "</svg>\n";
  return s;
}

std::string svg_histogram(const std::vector<HistogramBucket>& buckets, const std::string& color,
                          const std::string& x_label) {
  const double width = 430, height = 210, left = 44, bottom = 52, top = 16;
  const double plot_w = width - left - 8, plot_h = height - bottom - top;
  uint64_t max = 0;
  for (const auto& b : buckets) max = std::max(max, b.count);
  const double slot = buckets.empty() ? plot_w : plot_w / static_cast<double>(buckets.size());
  std::string s = "<svg class=\"plot histogram\" width=\"" + num(width) + "\" height=\"" + num(height) +
                  "\" viewBox=\"0 0 " + num(width) + " " + num(height) + "\">\n";
  s += "<line class=\"axis\" x1=\"" + num(left) + "\" y1=\"" + num(top) + "\" x2=\"" + num(left) + "\" y2=\"" +
       num(top + plot_h) + "\"/><line class=\"axis\" x1=\"" + num(left) + "\" y1=\"" + num(top + plot_h) + "\" x2=\"" +
       num(left + plot_w) + "\" y2=\"" + num(top + plot_h) + "\"/>\n";
  s += "<text class=\"tick\" x=\"" + num(left - 4) + "\" y=\"" + num(top + 4) + "\" text-anchor=\"end\">" +
       format_number(static_cast<double>(max)) + "</text><text class=\"tick\" x=\"" + num(left - 4) + "\" y=\"" +
       num(top + plot_h) + "\" text-anchor=\"end\">0</text>\n";
  // Label every bucket when there are few, else about ten of them.
  const size_t label_every = std::max<size_t>(1, (buckets.size() + 9) / 10);
  for (size_t i = 0; i < buckets.size(); ++i) {
    const auto& b = buckets[i];
    const double x = left + slot * static_cast<double>(i);
    const double h = max ? plot_h * static_cast<double>(b.count) / static_cast<double>(max) : 0;
    s += "<g><title>" +
         html_escape("[" + format_number(static_cast<double>(b.lower)) + ", " +
                     format_number(static_cast<double>(b.upper)) +
                     ") cycles: " + format_number(static_cast<double>(b.count)) + " in bucket") +
         "</title>";
    if (b.count)
      s += "<rect class=\"mark\" x=\"" + num(x + slot * 0.1) + "\" y=\"" + num(top + plot_h - std::max(h, 1.0)) +
           "\" width=\"" + num(std::max(slot * 0.8, 1.0)) + "\" height=\"" + num(std::max(h, 1.0)) + "\" fill=\"" +
           color + "\"/>";
    s += "</g>\n";
    if (i % label_every == 0) {
      const double lx = x + slot / 2, ly = top + plot_h + 10;
      s += "<text class=\"tick\" x=\"" + num(lx) + "\" y=\"" + num(ly) +
           "\" text-anchor=\"end\" transform=\"rotate(-40 " + num(lx) + " " + num(ly) + ")\">" +
           format_number(static_cast<double>(b.lower)) + "</text>\n";
    }
  }
  s += "<text class=\"tick\" x=\"" + num(left + plot_w) + "\" y=\"" + num(height - 2) + "\" text-anchor=\"end\">" +
       html_escape(x_label) + " (bucket lower bound)</text>\n</svg>\n";
  return s;
}

const char* const kPlotCheckScript = R"(
(function () {
  var plots = document.querySelectorAll('svg.plot'), drawn = 0;
  for (var i = 0; i < plots.length; i++) {
    var p = plots[i], marks = p.querySelectorAll('.mark'), area = 0;
    for (var j = 0; j < marks.length; j++) { var b = marks[j].getBBox(); area += b.width * b.height; }
    var r = p.getBoundingClientRect();
    p.setAttribute('data-drawn', area > 0 ? 'yes' : 'no');
    p.setAttribute('data-rect', [Math.round(r.left + window.scrollX), Math.round(r.top + window.scrollY),
                                 Math.round(r.width), Math.round(r.height)].join(','));
    if (area > 0) drawn++;
  }
  document.body.setAttribute('data-plots', plots.length);
  document.body.setAttribute('data-plots-drawn', drawn);
})();
)";

}  // namespace rvh
