// platform/yaml_json.cpp: see yaml_json.h.
#include "platform/yaml_json.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <regex>

namespace rvh {
namespace {

using ordered_json = nlohmann::ordered_json;

std::string at(const YAML::Mark& m) {
  return "line " + std::to_string(m.line + 1) + ", column " + std::to_string(m.column + 1);
}

// A plain scalar by the YAML 1.2 core schema (section 10.3.2).
ordered_json plain_scalar(const std::string& s) {
  static const std::regex kNull("null|Null|NULL|~|");
  static const std::regex kTrue("true|True|TRUE"), kFalse("false|False|FALSE");
  static const std::regex kInt("[-+]?[0-9]+");
  static const std::regex kFloat("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  if (std::regex_match(s, kNull)) return nullptr;
  if (std::regex_match(s, kTrue)) return true;
  if (std::regex_match(s, kFalse)) return false;
  if (std::regex_match(s, kInt)) {
    errno = 0;
    if (s[0] == '-') {
      const long long v = std::strtoll(s.c_str(), nullptr, 10);
      if (errno == 0) return v;
    } else {
      const unsigned long long v = std::strtoull(s.c_str(), nullptr, 10);
      if (errno == 0) return v;
    }
  }
  if (std::regex_match(s, kFloat)) {
    const double v = std::strtod(s.c_str(), nullptr);
    if (std::isfinite(v)) return v;
  }
  return s;
}

ordered_json convert(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      return n.Tag() == "?" ? plain_scalar(n.Scalar()) : ordered_json(n.Scalar());
    case YAML::NodeType::Sequence: {
      ordered_json a = ordered_json::array();
      for (const YAML::Node& e : n) a.push_back(convert(e));
      return a;
    }
    case YAML::NodeType::Map: {
      ordered_json o = ordered_json::object();
      for (auto it = n.begin(); it != n.end(); ++it) {
        if (!it->first.IsScalar()) throw YamlError(at(it->first.Mark()) + ": a key must be a plain word");
        const std::string key = it->first.Scalar();
        if (o.contains(key)) throw YamlError(at(it->first.Mark()) + ": duplicate key \"" + key + "\"");
        o[key] = convert(it->second);
      }
      return o;
    }
  }
  return nullptr;
}

}  // namespace

ordered_json yaml_to_json(const std::string& text) {
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    throw YamlError(at(e.mark) + ": " + e.msg);
  }
  if (docs.size() > 1) throw YamlError(at(docs[1].Mark()) + ": more than one document");
  return docs.empty() ? ordered_json() : convert(docs[0]);
}

}  // namespace rvh
