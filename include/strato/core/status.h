// Status and StatusOr<T>: strato's error values.
//
// Every fallible function that crosses a module boundary returns a Status or
// a StatusOr<T>; exceptions never cross a module boundary (third-party
// exceptions are caught in the adapter that calls the library).
//
// The codes mirror gRPC's canonical codes so that frontends can map them
// one-to-one to gRPC status codes, and to HTTP statuses via HttpStatusFor().
//
// Thread-safety: Status and StatusOr are values; distinct objects may be used
// from different threads, a single object needs external synchronisation.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace strato {

enum class StatusCode : int {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kAborted = 10,
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kDataLoss = 15,
};

// Name of a code as gRPC spells it, e.g. "INVALID_ARGUMENT".
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "INVALID_ARGUMENT: message" (or "OK").
  std::string ToString() const;

  // Returns a copy whose message is "prefix: message"; OK stays OK.
  Status WithPrefix(std::string_view prefix) const;

  bool operator==(const Status& other) const = default;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Convenience constructors, one per code used in strato.
Status InvalidArgumentError(std::string message);
Status NotFoundError(std::string message);
Status AlreadyExistsError(std::string message);
Status UnavailableError(std::string message);
Status InternalError(std::string message);
Status UnimplementedError(std::string message);
Status ResourceExhaustedError(std::string message);
Status FailedPreconditionError(std::string message);
Status CancelledError(std::string message);
Status DeadlineExceededError(std::string message);
Status OutOfRangeError(std::string message);
Status AbortedError(std::string message);

// HTTP status a frontend answers for a Status: 400 invalid/out of range,
// 404 not found, 409 already exists / aborted, 413 is chosen by the frontend
// itself for oversized bodies, 499 cancelled, 501 unimplemented,
// 503 unavailable / resource exhausted, 504 deadline, 500 otherwise.
int HttpStatusFor(const Status& status);

// Holds either a T or a non-OK Status.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(const Status& status) : value_(status) {  // NOLINT: implicit by design
    assert(!status.ok() && "StatusOr constructed from OK status without a value");
  }
  StatusOr(Status&& status) : value_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(value_).ok());
  }
  StatusOr(const T& value) : value_(value) {}  // NOLINT
  StatusOr(T&& value) : value_(std::move(value)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(value_); }
  Status status() const { return ok() ? Status() : std::get<Status>(value_); }

  // REQUIRES: ok().
  T& value() & { return std::get<T>(value_); }
  const T& value() const& { return std::get<T>(value_); }
  T&& value() && { return std::get<T>(std::move(value_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<Status, T> value_;
};

}  // namespace strato

#define STRATO_CONCAT_INNER_(a, b) a##b
#define STRATO_CONCAT_(a, b) STRATO_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (a Status) is not OK.
#define RETURN_IF_ERROR(expr)                        \
  do {                                               \
    ::strato::Status strato_status_ = (expr);        \
    if (!strato_status_.ok()) return strato_status_; \
  } while (0)

// ASSIGN_OR_RETURN(auto x, FunctionReturningStatusOr());
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(STRATO_CONCAT_(strato_or_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                           \
  if (!tmp.ok()) return tmp.status();          \
  lhs = std::move(tmp).value()
