// platform/yaml_json.h: a YAML document as JSON, for specs written in YAML
// (rvh-vp sweep SPEC.yaml, docs/sweeps.md). Parsed with yaml-cpp; plain
// scalars are typed as YAML 1.2's core schema says (null, true/false,
// integers, floats; anything else is a string), quoted ones stay strings.
// Mappings keep their order.
#pragma once
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace rvh {

class YamlError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws YamlError "line L, column C: what" for a syntax error, a duplicate
// or non-scalar key, or more than one document.
nlohmann::ordered_json yaml_to_json(const std::string& text);

}  // namespace rvh
