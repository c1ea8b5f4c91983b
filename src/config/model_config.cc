// Parsing and printing of model configurations (text format and JSON).
#include "strato/config/model_config.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <sstream>
#include <system_error>

namespace strato {
namespace {

// Keeps the first error the text-format parser reports, already formatted as
// "<source>:<line>:<col>: <message>". The parser reports 0-based positions;
// editors and humans count from 1, so both are shifted.
class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  explicit FirstErrorCollector(std::string_view source) : source_(source) {}

  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (!first_.empty()) return;  // later errors are usually consequences of the first
    first_ = source_ + ":" + std::to_string(line + 1) + ":" + std::to_string(column + 1) + ": " +
             message;
  }
  void AddWarning(int, google::protobuf::io::ColumnNumber, const std::string&) override {}

  const std::string& first() const { return first_; }

 private:
  std::string source_;
  std::string first_;
};

}  // namespace

StatusOr<inference::ModelConfig> ParseModelConfigText(std::string_view text,
                                                      std::string_view source) {
  inference::ModelConfig config;
  FirstErrorCollector errors(source);
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  bool ok = false;
  try {
    ok = parser.ParseFromString(std::string(text), &config);
  } catch (const std::exception& e) {
    // protobuf does not throw on bad input, but a bad_alloc must not escape.
    return InvalidArgumentError(std::string(source) + ": " + e.what());
  }
  if (!ok) {
    if (errors.first().empty()) {
      return InvalidArgumentError(std::string(source) + ": unparsable model configuration");
    }
    return InvalidArgumentError(errors.first());
  }
  return config;
}

StatusOr<inference::ModelConfig> ReadModelConfigFile(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return NotFoundError("model configuration " + path.string() + " not found");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot open model configuration " + path.string());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return InternalError("error reading model configuration " + path.string());
  return ParseModelConfigText(buffer.str(), path.string());
}

StatusOr<inference::ModelConfig> ParseModelConfigJson(std::string_view json) {
  inference::ModelConfig config;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;  // unknown fields are errors, as in config.pbtxt
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &config, options);
  if (!status.ok()) {
    return InvalidArgumentError("invalid JSON model configuration: " +
                                std::string(status.message()));
  }
  return config;
}

std::string ModelConfigToJson(const inference::ModelConfig& config) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string out;
  auto status = google::protobuf::util::MessageToJsonString(config, &out, options);
  // Printing a well-formed message cannot fail; an empty object keeps callers simple.
  if (!status.ok()) return "{}";
  return out;
}

}  // namespace strato
