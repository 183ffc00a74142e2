// Which offsets partition holds a group: Java's String.hashCode (checked against values
// Java computes) and Kafka's abs-then-modulo, which differs from masking the sign bit.
#include "engine/group/group_partition.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace ringlog::testing {
namespace {

TEST(JavaStringHashCodeTest, MatchesJavaOnAscii) {
  EXPECT_EQ(JavaStringHashCode(""), 0);
  EXPECT_EQ(JavaStringHashCode("g"), 103);
  EXPECT_EQ(JavaStringHashCode("test-group"), 627841412);
  // Overflows int32 on the way, as Java's does.
  EXPECT_EQ(JavaStringHashCode("my-group"), -1906497762);
  EXPECT_EQ(JavaStringHashCode("polygenelubricants"), std::numeric_limits<int32_t>::min());
}

TEST(JavaStringHashCodeTest, HashesUtf16CodeUnits) {
  EXPECT_EQ(JavaStringHashCode("group\xC3\xA9"), -1237460406);        // "groupé"
  EXPECT_EQ(JavaStringHashCode("\xE6\x97\xA5\xE6\x9C\xAC"), 835047);  // "日本"
  // U+1F600 is two UTF-16 code units (a surrogate pair) in Java.
  EXPECT_EQ(JavaStringHashCode("\xF0\x9F\x98\x80x"), 54959989);
}

TEST(JavaStringHashCodeTest, MalformedUtf8CountsAsReplacementCharacters) {
  EXPECT_EQ(JavaStringHashCode("\xFF"), 0xFFFD);
  // A truncated three-byte sequence is one maximal ill-formed subpart: one U+FFFD.
  EXPECT_EQ(JavaStringHashCode("\xE6\x97"), 0xFFFD);
  EXPECT_EQ(JavaStringHashCode("\xE6\x97"
                               "a"),
            0xFFFD * 31 + 'a');
  // An overlong encoding of '/' is two ill-formed bytes.
  EXPECT_EQ(JavaStringHashCode("\xC0\xAF"), 0xFFFD * 31 + 0xFFFD);
}

TEST(OffsetsPartitionForTest, IsKafkasAbsModulo) {
  EXPECT_EQ(OffsetsPartitionFor("g", 50), 3);
  // abs(-1906497762) % 50 = 12; masking the sign bit would give 36.
  EXPECT_EQ(OffsetsPartitionFor("my-group", 50), 12);
  EXPECT_EQ(OffsetsPartitionFor("group\xC3\xA9", 50), 6);
  // Kafka's Utils.abs maps INT32_MIN to 0.
  EXPECT_EQ(OffsetsPartitionFor("polygenelubricants", 50), 0);
  EXPECT_EQ(OffsetsPartitionFor("anything", 1), 0);
}

}  // namespace
}  // namespace ringlog::testing
