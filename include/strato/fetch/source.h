// Where `strato model pull` downloads from: a source spec turned into a URL.
//
// Accepted specs:
//   hf://OWNER/REPO/PATH/TO/FILE[@REVISION]
//       -> <endpoint>/OWNER/REPO/resolve/<REVISION or main>/PATH/TO/FILE
//       (endpoint https://huggingface.co unless HF_ENDPOINT says otherwise)
//   http://HOST[:PORT]/PATH/FILE[?QUERY]   and   https://...
//
// Thread-safety: free functions, no shared state.
#pragma once

#include <string>
#include <string_view>

#include "strato/core/status.h"

namespace strato::fetch {

inline constexpr std::string_view kHuggingFaceEndpoint = "https://huggingface.co";

struct ResolvedSource {
  std::string url;        // what to GET (http:// or https://)
  std::string file_name;  // last path segment, percent-decoded, e.g. "stories260K.gguf"
  bool hugging_face = false;
};

// INVALID_ARGUMENT naming the problem (unknown scheme, missing host, no file
// name, an OWNER/REPO/FILE part missing, characters not allowed in a revision).
// `hf_endpoint` is the base URL hf:// specs resolve against (no trailing '/').
StatusOr<ResolvedSource> ResolveSource(std::string_view spec,
                                       std::string_view hf_endpoint = kHuggingFaceEndpoint);

// A model name derived from a file name: the extension dropped, characters
// other than [A-Za-z0-9_.-] replaced by '_' ("Llama 3.gguf" -> "Llama_3").
// Never empty and never starts with '.' (hidden folders are not models).
std::string DefaultModelName(std::string_view file_name);

// OK when `name` can be a model folder: non-empty, at most 128 characters of
// [A-Za-z0-9_.-], not starting with '.'. INVALID_ARGUMENT otherwise.
Status CheckModelName(std::string_view name);

// `url` with any "user:password@" removed from its authority, for messages
// and logs (credentials in a pull URL must not be printed).
std::string RedactUrl(std::string_view url);

}  // namespace strato::fetch
