#include "strato/train/yaml.h"

#include <gtest/gtest.h>

namespace strato::train {
namespace {

TEST(YamlTest, MappingsSequencesFlowAndComments) {
  auto doc = ParseYaml(R"(# a pipeline
name: demo   # trailing comment
data:
  path: "a b.csv"
  columns: [x, 'y z', "q#1"]
  types: {x: number, q: string}
steps:
  - kind: window
    sizes: [5,
            10]
  - plain
  -
    nested: true
empty:
)", "p.yaml");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->Find("name")->scalar, "demo");
  const YamlNode* data = doc->Find("data");
  ASSERT_TRUE(data && data->IsMapping());
  EXPECT_EQ(data->Find("path")->scalar, "a b.csv");
  EXPECT_EQ(data->Find("path")->line, 4);
  const YamlNode* cols = data->Find("columns");
  ASSERT_EQ(cols->items.size(), 3u);
  EXPECT_EQ(cols->items[1].scalar, "y z");
  EXPECT_EQ(cols->items[2].scalar, "q#1");
  EXPECT_EQ(data->Find("types")->Find("q")->scalar, "string");
  const YamlNode* steps = doc->Find("steps");
  ASSERT_EQ(steps->items.size(), 3u);
  EXPECT_EQ(steps->items[0].Find("kind")->scalar, "window");
  ASSERT_EQ(steps->items[0].Find("sizes")->items.size(), 2u);
  EXPECT_EQ(steps->items[0].Find("sizes")->items[1].scalar, "10");
  EXPECT_EQ(steps->items[1].scalar, "plain");
  EXPECT_EQ(steps->items[2].Find("nested")->scalar, "true");
  EXPECT_TRUE(doc->Find("empty")->IsNull());
}

TEST(YamlTest, KeysWithSpacesAndBracketsAndListAtKeyIndent) {
  auto doc = ParseYaml("\"Air temperature [K]\": number\nTorque [Nm]: x\nl:\n- 1\n- 2\n", "p");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->Find("Air temperature [K]")->scalar, "number");
  EXPECT_EQ(doc->Find("Torque [Nm]")->scalar, "x");
  EXPECT_EQ(doc->Find("l")->items.size(), 2u);
}

TEST(YamlTest, ErrorsNameFileAndLine) {
  EXPECT_EQ(ParseYaml("a: 1\n\tb: 2\n", "p.yaml").status().message(),
            "p.yaml:2: a tab in the indentation (YAML indents with spaces)");
  EXPECT_EQ(ParseYaml("a: 1\na: 2\n", "p.yaml").status().message(),
            "p.yaml:2: key 'a' appears twice");
  EXPECT_EQ(ParseYaml("a: [1, 2\n", "p.yaml").status().message(),
            "p.yaml:1: missing ']'");
  EXPECT_EQ(ParseYaml("a: 1\njust text\n", "p.yaml").status().message(),
            "p.yaml:2: expected 'key: value', got 'just text'");
  EXPECT_EQ(ParseYaml("a: \"open\n", "p.yaml").status().message(),
            "p.yaml:1: unterminated quoted string");
  EXPECT_NE(ParseYaml("a: |\n  text\n", "p.yaml").status().message().find("not supported"),
            std::string::npos);
  EXPECT_NE(ParseYaml("a:\n    b: 1\n  c: 2\n", "p.yaml").status().message().find("p.yaml:3:"),
            std::string::npos);
}

}  // namespace
}  // namespace strato::train
