#include "strato/train/html_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace strato::train {
namespace {

std::string Esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Num(double v) {
  if (std::isnan(v)) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.4g", v);
  return buf;
}

using Points = std::vector<std::pair<double, double>>;

struct Series {
  Points points;
  std::string color;
  bool line = true;
};

// An SVG chart with axes, ticks and labels; `diagonal` draws y = x.
std::string Chart(const std::string& title, const std::vector<Series>& series,
                  const std::string& x_label, const std::string& y_label, bool diagonal) {
  constexpr double W = 420, H = 300, L = 55, R = 15, T = 30, B = 45;
  double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
  for (const auto& s : series) {
    for (const auto& [x, y] : s.points) {
      if (std::isnan(x) || std::isnan(y)) continue;
      x0 = std::min(x0, x); x1 = std::max(x1, x);
      y0 = std::min(y0, y); y1 = std::max(y1, y);
    }
  }
  if (x0 > x1) { x0 = 0; x1 = 1; y0 = 0; y1 = 1; }
  if (diagonal) { x0 = y0 = std::min(x0, y0); x1 = y1 = std::max(x1, y1); }
  if (x1 == x0) x1 = x0 + 1;
  if (y1 == y0) y1 = y0 + 1;
  auto sx = [&](double x) { return L + (x - x0) / (x1 - x0) * (W - L - R); };
  auto sy = [&](double y) { return H - B - (y - y0) / (y1 - y0) * (H - T - B); };
  std::ostringstream o;
  o << "<svg xmlns='http://www.w3.org/2000/svg' width='" << W << "' height='" << H
    << "' class='chart'><text x='" << W / 2 << "' y='18' text-anchor='middle' class='t'>"
    << Esc(title) << "</text>";
  o << "<rect x='" << L << "' y='" << T << "' width='" << W - L - R << "' height='" << H - T - B
    << "' fill='none' stroke='#999'/>";
  for (int i = 0; i <= 4; ++i) {
    const double fx = x0 + (x1 - x0) * i / 4, fy = y0 + (y1 - y0) * i / 4;
    o << "<text x='" << sx(fx) << "' y='" << H - B + 14 << "' text-anchor='middle'>" << Num(fx)
      << "</text><text x='" << L - 4 << "' y='" << sy(fy) + 4 << "' text-anchor='end'>" << Num(fy)
      << "</text>";
  }
  o << "<text x='" << (L + W - R) / 2 << "' y='" << H - 8 << "' text-anchor='middle'>"
    << Esc(x_label) << "</text><text x='12' y='" << (T + H - B) / 2
    << "' transform='rotate(-90 12 " << (T + H - B) / 2 << ")' text-anchor='middle'>"
    << Esc(y_label) << "</text>";
  if (diagonal) {
    o << "<line x1='" << sx(x0) << "' y1='" << sy(y0) << "' x2='" << sx(x1) << "' y2='" << sy(y1)
      << "' stroke='#bbb' stroke-dasharray='4'/>";
  }
  for (const auto& s : series) {
    if (s.line) {
      o << "<polyline fill='none' stroke='" << s.color << "' stroke-width='1.5' points='";
      for (const auto& [x, y] : s.points) {
        if (!std::isnan(x) && !std::isnan(y)) o << sx(x) << "," << sy(y) << " ";
      }
      o << "'/>";
    } else {
      for (const auto& [x, y] : s.points) {
        if (std::isnan(x) || std::isnan(y)) continue;
        o << "<circle cx='" << sx(x) << "' cy='" << sy(y) << "' r='1.6' fill='" << s.color
          << "' fill-opacity='0.5'/>";
      }
    }
  }
  o << "</svg>";
  return o.str();
}

std::string Bars(const std::string& title, const std::vector<std::pair<std::string, double>>& bars) {
  const size_t n = std::min<size_t>(bars.size(), 25);
  const double W = 560, row = 16, top = 28, label_w = 220;
  const double H = top + row * static_cast<double>(n) + 10;
  double max = 0;
  for (size_t i = 0; i < n; ++i) max = std::max(max, bars[i].second);
  if (max <= 0) max = 1;
  std::ostringstream o;
  o << "<svg xmlns='http://www.w3.org/2000/svg' width='" << W << "' height='" << H
    << "' class='chart'><text x='" << W / 2 << "' y='18' text-anchor='middle' class='t'>"
    << Esc(title) << "</text>";
  for (size_t i = 0; i < n; ++i) {
    const double y = top + row * static_cast<double>(i);
    const double w = (W - label_w - 70) * bars[i].second / max;
    o << "<text x='" << label_w - 6 << "' y='" << y + 11 << "' text-anchor='end'>"
      << Esc(bars[i].first) << "</text><rect x='" << label_w << "' y='" << y + 2 << "' width='"
      << w << "' height='" << row - 4 << "' fill='#4a7fb5'/><text x='" << label_w + w + 4
      << "' y='" << y + 11 << "'>" << Num(bars[i].second) << "</text>";
  }
  o << "</svg>";
  return o.str();
}

std::string MetricsTable(const std::vector<Evaluation>& evals) {
  std::vector<std::string> keys;
  for (const auto& e : evals) {
    for (const auto& [k, v] : e.metrics) {
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    }
  }
  std::ostringstream o;
  o << "<table><tr><th>set</th><th>rows</th>";
  for (const auto& k : keys) o << "<th>" << Esc(k) << "</th>";
  o << "</tr>";
  for (const auto& e : evals) {
    o << "<tr><td>" << Esc(e.name) << "</td><td>" << e.rows << "</td>";
    for (const auto& k : keys) {
      auto it = e.metrics.find(k);
      o << "<td>" << (it == e.metrics.end() ? "" : Num(it->second)) << "</td>";
    }
    o << "</tr>";
  }
  o << "</table>";
  return o.str();
}

std::string Confusion(const Evaluation& e) {
  std::ostringstream o;
  o << "<table class='cm'><caption>confusion (" << Esc(e.name)
    << "): rows = true class, columns = predicted</caption><tr><th></th>";
  for (size_t j = 0; j < e.confusion.size(); ++j) o << "<th>" << j << "</th>";
  o << "</tr>";
  for (size_t i = 0; i < e.confusion.size(); ++i) {
    o << "<tr><th>" << i << "</th>";
    for (long v : e.confusion[i]) o << "<td>" << v << "</td>";
    o << "</tr>";
  }
  o << "</table>";
  return o.str();
}

// A 12-bar inline histogram for the data table.
std::string Sparkline(const std::vector<size_t>& bins) {
  if (bins.empty()) return "";
  size_t max = 1;
  for (size_t b : bins) max = std::max(max, b);
  std::ostringstream o;
  o << "<svg xmlns='http://www.w3.org/2000/svg' width='" << bins.size() * 6 << "' height='20'>";
  for (size_t i = 0; i < bins.size(); ++i) {
    const double h = 20.0 * static_cast<double>(bins[i]) / static_cast<double>(max);
    o << "<rect x='" << i * 6 << "' y='" << 20 - h << "' width='5' height='" << h
      << "' fill='#4a7fb5'/>";
  }
  o << "</svg>";
  return o.str();
}

void DataSection(std::ostringstream& o, const DataReport& d) {
  o << "<h2>Data</h2><p>" << Esc(d.file) << "<br>sha256 <code>" << d.sha256 << "</code><br>"
    << d.rows << " rows; " << d.bad_rows_skipped << " bad rows skipped; " << d.label_missing
    << " rows without a label dropped. Split: " << d.train_rows << " train, " << d.valid_rows
    << " validation, " << d.holdout_rows << " holdout.</p>";
  if (!d.first_bad_row.empty()) o << "<p>First bad row: " << Esc(d.first_bad_row) << "</p>";
  for (const auto& w : d.warnings) o << "<p class='warn'>warning: " << Esc(w) << "</p>";
  o << "<table><tr><th>column</th><th>type</th><th>missing</th><th>min</th><th>mean</th>"
       "<th>max</th><th>distribution</th><th>distinct</th><th>out of range</th></tr>";
  for (const auto& c : d.columns) {
    const bool num = c.type == "number";
    o << "<tr><td>" << Esc(c.name) << "</td><td>" << c.type << "</td><td>" << c.missing
      << "</td><td>" << (num ? Num(c.min) : "") << "</td><td>" << (num ? Num(c.mean) : "")
      << "</td><td>" << (num ? Num(c.max) : "") << "</td><td>" << Sparkline(c.histogram)
      << "</td><td>" << (num ? "" : std::to_string(c.distinct)) << "</td><td>" << c.out_of_range << "</td></tr>";
  }
  o << "</table>";
  if (!d.label_counts.empty()) {
    o << "<p>Label balance: ";
    for (const auto& [k, n] : d.label_counts) o << Esc(k) << ": " << n << "; ";
    o << "</p>";
  } else {
    o << "<p>Label: min " << Num(d.label_min) << ", mean " << Num(d.label_mean) << ", max "
      << Num(d.label_max) << "</p>";
  }
}

void SearchSection(std::ostringstream& o, const ReportInput& in) {
  if (!in.searched) return;
  o << "<h2>Search</h2><p>" << in.search.trials.size() << " trials; best: trial "
    << in.search.best << " (selection metric " << Esc(in.selection_metric)
    << " on validation).</p><table><tr><th>trial</th><th>rung</th><th>rounds</th>"
       "<th>parameters</th><th>score</th><th>best iteration</th><th>seconds</th></tr>";
  for (const auto& t : in.search.trials) {
    std::string params;
    for (const auto& [k, v] : t.params) params += k + "=" + v + " ";
    o << "<tr" << (t.id == in.search.best ? " class='best'" : "") << "><td>" << t.id << "</td><td>"
      << t.rung << "</td><td>" << t.rounds << "</td><td>" << Esc(params) << "</td><td>"
      << (t.error.empty() ? Num(t.result.score) : "failed: " + Esc(t.error)) << "</td><td>"
      << t.result.best_iteration << "</td><td>" << Num(t.result.seconds) << "</td></tr>";
  }
  o << "</table>";
}

}  // namespace

