#include "output_check.h"

namespace strato {
namespace {

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.append(std::to_string(shape[i]));
  }
  out.push_back(']');
  return out;
}

}  // namespace

OutputCheck::OutputCheck(const inference::ModelConfig& config, int64_t version)
    : who_("model '" + config.name() + "' version " + std::to_string(version)),
      batched_(config.max_batch_size() > 0) {
  for (const auto& output : config.output()) {
    Declared declared;
    declared.datatype = DataTypeFromConfigName(inference::DataType_Name(output.data_type()));
    const auto& dims = output.has_reshape() ? output.reshape().shape() : output.dims();
    declared.dims.assign(dims.begin(), dims.end());
    outputs_[output.name()] = std::move(declared);
  }
}

Status OutputCheck::Check(const std::vector<Tensor>& outputs) const {
  for (const Tensor& tensor : outputs) {
    auto it = outputs_.find(tensor.name());
    if (it == outputs_.end()) continue;
    const Declared& declared = it->second;
    if (declared.datatype && tensor.datatype() != *declared.datatype) {
      return InternalError(who_ + " answered output '" + tensor.name() + "' as " +
                           std::string(DataTypeName(tensor.datatype())) + "; its config declares " +
                           std::string(DataTypeName(*declared.datatype)));
    }
    const std::vector<int64_t>& shape = tensor.shape();
    const size_t skip = batched_ ? 1 : 0;
    bool same = shape.size() == declared.dims.size() + skip;
    for (size_t i = 0; same && i < declared.dims.size(); ++i) {
      same = declared.dims[i] < 0 || declared.dims[i] == shape[i + skip];
    }
    if (!same) {
      std::vector<int64_t> expected = declared.dims;
      if (batched_) expected.insert(expected.begin(), -1);
      return InternalError(who_ + " answered output '" + tensor.name() + "' with shape " +
                           ShapeText(shape) + "; its config declares " + ShapeText(expected));
    }
  }
  return Status::Ok();
}

}  // namespace strato
