// platform/svg_chart.h: the plots of the HTML report as inline SVG text:
// horizontal bar charts, a stacked 100% bar, and histograms. Every plotted
// mark (bar, segment) has class "mark" so that a page script and the tests
// can check that something was drawn; every chart is <svg class="plot">.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace rvh {

struct BarItem {
  std::string label;
  double value = 0;
  std::string color;       // CSS colour
  std::string value_text;  // shown at the end of the bar; empty: the value
};

// One bar per item, in the order given, scaled to the largest value.
std::string svg_hbar_chart(const std::vector<BarItem>& items);
// One bar split into the items' shares, with a legend below.
std::string svg_split_bar(const std::vector<BarItem>& parts);

struct HistogramBucket {
  uint64_t lower = 0, upper = 0;  // [lower, upper)
  uint64_t count = 0;
};
// Vertical bars, one per bucket, labelled with the bucket's lower bound;
// `x_label` names the axis ("cycles per exit").
std::string svg_histogram(const std::vector<HistogramBucket>& buckets, const std::string& color,
                          const std::string& x_label);

// The page script that marks each <svg class="plot"> with whether it drew
// something (headless-browser tests read these back with --dump-dom):
// body[data-plots], body[data-plots-drawn], and per plot data-drawn and
// data-rect (page coordinates, CSS pixels).
extern const char* const kPlotCheckScript;

std::string html_escape(const std::string& s);
// 1234567 -> "1,234,567"; non-integers with up to 3 decimals.
std::string format_number(double v);

}  // namespace rvh
