// JSON forms of the registry's stored fields (files, labels, metrics,
// lineage) and of whole records, used by the catalogue columns, the CLI and
// the management API.
//
// Thread-safety: free functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "strato/registry/registry.h"

namespace strato::registry {

std::string FilesToJson(const std::vector<ArtifactFile>& files);
std::string LabelsToJson(const std::map<std::string, std::string>& labels);
std::string MetricsToJson(const std::map<std::string, double>& metrics);
std::string LineageToJson(const Lineage& lineage);

// Parsers for what the To* functions wrote; INTERNAL on a corrupt column.
StatusOr<std::vector<ArtifactFile>> FilesFromJson(const std::string& json);
StatusOr<std::map<std::string, std::string>> LabelsFromJson(const std::string& json);
StatusOr<std::map<std::string, double>> MetricsFromJson(const std::string& json);
StatusOr<Lineage> LineageFromJson(const std::string& json);

}  // namespace strato::registry
