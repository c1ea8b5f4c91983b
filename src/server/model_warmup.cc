#include "model_warmup.h"

#include <fstream>
#include <future>
#include <random>
#include <sstream>
#include <system_error>

#include "strato/core/datatype.h"
#include "strato/core/safe_path.h"

namespace strato {
namespace {

// Hands the final response to the waiting loader thread.
class PromiseSink : public ResponseSink {
 public:
  void Send(std::unique_ptr<InferenceResponse> response, bool final) override {
    if (!final) return;  // streaming models: only the end matters for warmup
    promise_.set_value(response ? response->status : InternalError("null warmup response"));
  }
  std::future<Status> future() { return promise_.get_future(); }

 private:
  std::promise<Status> promise_;
};

StatusOr<std::string> ReadDataFile(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return InvalidArgumentError("warmup data file " + path.string() + " not found");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  if (!in.good() && !in.eof()) return InvalidArgumentError("cannot read " + path.string());
  return out.str();
}

// Fills `tensor` (shape already set) with the sample's data.
Status FillTensor(const inference::ModelWarmup::Input& input,
                  const std::filesystem::path& model_dir, std::mt19937* rng, Tensor* tensor) {
  const int64_t count = tensor->element_count();
  if (count < 0) return InvalidArgumentError("warmup input '" + tensor->name() + "' has a bad shape");
  const size_t n = static_cast<size_t>(count);
  std::string file;
  if (input.has_input_data_file()) {
    ASSIGN_OR_RETURN(const std::filesystem::path path,
                     ResolveInside(model_dir / "warmup", input.input_data_file(),
                                   "warmup input_data_file"));
    ASSIGN_OR_RETURN(file, ReadDataFile(path));
  }
  if (tensor->datatype() == DataType::kBytes) {
    // Each element: empty (zero), a short random string, or the whole file.
    std::vector<uint8_t> bytes;
    for (size_t i = 0; i < n; ++i) {
      if (input.has_random_data()) {
        std::string s(8, 'a');
        for (auto& c : s) c = static_cast<char>('a' + (*rng)() % 26);
        AppendBytesElement(&bytes, s);
      } else {
        AppendBytesElement(&bytes, file);
      }
    }
    tensor->SetOwned(std::move(bytes));
    return Status::Ok();
  }
  const size_t size = n * DataTypeByteSize(tensor->datatype());
  uint8_t* data = tensor->AllocateOwned(size);
  std::fill(data, data + size, uint8_t{0});
  if (input.has_random_data()) {
    // Random bytes could form NaNs or huge values; small integers in every
    // byte keep each element finite and positive for any datatype.
    for (size_t i = 0; i < size; ++i) data[i] = static_cast<uint8_t>((*rng)() % 2);
  } else if (input.has_input_data_file()) {
    if (file.size() < size) {
      return InvalidArgumentError("warmup data file " + input.input_data_file() + " has " +
                                  std::to_string(file.size()) + " bytes; input '" +
                                  tensor->name() + "' needs " + std::to_string(size));
    }
    std::copy(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(size), data);
  }
  return Status::Ok();
}

StatusOr<std::unique_ptr<InferenceRequest>> BuildRequest(const inference::ModelConfig& config,
                                                         const inference::ModelWarmup& sample,
                                                         const std::filesystem::path& model_dir,
                                                         int64_t version, std::mt19937* rng) {
  auto request = std::make_unique<InferenceRequest>();
  request->id = "warmup:" + sample.name();
  request->model_name = config.name();
  request->model_version = version;
  const int64_t batch = sample.batch_size() == 0 ? 1 : sample.batch_size();
  for (const auto& [name, input] : sample.inputs()) {
    std::vector<int64_t> shape;
    if (config.max_batch_size() > 0) shape.push_back(batch);
    shape.insert(shape.end(), input.dims().begin(), input.dims().end());
    const auto type = DataTypeFromConfigName(inference::DataType_Name(input.data_type()));
    if (!type) return InvalidArgumentError("warmup input '" + name + "' has a bad data_type");
    Tensor tensor(name, *type, std::move(shape));
    RETURN_IF_ERROR(FillTensor(input, model_dir, rng, &tensor));
    request->inputs.push_back(std::move(tensor));
  }
  return request;
}

}  // namespace

Status RunWarmup(const inference::ModelConfig& config, const std::filesystem::path& model_dir,
                 int64_t version, Scheduler* scheduler, std::chrono::milliseconds timeout) {
  std::mt19937 rng(12345);  // fixed seed: a warmup failure must be reproducible
  for (const auto& sample : config.model_warmup()) {
    const std::string who = "warmup '" + sample.name() + "'";
    const uint32_t count = sample.count() == 0 ? 1 : sample.count();
    for (uint32_t i = 0; i < count; ++i) {
      auto built = BuildRequest(config, sample, model_dir, version, &rng);
      if (!built.ok()) return built.status().WithPrefix(who);
      auto request = std::move(built).value();
      auto sink = std::make_shared<PromiseSink>();
      auto done = sink->future();
      request->sink = sink;
      request->times.received_ns = NowNs();
      RETURN_IF_ERROR(scheduler->Enqueue(request).WithPrefix(who));
      if (done.wait_for(timeout) != std::future_status::ready) {
        return DeadlineExceededError(who + ": no response within " +
                                     std::to_string(timeout.count()) + " ms");
      }
      RETURN_IF_ERROR(done.get().WithPrefix(who));
    }
  }
  return Status::Ok();
}

}  // namespace strato
