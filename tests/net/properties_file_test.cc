// The .properties syntax Kafka's server.properties is read with: separators, comments,
// continued lines, escapes, line numbers.
#include "net/broker/properties_file.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/temp_dir.h"

namespace ringlog::testing {
namespace {

std::vector<Property> Parse(std::string_view text) {
  Result<std::vector<Property>> parsed = ParseProperties(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return parsed.ok() ? *parsed : std::vector<Property>{};
}

void ExpectProperty(const Property& p, std::string_view key, std::string_view value, int line) {
  EXPECT_EQ(p.key, key);
  EXPECT_EQ(p.value, value);
  EXPECT_EQ(p.line, line);
}

TEST(PropertiesFileTest, SeparatorsCommentsAndBlankLines) {
  const std::vector<Property> p = Parse(
      "# a comment\n"
      "! another = comment\n"
      "\n"
      "   \t\n"
      "a=1\n"
      "  b = 2\n"
      "c:3\n"
      "d 4\n"
      "e\t :  5 6\n"
      "f\n"
      "g=\n"
      "h==x\n");
  ASSERT_EQ(p.size(), 8u);
  ExpectProperty(p[0], "a", "1", 5);
  ExpectProperty(p[1], "b", "2", 6);
  ExpectProperty(p[2], "c", "3", 7);
  ExpectProperty(p[3], "d", "4", 8);
  ExpectProperty(p[4], "e", "5 6", 9);
  ExpectProperty(p[5], "f", "", 10);
  ExpectProperty(p[6], "g", "", 11);
  ExpectProperty(p[7], "h", "=x", 12);
}

TEST(PropertiesFileTest, ContinuedLinesDropTheNextLinesLeadingBlanks) {
  const std::vector<Property> p = Parse(
      "zookeeper.connect=zk1:2181,\\\n"
      "                  zk2:2181/ringlog\n"
      "even=a\\\\\n"
      "next=b\n");
  ASSERT_EQ(p.size(), 3u);
  ExpectProperty(p[0], "zookeeper.connect", "zk1:2181,zk2:2181/ringlog", 1);
  ExpectProperty(p[1], "even", "a\\", 3);  // an escaped backslash does not continue
  ExpectProperty(p[2], "next", "b", 4);
}

TEST(PropertiesFileTest, EscapesInKeysAndValues) {
  const std::vector<Property> p = Parse(
      "a\\=b\\:c\\ d=1\n"
      "tabs=x\\ty\\nz\n"
      "unicode=caf\\u00e9 \\u20AC\n"
      "plain=\\q\\\\\n");
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[0].key, "a=b:c d");
  EXPECT_EQ(p[1].value, "x\ty\nz");
  EXPECT_EQ(p[2].value, "caf\xC3\xA9 \xE2\x82\xAC");
  EXPECT_EQ(p[3].value, "q\\");
}

TEST(PropertiesFileTest, KeepsTrailingBlanksAndRepeatedKeys) {
  const std::vector<Property> p = Parse("a=1  \r\na=2\rb=3");
  ASSERT_EQ(p.size(), 3u);
  ExpectProperty(p[0], "a", "1  ", 1);
  ExpectProperty(p[1], "a", "2", 2);
  ExpectProperty(p[2], "b", "3", 3);
}

TEST(PropertiesFileTest, AMalformedUnicodeEscapeNamesItsLine) {
  Result<std::vector<Property>> parsed = ParseProperties("a=1\nb=\\u12x4\n");
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(parsed.status().IsInvalidArgument());
  EXPECT_NE(parsed.status().message().find("line 2"), std::string::npos);
  EXPECT_FALSE(ParseProperties("b=\\u12").ok());
}

TEST(PropertiesFileTest, ReadsAFileAndNamesOneItCannotRead) {
  TempDir dir;
  std::ofstream(dir.Sub("server.properties")) << "broker.id=3\n";
  Result<std::vector<Property>> read = ReadPropertiesFile(dir.Sub("server.properties"));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 1u);
  ExpectProperty((*read)[0], "broker.id", "3", 1);

  Result<std::vector<Property>> missing = ReadPropertiesFile(dir.Sub("missing.properties"));
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsIOError());
  EXPECT_NE(missing.status().message().find("missing.properties"), std::string::npos);
}

}  // namespace
}  // namespace ringlog::testing
