#include "stream_pool.h"

namespace strato::speech {

void StreamPool::EvictIdleLocked() {
  const auto now = std::chrono::steady_clock::now();
  for (auto it = open_.begin(); it != open_.end();) {
    std::unique_lock stream_lock(it->second->mu, std::try_to_lock);
    if (stream_lock.owns_lock() && now - it->second->last_used > idle_timeout_) {
      idle_.push_back(std::move(it->second->recognizer));
      stream_lock.unlock();
      it = open_.erase(it);
    } else {
      ++it;
    }
  }
}

StatusOr<std::shared_ptr<StreamPool::Stream>> StreamPool::Open(const std::string& id) {
  std::unique_ptr<Recognizer> recognizer;
  {
    std::lock_guard lock(mu_);
    EvictIdleLocked();
    if (open_.count(id) != 0) {
      return AlreadyExistsError("sequence '" + id +
                                "' is already open; end it with sequence_end first");
    }
    if (open_.size() >= max_streams_) {
      return ResourceExhaustedError("all " + std::to_string(max_streams_) +
                                    " recognition streams are in use; retry later");
    }
    if (!idle_.empty()) {
      recognizer = std::move(idle_.back());
      idle_.pop_back();
    }
    // Reserve the slot so that concurrent opens count it.
    open_[id] = nullptr;
  }
  if (recognizer == nullptr) {
    auto created = Recognizer::Create(config_);
    if (!created.ok()) {
      std::lock_guard lock(mu_);
      open_.erase(id);
      return created.status();
    }
    recognizer = std::move(created).value();
  }
  auto stream = std::make_shared<Stream>();
  if (Status s = recognizer->Start(); !s.ok()) {
    std::lock_guard lock(mu_);
    open_.erase(id);
    idle_.push_back(std::move(recognizer));
    return s;
  }
  stream->recognizer = std::move(recognizer);
  stream->last_used = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  open_[id] = stream;
  return stream;
}

StatusOr<std::shared_ptr<StreamPool::Stream>> StreamPool::Find(const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = open_.find(id);
  if (it == open_.end() || it->second == nullptr) {
    return NotFoundError("sequence '" + id +
                         "' is not open; send its first chunk with sequence_start=true");
  }
  return it->second;
}

void StreamPool::Close(const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = open_.find(id);
  if (it == open_.end() || it->second == nullptr) return;
  {
    std::lock_guard stream_lock(it->second->mu);
    if (it->second->recognizer != nullptr) idle_.push_back(std::move(it->second->recognizer));
  }
  open_.erase(it);
}

size_t StreamPool::open_streams() {
  std::lock_guard lock(mu_);
  return open_.size();
}

}  // namespace strato::speech
