// A group's partition of __consumer_offsets must be the one Kafka computes, so that
// ringlog brokers and Kafka's tools agree on coordinators: Java's String.hashCode (values
// below checked against the JVM's), its low 31 bits, mod the partition count.
#include "net/apis/offsets_partition.h"

#include <gtest/gtest.h>

namespace ringlog {
namespace {

TEST(OffsetsPartitionTest, JavaStringHashCode) {
  EXPECT_EQ(JavaStringHashCode(""), 0);
  EXPECT_EQ(JavaStringHashCode("hello"), 99162322);
  EXPECT_EQ(JavaStringHashCode("my-group"), -1906497762);
  EXPECT_EQ(JavaStringHashCode("console-consumer-12345"), 158455506);
  // Outside ASCII Java hashes UTF-16 units: "grüße", and a surrogate pair for U+1F600.
  EXPECT_EQ(JavaStringHashCode("gr\xc3\xbc\xc3\x9f"
                               "e"),
            98768023);
  EXPECT_EQ(JavaStringHashCode("\xf0\x9f\x98\x80g"), 54959972);
}

TEST(OffsetsPartitionTest, PartitionIsAbsHashModCount) {
  EXPECT_EQ(OffsetsPartitionFor("hello", 50), 22);
  // A negative hash keeps its low 31 bits: 240985886 mod 50.
  EXPECT_EQ(OffsetsPartitionFor("my-group", 50), 36);
  EXPECT_EQ(OffsetsPartitionFor("console-consumer-12345", 50), 6);
  EXPECT_EQ(OffsetsPartitionFor("anything", 1), 0);
}

}  // namespace
}  // namespace ringlog
