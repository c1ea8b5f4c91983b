// Subcommands of the `strato` binary. Each takes the arguments after the
// subcommand name (argv[0] is the subcommand) and returns the exit code.
#pragma once

namespace strato::cli {

int ServeCommand(int argc, char** argv);
int DemoRepoCommand(int argc, char** argv);
// strato model: registry and deployments (model_command.cc).
int ModelCommand(int argc, char** argv);
int TrainCommand(int argc, char** argv);
// `strato model pull ...`: argv[0] is "pull".
int ModelPullCommand(int argc, char** argv);
// strato route solve|check (route_command.cc).
int RouteCommand(int argc, char** argv);
// strato recommend eval (recommend_command.cc).
int RecommendCommand(int argc, char** argv);
// strato sentiment train|predict|eval (sentiment_command.cc).
int SentimentCommand(int argc, char** argv);
// strato auth: API keys (auth_command.cc).
int AuthCommand(int argc, char** argv);

}  // namespace strato::cli