std::string RenderHtmlReport(const ReportInput& in) {
  std::ostringstream o;
  o << "<!DOCTYPE html><html><head><meta charset='utf-8'><title>" << Esc(in.title)
    << "</title><style>body{font-family:sans-serif;margin:2em;max-width:1200px}"
       "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 6px;"
       "font-size:13px}svg text{font-size:11px}svg .t{font-size:13px;font-weight:bold}"
       ".chart{margin:4px;border:1px solid #eee}.best{background:#e6f4e6}.warn{color:#b50}"
       "</style></head><body><h1>" << Esc(in.title) << "</h1><p>Task: " << in.task
    << ". Selection metric: " << Esc(in.selection_metric) << ". " << Esc(in.registered) << "</p>";
  DataSection(o, in.data);
  o << "<h2>Metrics</h2>" << MetricsTable(in.evaluations);
  o << "<h2>Plots</h2><div>";
  Points curve;
  for (size_t i = 0; i < in.valid_curve.size(); ++i) curve.emplace_back(static_cast<double>(i), in.valid_curve[i]);
  if (!curve.empty()) {
    o << Chart("validation " + in.eval_metric + " per round (best " +
                   std::to_string(in.best_iteration) + ")",
               {{curve, "#4a7fb5", true}}, "round", in.eval_metric, false);
  }
  static const char* kColors[] = {"#4a7fb5", "#c0504d", "#9bbb59"};
  for (size_t k = 0; k < in.evaluations.size(); ++k) {
    const Evaluation& e = in.evaluations[k];
    const std::string color = kColors[k % 3];
    if (!e.actual_predicted.empty()) {
      o << Chart("predicted vs actual (" + e.name + ")", {{e.actual_predicted, color, false}},
                 "actual", "predicted", true);
      Points residuals;
      for (const auto& [a, p] : e.actual_predicted) residuals.emplace_back(p, p - a);
      o << Chart("residuals (" + e.name + ")", {{residuals, color, false}}, "predicted",
                 "predicted - actual", false);
    }
    if (!e.roc.empty()) {
      o << Chart("ROC (" + e.name + "), AUC " + Num(e.metrics.at("auc")), {{e.roc, color, true}},
                 "false positive rate", "true positive rate", true);
      o << Chart("precision-recall (" + e.name + "), AP " + Num(e.metrics.at("pr_auc")),
                 {{e.pr, color, true}}, "recall", "precision", false);
      Points cal;
      for (const auto& b : e.calibration) {
        if (b.count > 0) cal.emplace_back(b.mean_predicted, b.observed);
      }
      o << Chart("calibration (" + e.name + ")", {{cal, color, true}}, "mean predicted",
                 "observed rate", true);
    }
  }
  o << "</div>";
  for (const auto& e : in.evaluations) {
    if (!e.confusion.empty()) o << Confusion(e);
  }
  if (!in.importance.empty()) o << Bars("feature importance (total gain, top 25)", in.importance);
  o << "<h2>Model</h2><p>XGBoost, best iteration " << in.best_iteration << ". Parameters: ";
  for (const auto& [k, v] : in.params) o << Esc(k) << "=" << Esc(v) << " ";
  o << "</p>";
  SearchSection(o, in);
  o << "</body></html>\n";
  return o.str();
}

}  // namespace strato::train
